import { Redis } from 'ioredis';
import { createRedisFixture, testEnv } from '../../src';

describe('createRedisFixture (real Redis)', () => {
  it('when dropped, then only the keys under its own prefix are gone', async () => {
    // Arrange: a key of the fixture's own and one of somebody else's
    const fixture = await createRedisFixture('it-testing-redis');
    const other = new Redis(testEnv().redisUrl);
    const foreign = `test:other-${Date.now()}`;
    try {
      await fixture.redis.set(`${fixture.prefix}a`, '1');
      await fixture.redis.set(`${fixture.prefix}b`, '2');
      await other.set(foreign, 'kept', 'EX', 60);

      // Act
      await fixture.drop();

      // Assert
      expect(fixture.prefix).toMatch(/^test:it-testing-redis-.+:$/);
      expect(await other.exists(`${fixture.prefix}a`, `${fixture.prefix}b`)).toBe(0);
      expect(await other.get(foreign)).toBe('kept');
      expect(fixture.redis.status).toBe('end');
    } finally {
      await other.del(foreign);
      other.disconnect();
    }
  });
});
