import { HealthRegistry } from './health-registry';

const refused = () =>
  Promise.reject(
    Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432 (user shop_admin)'), {
      code: 'ECONNREFUSED',
    }),
  );

describe('HealthRegistry', () => {
  it('when probes arrive within the cache window, then the checks run once for all of them', async () => {
    let runs = 0;
    const health = new HealthRegistry(1000, 60_000);
    health.register('postgres', async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
    });

    const answers = await Promise.all([health.readiness(), health.readiness()]);
    await health.readiness();

    expect(answers.map((a) => a.ready)).toEqual([true, true]);
    expect(runs).toBe(1);
  });

  it('when the cache window has passed, then the next probe runs the checks again', async () => {
    let runs = 0;
    const health = new HealthRegistry(1000, 0);
    health.register('redis', async () => void runs++);

    await health.readiness();
    await health.readiness();

    expect(runs).toBe(2);
  });

  it('when a check fails, then the answer gives its code, not its message, and the log hook gets the message', async () => {
    const logged: string[] = [];
    const health = new HealthRegistry(1000, 1000, (name, r) => logged.push(`${name}: ${r.detail}`));
    health.register('postgres', refused);
    health.register('kafka', () => Promise.reject(new Error('broker kafka-0.internal:9092 down')));

    const { ready, checks } = await health.readiness();

    expect(ready).toBe(false);
    expect(checks.postgres).toMatchObject({ status: 'down', error: 'ECONNREFUSED' });
    expect(checks.kafka).toMatchObject({ status: 'down', error: 'failed' });
    expect(logged).toEqual([
      'postgres: connect ECONNREFUSED 10.1.2.3:5432 (user shop_admin)',
      'kafka: broker kafka-0.internal:9092 down',
    ]);
  });

  it('when a check hangs, then it is down with reason timeout after the timeout', async () => {
    const health = new HealthRegistry(20, 0);
    health.register('redis', () => new Promise(() => undefined));

    const { checks } = await health.readiness();

    expect(checks.redis).toMatchObject({ status: 'down', error: 'timeout' });
  });

  it('when shutdown has begun, then a cached healthy round still answers not ready', async () => {
    const health = new HealthRegistry(1000, 60_000);
    health.register('postgres', async () => undefined);
    await health.readiness();

    health.markShuttingDown();

    expect((await health.readiness()).ready).toBe(false);
  });
});
