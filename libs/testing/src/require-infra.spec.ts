import { closedPort } from './closed-port';
import { InfrastructureUnavailableError, requirePostgres, requireRedis } from './require-infra';
import { testEnv } from './config/test-env';

/** A loopback port with nothing listening on it (bound, then released). */

describe('requireInfra', () => {
  it('when Postgres is unreachable, then it fails with a message naming infra:up', async () => {
    const port = await closedPort();

    const attempt = requirePostgres(`postgres://postgres:secret@127.0.0.1:${port}/rc_test`);

    await expect(attempt).rejects.toBeInstanceOf(InfrastructureUnavailableError);
    await expect(attempt).rejects.toThrow(/npm run infra:up/);
    await expect(attempt).rejects.not.toThrow(/secret/);
  });

  it('when Redis is unreachable, then it fails with a message naming infra:up', async () => {
    const port = await closedPort();

    await expect(requireRedis(`redis://127.0.0.1:${port}`)).rejects.toThrow(
      /Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable.*npm run infra:up/,
    );
  });

  it('when no variables are set, then the loopback defaults apply', () => {
    expect(testEnv({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/rc_test',
      redisUrl: 'redis://127.0.0.1:6379',
      redisCacheUrl: 'redis://127.0.0.1:6380',
      kafkaBrokers: ['127.0.0.1:9092'],
    });
  });
});
