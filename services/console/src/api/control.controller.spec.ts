import { isLoopback } from './control.controller';

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])(
    'when the client is %s, then it is this machine',
    (address) => expect(isLoopback(address)).toBe(true),
  );

  it.each(['10.0.0.1', '172.17.0.1', '::ffff:192.168.1.2', '2001:db8::1', '', undefined])(
    'when the client is %p, then it is another machine',
    (address) => expect(isLoopback(address)).toBe(false),
  );
});
