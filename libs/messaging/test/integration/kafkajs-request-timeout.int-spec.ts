import { testEnv, uniqueName } from '@rc/testing';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createKafka } from '../../src';

// kafkajs's internals, the ones the patch replaces a method of (no public API reaches them).
interface KafkajsConnection {
  connect(): Promise<unknown>;
  disconnect(): Promise<unknown>;
  send(request: unknown): Promise<unknown>;
  requestQueue: { inflight: Map<number, unknown>; requestTimeoutIntervalId?: unknown };
}
const requireKafkajs = createRequire(require.resolve('kafkajs'));
const Connection = requireKafkajs('./src/network/connection') as new (
  options: Record<string, unknown>,
) => KafkajsConnection;
const socketFactory = requireKafkajs('./src/network/socketFactory') as () => unknown;
const { createLogger } = requireKafkajs('./src/loggers') as {
  createLogger(options: Record<string, unknown>): unknown;
};
const { requests } = requireKafkajs('./src/protocol/requests') as {
  requests: { ApiVersions: { protocol(options: { version: number }): () => unknown } };
};

// kafkajs checks request timeouts on a 100 ms interval per connection; createKafka replaces it
// with one timer at the earliest deadline in flight (see kafkajs-idle-timer.ts). These run the
// real client: against the test broker, and against a listener that accepts and never answers.
describe('kafkajs request timeouts, as patched by createKafka', () => {
  function connectionTo(host: string, port: number, requestTimeout = 30_000): KafkajsConnection {
    // kafkajs's own connection (the class its brokers use), with the patches createKafka applies.
    createKafka({ clientId: uniqueName('patch'), brokers: testEnv().kafkaBrokers });
    return new Connection({
      host,
      port,
      logger: createLogger({ level: 0, logCreator: () => () => undefined }),
      socketFactory: socketFactory(),
      requestTimeout,
      connectionTimeout: 1_000,
    });
  }

  it('when a connection to the broker has had its request answered, then it holds no timer', async () => {
    const [host, port] = testEnv().kafkaBrokers[0]!.split(':');
    const connection = connectionTo(host!, Number(port));
    await connection.connect();
    try {
      const answer = await connection.send(requests.ApiVersions.protocol({ version: 0 })());

      expect(answer).toBeDefined();
      expect(connection.requestQueue.inflight.size).toBe(0);
      // kafkajs unpatched: a 100 ms interval here, for as long as the connection is open.
      expect(connection.requestQueue.requestTimeoutIntervalId).toBeUndefined();
    } finally {
      await connection.disconnect();
    }
  });

  describe('against a broker that accepts connections and never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.push(socket);
        socket.on('error', () => undefined);
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('when a request gets no answer, then it is rejected as timed out once its timeout has passed, not long after', async () => {
      const { port } = server.address() as AddressInfo;
      const connection = connectionTo('127.0.0.1', port, 500);
      await connection.connect();
      const started = Date.now();
      const error = await connection.send(requests.ApiVersions.protocol({ version: 0 })()).then(
        () => undefined,
        (e: unknown) => e,
      );

      const elapsed = Date.now() - started;
      expect((error as Error | undefined)?.name).toBe('KafkaJSRequestTimeoutError');
      expect(elapsed).toBeGreaterThanOrEqual(500);
      expect(elapsed).toBeLessThan(1_000);
      expect(connection.requestQueue.inflight.size).toBe(0);
      await connection.disconnect();
    });
  });
});
