import type { EventEnvelope } from '@rc/contracts';
import {
  bootstrapService,
  type RunningService,
  servicePrivateKey,
  ServiceTokenSigner,
} from '@rc/platform';
import {
  createThrowawayDatabase,
  deleteTopics,
  readAll,
  sendJson,
  serviceTestEnv,
  serviceTokenEnv,
  testServiceKeyPair,
  type ThrowawayDatabase,
  uniqueName,
  waitFor,
} from '@rc/testing';
import { paymentConfigSchema } from '../../src/config/payment.config';
import { PaymentModule } from '../../src/payment.module';
import { testKafka } from './kafka-fixture';

/** Admin token of the app under test. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** Authorization header of the admin API. */
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The real payment app on a throwaway database and its own topic, with its log lines kept. */
export interface PaymentApp {
  db: ThrowawayDatabase;
  service: RunningService<unknown>;
  topic: string;
  logs: string[];
  /** The key pair checkout signs service tokens with; the app trusts its public half. */
  serviceKey: { privateKey: string; publicKey: string };
  /**
   * A request to the public port as checkout (with a service token for payment), unless
   * `headers` sets `authorization` itself.
   */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /** The same, on the admin API's own port (`/admin/*`). */
  callAdmin(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /** Types of the events of `orderId` on the topic, once the relay has published them all. */
  publishedEventTypes(orderId: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts the app (`name` prefixes its database and topic) with `env` on top of the test env. */
export async function startPaymentApp(
  name: string,
  env: Record<string, string> = {},
): Promise<PaymentApp> {
  const db = await createThrowawayDatabase(name);
  const topic = uniqueName(`it-${name}-payments`);
  const logs: string[] = [];
  const serviceKey = testServiceKeyPair();
  const tokens = new ServiceTokenSigner({
    issuer: 'checkout',
    key: servicePrivateKey(serviceKey.privateKey),
  });
  const service = await bootstrapService({
    module: PaymentModule,
    schema: paymentConfigSchema,
    env: {
      ...serviceTestEnv(),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'debug',
      SERVICE_NAME: uniqueName('payment'),
      PAYMENTS_TOPIC: topic,
      ADMIN_TOKEN,
      ...serviceTokenEnv(serviceKey).payment,
      ...env,
    },
    logSink: (line) => void logs.push(line),
    handleSignals: false,
  });
  return {
    db,
    service,
    topic,
    logs,
    serviceKey,
    call: async (method, path, body, headers) =>
      sendJson(service.url, method, path, body, {
        authorization: await tokens.authorizationFor('payment'),
        ...headers,
      }),
    callAdmin: (method, path, body, headers) =>
      sendJson(service.adminUrl!, method, path, body, headers),
    async publishedEventTypes(orderId) {
      await waitFor(
        async () =>
          (
            await db.pool.query('SELECT 1 FROM outbox WHERE key = $1 AND published_at IS NULL', [
              orderId,
            ])
          ).rows.length === 0,
        20_000,
        'the relay to publish',
      );
      return (await readAll(testKafka(), topic))
        .filter((m) => m.key?.toString() === orderId)
        .map((m) => (JSON.parse(m.value!.toString()) as EventEnvelope).type);
    },
    async stop() {
      await service.shutdown('test');
      await db.drop();
      await deleteTopics(testKafka(), [topic, `${topic}.dlq`]);
    },
  };
}
