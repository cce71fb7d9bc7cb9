import { HeapBallast } from './heap-ballast';

describe('HeapBallast', () => {
  it('when KiB are retained, then the count grows by them and stops at the ceiling', () => {
    // Arrange
    const ballast = new HeapBallast();

    // Act
    const first = ballast.retain(600, 1);
    const second = ballast.retain(600, 1);
    const third = ballast.retain(600, 1);

    // Assert
    expect([first, second, third]).toEqual([600, 424, 0]);
    expect(ballast.retainedKib).toBe(1024);
  });

  it('when 8 MiB are retained, then the V8 heap holds about that much more until released', () => {
    // Arrange
    const ballast = new HeapBallast();
    const before = process.memoryUsage().heapUsed;

    // Act
    ballast.retain(8 * 1024, 64);
    const held = process.memoryUsage().heapUsed - before;
    ballast.release();

    // Assert: on the heap (not in a Buffer), within a factor of two of what was asked
    expect(held).toBeGreaterThan(4 * 1024 * 1024);
    expect(held).toBeLessThan(16 * 1024 * 1024);
    expect(ballast.retainedKib).toBe(0);
  });
});
