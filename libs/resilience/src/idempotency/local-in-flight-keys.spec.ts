import { LocalInFlightKeys } from './local-in-flight-keys';

describe('LocalInFlightKeys', () => {
  it('when a key runs in one scope, then it is found there with its fingerprint and not in another scope', () => {
    const keys = new LocalInFlightKeys();

    keys.add('alice', 'k1', 'fp-1');

    expect(keys.fingerprintOf('alice', 'k1')).toBe('fp-1');
    expect(keys.fingerprintOf('bob', 'k1')).toBeUndefined();
    expect(keys.hasKey('k1')).toBe(true);
    expect(keys.hasKey('k2')).toBe(false);
  });

  it('when the request ends, then its key is gone; removing twice is harmless and keeps other scopes', () => {
    const keys = new LocalInFlightKeys();
    const alice = keys.add('alice', 'k1', 'fp-1');
    keys.add('bob', 'k1', 'fp-2');

    alice();
    alice();

    expect(keys.fingerprintOf('alice', 'k1')).toBeUndefined();
    expect(keys.hasKey('k1')).toBe(true);
    expect(keys.size).toBe(1);
  });

  it('when the same scope and key are added again while running, then the first entry stays and the second removal does nothing', () => {
    const keys = new LocalInFlightKeys();
    keys.add('alice', 'k1', 'fp-1');

    const again = keys.add('alice', 'k1', 'fp-other');
    again();

    expect(keys.fingerprintOf('alice', 'k1')).toBe('fp-1');
  });
});
