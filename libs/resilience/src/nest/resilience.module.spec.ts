import 'reflect-metadata';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { AdaptiveConcurrencyLimiter, AimdLimit } from '../load-shedding';
import { ResilienceModule } from './resilience.module';
import { ResilienceRegistry } from './resilience.registry';

@Injectable()
class ServiceConfig {
  readonly adminToken = 'from-config';
}

@Module({ providers: [ServiceConfig], exports: [ServiceConfig] })
class ConfigModule {}

@Controller('c')
class C {
  @Get()
  get(): { ok: true } {
    return { ok: true };
  }
}

/** A shedder with its own registry, and how many requests it admitted so far. */
function countingShedder() {
  const registry = new Registry();
  const shedder = new AdaptiveConcurrencyLimiter({
    name: 'module-spec',
    algorithm: new AimdLimit({ initialLimit: 10, minLimit: 1, maxLimit: 10 }),
    registry,
  });
  const admitted = async () =>
    (
      await registry.getSingleMetric('resilience_load_shedding_admitted_total')!.get()
    ).values.reduce((sum, v) => sum + v.value, 0);
  return { shedder, admitted };
}

async function start(module: ReturnType<typeof ResilienceModule.forRoot>) {
  const moduleRef = await Test.createTestingModule({
    imports: [module],
    controllers: [C],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('ResilienceModule', () => {
  it('when configured with forRootAsync, then the factory gets its injected providers and the registry exposes the result', async () => {
    // Arrange
    const { shedder, admitted } = countingShedder();

    // Act
    const app = await start(
      ResilienceModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ServiceConfig],
        useFactory: (config: ServiceConfig) => ({
          loadShedder: shedder,
          faultAdminToken: config.adminToken,
        }),
      }),
    );

    // Assert
    try {
      const registry = app.get(ResilienceRegistry);
      expect(registry.loadShedder).toBe(shedder);
      expect(registry.options.faultAdminToken).toBe('from-config');
      expect((await app.inject({ method: 'GET', url: '/c' })).statusCode).toBe(200);
      expect(await admitted()).toBe(1); // the global shedding interceptor ran
    } finally {
      await app.close();
    }
  });

  it('when global interceptors and the admin API are switched off, then requests pass untouched and /admin/faults is absent', async () => {
    // Arrange
    const { shedder, admitted } = countingShedder();
    const app = await start(
      ResilienceModule.forRoot({
        loadShedder: shedder,
        globalInterceptors: false,
        faultAdmin: false,
      }),
    );

    // Act
    const response = await app.inject({ method: 'GET', url: '/c' });
    const admin = await app.inject({ method: 'GET', url: '/admin/faults' });

    // Assert
    try {
      expect(response.statusCode).toBe(200);
      expect(await admitted()).toBe(0);
      expect(admin.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
