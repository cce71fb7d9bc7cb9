import { BoundedQueue } from './bounded-queue';

describe('BoundedQueue', () => {
  it('when items are taken, then they come out oldest first in batches of at most max', () => {
    // Arrange
    const queue = new BoundedQueue<number>(5);
    [1, 2, 3].forEach((n) => queue.push(n));

    // Act
    const first = queue.take(2);
    const second = queue.take(2);

    // Assert
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([3]);
    expect(queue.size).toBe(0);
  });

  it('when pushing into a full queue, then the oldest entry is dropped and counted', () => {
    // Arrange
    const queue = new BoundedQueue<number>(3);
    [1, 2, 3].forEach((n) => queue.push(n));

    // Act
    const dropped = queue.push(4);

    // Assert
    expect(dropped).toBe(1);
    expect(queue.take(10)).toEqual([2, 3, 4]);
  });

  it('when a batch is put back, then it is ahead of newer entries, in its original order', () => {
    // Arrange
    const queue = new BoundedQueue<number>(5);
    [1, 2, 3].forEach((n) => queue.push(n));
    const batch = queue.take(2);
    queue.push(4);

    // Act
    const dropped = queue.putBack(batch);

    // Assert
    expect(dropped).toBe(0);
    expect(queue.take(10)).toEqual([1, 2, 3, 4]);
  });

  it('when a put-back batch does not fit, then its oldest entries are dropped', () => {
    // Arrange
    const queue = new BoundedQueue<number>(3);
    [1, 2, 3].forEach((n) => queue.push(n));
    const batch = queue.take(3);
    queue.push(4);
    queue.push(5);

    // Act
    const dropped = queue.putBack(batch);

    // Assert
    expect(dropped).toBe(2);
    expect(queue.take(10)).toEqual([3, 4, 5]);
  });

  it('when the ring wraps around many times, then order and size stay right', () => {
    // Arrange
    const queue = new BoundedQueue<number>(4);
    const seen: number[] = [];

    // Act
    for (let i = 0; i < 50; i++) {
      queue.push(i);
      if (i % 3 === 0) seen.push(...queue.take(2));
    }
    seen.push(...queue.take(100));

    // Assert: every number appears at most once, in increasing order
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe(49);
  });

  it('when built with a capacity below 1, then it refuses', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
