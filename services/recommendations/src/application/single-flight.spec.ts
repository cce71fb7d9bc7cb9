import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('when 50 calls with one key overlap, then the work runs once and all get its result', async () => {
    // Arrange
    const flight = new SingleFlight<number>();
    let runs = 0;
    let finish: (n: number) => void = () => undefined;
    const work = () => {
      runs++;
      return new Promise<number>((resolve) => (finish = resolve));
    };

    // Act
    const calls = Array.from({ length: 50 }, () => flight.run('k', work));
    finish(42);
    const results = await Promise.all(calls.map((c) => c.result));

    // Assert
    expect(runs).toBe(1);
    expect(calls.filter((c) => c.leader)).toHaveLength(1);
    expect(results).toEqual(Array(50).fill(42));
  });

  it('when keys differ, then each runs its own work', async () => {
    // Arrange
    const flight = new SingleFlight<string>();

    // Act
    const a = flight.run('a', async () => 'A');
    const b = flight.run('b', async () => 'B');

    // Assert
    expect([a.leader, b.leader]).toEqual([true, true]);
    expect(await Promise.all([a.result, b.result])).toEqual(['A', 'B']);
  });

  it('when a run has settled, then the next call runs the work again (nothing is cached)', async () => {
    // Arrange
    const flight = new SingleFlight<number>();
    let runs = 0;
    await flight.run('k', async () => ++runs).result;

    // Act
    const second = await flight.run('k', async () => ++runs).result;

    // Assert
    expect(second).toBe(2);
    expect(flight.size).toBe(0);
  });

  it('when the work fails, then every joined caller sees the failure and the key is freed', async () => {
    // Arrange
    const flight = new SingleFlight<number>();
    const failing = () => Promise.reject(new Error('boom'));

    // Act
    const calls = [flight.run('k', failing), flight.run('k', failing)];

    // Assert
    for (const c of calls) await expect(c.result).rejects.toThrow('boom');
    expect(flight.size).toBe(0);
  });
});
