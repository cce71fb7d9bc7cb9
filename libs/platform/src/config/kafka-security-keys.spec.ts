import { z } from 'zod';
import { describeKey, isSecret } from './config-schema';
import { serviceKeys } from './service-keys';

/** A schema as a service writes one: the group spread among its own keys. */
const schema = z.object({
  KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
  ...serviceKeys.kafkaSecurity(),
});

describe('Kafka security key group', () => {
  it('when the group is spread into a schema, then it adds the seven keys, each as its single definition', () => {
    // Act
    const group = serviceKeys.kafkaSecurity();

    // Assert
    expect(Object.keys(group)).toEqual([
      'KAFKA_SECURITY_PROTOCOL',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SSL_CA_FILE',
      'KAFKA_SSL_CERT_FILE',
      'KAFKA_SSL_KEY_FILE',
    ]);
    expect(describeKey(group.KAFKA_SECURITY_PROTOCOL)).toBe(
      describeKey(serviceKeys.kafkaSecurityProtocol()),
    );
    expect(describeKey(group.KAFKA_SSL_KEY_FILE)).toBe(describeKey(serviceKeys.kafkaSslKeyFile()));
    expect(
      Object.keys(schema.shape).filter((k) => isSecret(schema.shape[k as 'KAFKA_BROKERS'])),
    ).toEqual(['KAFKA_SASL_PASSWORD']);
  });

  it('when nothing is set, then the protocol is plaintext and no other key is set', () => {
    expect(schema.parse({})).toEqual({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_SECURITY_PROTOCOL: 'plaintext',
    });
  });

  it('when the group is asked for twice, then each schema has its own key schemas', () => {
    expect(serviceKeys.kafkaSecurity().KAFKA_SASL_PASSWORD).not.toBe(
      serviceKeys.kafkaSecurity().KAFKA_SASL_PASSWORD,
    );
  });
});
