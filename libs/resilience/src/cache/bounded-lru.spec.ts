import { BoundedLru } from './bounded-lru';

describe('BoundedLru', () => {
  it('when it is full, then a new entry evicts the least recently used one', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a'); // b is now the least recently used

    lru.set('c', 3);

    expect(lru.size).toBe(2);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
  });

  it('when a key is set again or deleted, then it holds one entry or none', () => {
    const lru = new BoundedLru<string, number>(3);
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.size).toBe(1);
    expect(lru.get('a')).toBe(2);

    lru.delete('a');

    expect(lru.size).toBe(0);
  });

  it('when its bound is 0, then it keeps nothing; a bound that is not an integer ≥ 0 is refused', () => {
    const none = new BoundedLru<string, number>(0);
    none.set('a', 1);
    expect(none.size).toBe(0);
    expect(() => new BoundedLru(-1)).toThrow(RangeError);
    expect(() => new BoundedLru(1.5)).toThrow(RangeError);
  });
});
