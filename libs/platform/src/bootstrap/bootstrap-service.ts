import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { z } from 'zod';
import { requestIdFrom } from '../context/request-context';
import { type PlatformConfig, type platformConfigSchema } from '../config/config-schema';
import { adminAddress } from '../config/admin-address';
import { ConfigError, configHash, loadConfig, redactConfig } from '../config/load-config';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { HealthRegistry } from '../health/health-registry';
import { installAdminListener } from '../http/admin-listener';
import { clientErrorHandler, frameworkErrors } from '../http/framework-errors';
import { installJsonBodyParser } from '../http/json-body-parser';
import { installRequestLifecycle } from '../http/request-lifecycle';
import { ShutdownRegistry } from '../lifecycle/shutdown-registry';
import { bufferedStdoutSink } from '../logging/buffered-sink';
import { JsonLogger, type LogSink } from '../logging/json-logger';
import { routeProcessWarnings } from '../logging/process-warnings';
import { ServiceMetrics } from '../metrics/http-metrics';
import { createOpenApiDocument } from '../openapi/open-api-document';
import { startTelemetry } from '../telemetry/telemetry';
import { PlatformModule } from './platform.module';

/** A schema that includes the platform keys (extend `platformConfigSchema`). */
type ServiceSchema = typeof platformConfigSchema;

/** How to start one service. */
export interface BootstrapOptions<S extends ServiceSchema> {
  /** The service's root Nest module. */
  module: Type<unknown>;
  /** The service's config schema: `platformConfigSchema.extend({...})`. */
  schema: S;
  /** Environment to validate; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Serve the OpenAPI 3.1 document at `/docs` (JSON at `/docs-json`), see `createOpenApiDocument`. */
  openApi?: { title: string; description?: string };
  /** Where log lines go (tests capture them); default stdout, one write per event-loop turn. */
  logSink?: LogSink;
  /** Trace exporter for tests (enables tracing regardless of OTEL_ENABLED). */
  traceExporter?: SpanExporter;
  /**
   * The service owns the process: SIGTERM/SIGINT shut down gracefully and exit, and process
   * warnings go to the JSON log. Default true; in-process tests pass false.
   */
  handleSignals?: boolean;
}

/** A started service. */
export interface RunningService<C> {
  app: NestFastifyApplication;
  config: C;
  logger: JsonLogger;
  /** `http://host:port` actually listened on. */
  url: string;
  /**
   * `http://host:port` of the admin API (`/admin/*`, off the public port), or undefined when
   * the service has no admin routes.
   */
  adminUrl: string | undefined;
  /** Graceful shutdown: not ready → stop accepting → drain (bounded) → close resources → flush traces. */
  shutdown(reason?: string): Promise<void>;
}

/**
 * Creates and starts a service on Fastify with everything the platform gives: validated config,
 * JSON logs, request ids, server spans, `/health/live`, `/health/ready`, `/metrics`,
 * problem+json for every error, optional OpenAPI, and graceful shutdown. Throws
 * {@link ConfigError} on bad config (use {@link runService} in `main.ts` to exit with the message).
 */
