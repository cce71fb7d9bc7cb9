import { ConfigError, loadConfig } from '@rc/platform';
import { recommendationsConfigSchema } from './recommendations.config';

describe('recommendations config', () => {
  it('when nothing is set, then the defaults make a working development service', () => {
    // Act
    const config = loadConfig(recommendationsConfigSchema, {});

    // Assert
    expect(config).toMatchObject({
      SERVICE_NAME: 'recommendations',
      PORT: 3004,
      RECO_KEY_PREFIX: 'reco:',
      RECO_FRESH_TTL_MS: 30_000,
      RECO_STALE_TTL_MS: 3_600_000,
      RECO_ORDERS_TOPIC: 'orders',
      RECO_CONSUMER_GROUP: 'recommendations',
    });
    expect(config.RECO_STATIC_BESTSELLERS.length).toBeGreaterThan(0);
  });

  it('when the stale window is shorter than the fresh one, then it refuses to start', () => {
    // Act
    const load = () =>
      loadConfig(recommendationsConfigSchema, {
        RECO_FRESH_TTL_MS: '5000',
        RECO_STALE_TTL_MS: '1000',
      });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/RECO_STALE_TTL_MS: must be >= RECO_FRESH_TTL_MS/);
  });

  it('when production runs with the development admin token, then it refuses to start', () => {
    expect(() => loadConfig(recommendationsConfigSchema, { NODE_ENV: 'production' })).toThrow(
      /ADMIN_TOKEN: must be set in production/,
    );
  });

  it('when the static list is given, then it is split into SKUs', () => {
    expect(
      loadConfig(recommendationsConfigSchema, { RECO_STATIC_BESTSELLERS: 'A, B ,C' })
        .RECO_STATIC_BESTSELLERS,
    ).toEqual(['A', 'B', 'C']);
  });
});
