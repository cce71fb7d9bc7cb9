import { parseRedriveArgs } from './redrive-args';

describe('parseRedriveArgs', () => {
  it('when given a topic only, then no limit is set (the config default applies)', () => {
    expect(parseRedriveArgs(['orders.dlq'])).toEqual({ topic: 'orders.dlq' });
  });

  it.each([
    [['orders.dlq', '--limit', '50'], 50],
    [['--limit=7', 'payments.dlq'], 7],
    [['carts.dlq', '-n', '3'], 3],
  ])('when given %j, then the limit is %i', (argv, limit) => {
    expect(parseRedriveArgs(argv).limit).toBe(limit);
  });

  it.each([
    [[], /exactly one/],
    [['a.dlq', 'b.dlq'], /exactly one/],
    [['orders.dlq', '--limit', '0'], /positive integer/],
    [['orders.dlq', '--limit', 'ten'], /positive integer/],
    [['orders.dlq', '--force'], /Unknown option/],
  ])('when given %j, then it refuses with a clear message', (argv, message) => {
    expect(() => parseRedriveArgs(argv)).toThrow(message);
  });
});
