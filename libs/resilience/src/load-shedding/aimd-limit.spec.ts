import { AimdLimit } from './aimd-limit';

describe('AimdLimit', () => {
  it('when requests succeed under load, then the limit grows by one per request', () => {
    // Arrange
    const limit = new AimdLimit({ initialLimit: 10, minLimit: 1, maxLimit: 12 });

    // Act
    const seen = [1, 2, 3].map(() => limit.update({ rttMs: 5, inflight: 10, dropped: false }));

    // Assert
    expect(seen).toEqual([11, 12, 12]);
  });

  it('when a request is dropped or times out, then the limit is multiplied by the backoff ratio', () => {
    // Arrange
    const limit = new AimdLimit({ initialLimit: 100, minLimit: 1, maxLimit: 200, timeoutMs: 1000 });

    // Act
    const afterDrop = limit.update({ rttMs: 5, inflight: 100, dropped: true });
    const afterTimeout = limit.update({ rttMs: 1001, inflight: 100, dropped: false });

    // Assert
    expect(afterDrop).toBeCloseTo(90, 5);
    expect(afterTimeout).toBeCloseTo(81, 5);
  });

  it('when the service is mostly idle, then successes do not grow the limit', () => {
    // Arrange
    const limit = new AimdLimit({ initialLimit: 10, minLimit: 1, maxLimit: 100 });

    // Act
    const after = limit.update({ rttMs: 5, inflight: 2, dropped: false });

    // Assert
    expect(after).toBe(10);
  });

  it('when drops continue, then the limit stops at its minimum', () => {
    // Arrange
    const limit = new AimdLimit({ initialLimit: 10, minLimit: 4, maxLimit: 100 });

    // Act
    for (let i = 0; i < 50; i++) limit.update({ rttMs: 5, inflight: 10, dropped: true });

    // Assert
    expect(limit.limit).toBe(4);
  });
});
