import { createEvent } from '@rc/contracts';
import { uniqueName, waitFor, withAdmin } from '@rc/testing';
import {
  createIdempotentProducer,
  createKafka,
  ensureTopics,
  EventPublisher,
  type KafkaSecurityOptions,
  type MessagingLogger,
} from '../../src';
import { testConsumer } from './support/consumer-fixture';
import { startSecuredBroker, type SecuredBroker } from './support/secured-broker';

// A second broker of its own (SASL_SSL and mutual-TLS listeners, see support/secured-broker.ts),
// reached only through the library's own client, producer and consumer: the code services run.
describe('Kafka over TLS and SASL', () => {
  let broker: SecuredBroker;
  let topic: string;

  /** A client on `address` with `security`, as a service makes one. */
  const client = (address: string, security?: KafkaSecurityOptions) =>
    createKafka({
      clientId: uniqueName('secured-it'),
      brokers: [address],
      ...(security && { security }),
    });
  /**
   * A client expected to be refused: no client-level retries, so the refusal shows at once (a
   * service's client would retry it with backoff and fail the same way).
   */
  const refusedClient = (
    address: string,
    security?: KafkaSecurityOptions,
    logger?: MessagingLogger,
  ) =>
    createKafka({
      clientId: uniqueName('secured-it'),
      brokers: [address],
      connectionTimeoutMs: 3_000,
      retry: { retries: 0 },
      ...(security && { security }),
      ...(logger && { logger, logLevel: 'debug' as const }),
    });

  beforeAll(async () => {
    broker = await startSecuredBroker();
    topic = uniqueName('secured');
    const kafka = client(broker.saslSsl, broker.saslSslSecurity('scram-sha-256'));
    await withAdmin(kafka, (admin) => ensureTopics(admin, [topic], { partitions: 1 }));
  }, 660_000); // the first run on a checkout may fetch the Kafka jars (mvn)

  afterAll(() => broker?.stop(), 30_000);

  it('when a service connects with SCRAM-SHA-256 over TLS, then its publisher sends an event and its consumer handles it', async () => {
    // Arrange
    const kafka = client(broker.saslSsl, broker.saslSslSecurity('scram-sha-256'));
    const publisher = new EventPublisher(kafka);
    const handled: string[] = [];
    const { consumer } = testConsumer(kafka, [topic], {
      CartItemAdded: (event) => {
        handled.push(event.id);
        return Promise.resolve();
      },
    });
    const event = createEvent('CartItemAdded', 'cart-tls', {
      cartId: 'cart-tls',
      sku: 'SKU-1',
      quantity: 1,
    });

    try {
      // Act
      await consumer.start();
      await publisher.publish(event, { topic });

      // Assert
      await waitFor(() => handled.includes(event.id), 20_000, 'the event handled over SASL_SSL');
      expect(handled).toEqual([event.id]);
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it('when a service connects with PLAIN over TLS, then its idempotent producer is acknowledged', async () => {
    // Arrange
    const kafka = client(broker.saslSsl, broker.saslSslSecurity('plain'));
    const producer = createIdempotentProducer(kafka);
    await producer.connect();

    try {
      // Act
      const [meta] = await producer.send({
        topic,
        acks: -1,
        messages: [{ key: 'k', value: 'over SASL PLAIN' }],
      });

      // Assert
      expect(meta).toMatchObject({ topicName: topic, errorCode: 0 });
    } finally {
      await producer.disconnect();
    }
  });

  it('when the password is wrong, then the broker refuses with a SASL authentication error, and neither it nor the logs show the password', async () => {
    // Arrange
    const wrong = `${broker.password}-wrong`;
    const logged: string[] = [];
    const kafka = refusedClient(
      broker.saslSsl,
      broker.saslSslSecurity('scram-sha-256', wrong),
      (level, message, fields) => logged.push(`${level} ${message} ${JSON.stringify(fields)}`),
    );

    // Act
    const error = await withAdmin(kafka, (admin) => admin.listTopics()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    // Assert
    expect(error?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(error?.message).toMatch(/SCRAM SHA256 authentication failed.*invalid credentials/);
    // `wrong` starts with the real password: neither appears.
    expect(error?.message).not.toContain(broker.password);
    expect(logged.join('\n')).toMatch(/SCRAM SHA256 authentication failed/);
    expect(logged.join('\n')).not.toContain(broker.password);
  });

  it('when a client speaks plaintext to the TLS listener, then it cannot connect', async () => {
    // Arrange
    const kafka = refusedClient(broker.saslSsl);

    // Act / Assert
    await expect(withAdmin(kafka, (admin) => admin.listTopics())).rejects.toThrow(
      /Closed connection|ECONNRESET|timed out/i,
    );
  });

  it('when the CA file is not given (system CAs), then the self-signed broker is not trusted', async () => {
    // Arrange
    const { sslCaFile: _ca, ...withoutCa } = broker.saslSslSecurity('scram-sha-256');
    const kafka = refusedClient(broker.saslSsl, withoutCa);

    // Act / Assert
    await expect(withAdmin(kafka, (admin) => admin.listTopics())).rejects.toThrow(
      /self[- ]signed certificate/i,
    );
  });

  it('when mutual TLS is configured, then the listener that requires a client certificate accepts it, and refuses a client without one', async () => {
    // Arrange
    const tls: KafkaSecurityOptions = { protocol: 'ssl', sslCaFile: broker.caFile };
    const withCertificate = client(broker.mutualTls, {
      ...tls,
      sslCertFile: broker.clientCertFile,
      sslKeyFile: broker.clientKeyFile,
    });
    const withoutCertificate = refusedClient(broker.mutualTls, tls);

    // Act
    const topics = await withAdmin(withCertificate, (admin) => admin.listTopics());
    const refused = withAdmin(withoutCertificate, (admin) => admin.listTopics());

    // Assert
    expect(topics).toContain(topic);
    await expect(refused).rejects.toThrow(/bad certificate|certificate required/);
  });
});