export async function bootstrapService<S extends ServiceSchema>(
  options: BootstrapOptions<S>,
): Promise<RunningService<z.infer<S>>> {
  const config = loadConfig(options.schema, options.env) as z.infer<S> & PlatformConfig;
  const admin = adminAddress(config);
  // Lines go out together, at most LOG_FLUSH_DELAY_MS late (see createBufferedSink).
  const logger = new JsonLogger(
    config.SERVICE_NAME,
    config.LOG_LEVEL,
    options.logSink ?? bufferedStdoutSink(),
  );
  const stopTelemetry = startTelemetry({
    serviceName: config.SERVICE_NAME,
    serviceVersion: config.SERVICE_VERSION,
    enabled: config.OTEL_ENABLED,
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    samplingRatio: config.OTEL_SAMPLING_RATIO,
    ...(options.traceExporter ? { exporter: options.traceExporter } : {}),
  });
  const metrics = new ServiceMetrics(
    config.SERVICE_NAME,
    config.SERVICE_VERSION,
    configHash(options.schema, config),
  );
  const health = new HealthRegistry(undefined, undefined, (check, { error, detail }) =>
    logger.write('warn', 'readiness check failed', { check, reason: error, detail }),
  );
  const shutdownRegistry = new ShutdownRegistry();

  @Module({
    imports: [
      PlatformModule.forRoot({ config, logger, metrics, health, shutdown: shutdownRegistry }),
      options.module,
    ],
  })
  class RootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      requestIdFrom(req.headers['x-request-id']),
    return503OnClosing: true,
    trustProxy: trustProxyOf(config.TRUST_PROXY),
    logger: false,
    // Refusals before any route runs (a bad path, oversized headers) are problem+json too.
    frameworkErrors,
    clientErrorHandler,
  });
  installRequestLifecycle(adapter.getInstance(), metrics, logger);
  const adminListener = installAdminListener(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, {
    logger,
    bufferLogs: false,
  });
  installJsonBodyParser(app, config.BODY_LIMIT_BYTES);
  app.useGlobalFilters(new ProblemDetailsFilter(logger));
  if (options.openApi) {
    // Built on the first /docs request and kept (swagger caches the factory's result): no
    // request pays for it, and a service nobody asks holds no document in memory.
    const info = { ...options.openApi, version: config.SERVICE_VERSION };
    SwaggerModule.setup('docs', app, () => createOpenApiDocument(app, info), {
      jsonDocumentUrl: 'docs-json',
    });
  }
  await app.init();
  // Routes are registered now: open the admin port only for a service that has admin routes.
  const adminUrl = adminListener.hasRoutes ? await adminListener.listen(admin) : undefined;
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    await adminListener.close();
    throw e;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  logger.write('info', 'service started', {
    url,
    admin_url: adminUrl,
    config: redactConfig(options.schema, config),
  });

  let closing: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown'): Promise<void> =>
    (closing ??= (async () => {
      logger.write('info', 'shutting down', { reason, grace_ms: config.SHUTDOWN_GRACE_MS });
      health.markShuttingDown();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        app.close().then(() => true),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(false), config.SHUTDOWN_GRACE_MS)),
        ),
      ]);
      clearTimeout(timer);
      if (!drained) {
        logger.write('warn', 'in-flight requests did not finish within the grace period');
        // Cut the connections still open so the process can exit on time.
        (app.getHttpServer() as { closeAllConnections?: () => void }).closeAllConnections?.();
        adminListener.closeAllConnections();
      }
      await shutdownRegistry.runAll((name, e) =>
        logger.write('error', 'closing a resource failed', { resource: name, err: String(e) }),
      );
      await stopTelemetry().catch(() => undefined);
      logger.write('info', 'stopped', { reason });
    })());

  if (options.handleSignals ?? true) {
    routeProcessWarnings(logger);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        // A second signal while draining forces the exit.
        process.once(signal, () => process.exit(1));
        void shutdown(signal).then(() => process.exit(0));
      });
    }
  }
  return { app, config, logger, url, adminUrl, shutdown };
}

/**
 * `main.ts` entry: starts the service, and on bad config prints the message naming every bad
 * key to stderr and exits 1 (the process refuses to start).
 */
export async function runService<S extends ServiceSchema>(
  options: BootstrapOptions<S>,
): Promise<RunningService<z.infer<S>>> {
  try {
    return await bootstrapService(options);
  } catch (e) {
    if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
    else
      process.stderr.write(
        `start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
    process.exit(1);
  }
}

/** Fastify's `trustProxy` for a `TRUST_PROXY` value (validated by the platform schema). */
export function trustProxyOf(value: string): boolean | number | string {
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
