import { RollingCounters } from './rolling-counters';

describe('RollingCounters', () => {
  it('when values are added across slices, then the total covers exactly the slices in the window', () => {
    // Arrange: 1 s window in 4 slices of 250 ms
    const counters = new RollingCounters(2, 1_000, 4);

    // Act
    counters.add(0, 0);
    counters.add(300, 0, 2);
    counters.add(300, 1, 5);
    counters.add(999, 0);

    // Assert
    expect(counters.total(999, 0)).toBe(4);
    expect(counters.total(1_000, 0)).toBe(3); // slice [0,250) has slid out
    expect(counters.total(1_250, 0)).toBe(1); // slice [250,500) too
    expect(counters.total(1_250, 1)).toBe(0);
  });

  it('when time jumps past the whole window, then everything is forgotten', () => {
    const counters = new RollingCounters(1, 1_000, 10);
    counters.add(100, 0, 7);

    expect(counters.total(5_000, 0)).toBe(0);
  });

  it('when constructed with nonsense sizes, then it refuses', () => {
    expect(() => new RollingCounters(0, 1_000, 10)).toThrow(RangeError);
    expect(() => new RollingCounters(1, 5, 10)).toThrow(RangeError);
  });
});
