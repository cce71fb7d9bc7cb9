import 'reflect-metadata';
import { bootstrapService, type RunningService } from '@rc/platform';
import { openApiDocumentIssues } from '@rc/testing';
import { consoleConfigSchema } from '../src/config/console.config';
import { ConsoleModule } from '../src/console.module';
import { serviceUrlsAt, StubPlatform } from './support/stub-platform';

/** Console operations that refuse nothing by design (only a bug answers an error). */
const REFUSE_NOTHING = [
  'GET /api/shop/recommendations',
  'GET /api/shop/customers',
  'GET /api/control/stream',
  'GET /api/control/snapshot',
  'GET /api/control/presets',
  'GET /api/control/load',
  'GET /api/control/chaos',
];

// The console started in process, its six services played by one stub HTTP server.
describe('console OpenAPI document', () => {
  const stub = new StubPlatform();
  let svc: RunningService<unknown>;

  beforeAll(async () => {
    await stub.start();
    const urls = serviceUrlsAt(stub.url);
    svc = await bootstrapService({
      module: ConsoleModule,
      schema: consoleConfigSchema,
      env: {
        PORT: '0',
        LOG_LEVEL: 'error',
        STATIC_DIR: '/nonexistent',
        CONSOLE_CREDENTIALS_FILE: '/nonexistent/credentials.json',
        ...urls,
      },
      logSink: () => undefined,
      handleSignals: false,
      openApi: { title: 'console' },
    });
  });

  afterAll(async () => {
    await svc?.shutdown('test');
    await stub.stop();
  });

  it('when /docs-json is fetched, then it is valid OpenAPI 3.1 with the problem+json answers of every operation', async () => {
    // Act
    const res = await fetch(`${svc.url}/docs-json`);
    const document = (await res.json()) as { paths: Record<string, object> };

    // Assert
    expect(res.status).toBe(200);
    expect(await openApiDocumentIssues(document, { withoutClientErrors: REFUSE_NOTHING })).toEqual(
      [],
    );
    expect(Object.keys(document.paths)).toHaveLength(16);
  });
});
