import { z } from 'zod';
import { secret } from './config-schema';

// The seven Kafka TLS/SASL keys. They are one setting as far as a service is concerned: every
// service with a Kafka client takes all seven, and `@rc/messaging`'s
// `refuseInvalidKafkaSecurity` checks them together. So a schema spreads the group
// (`...serviceKeys.kafkaSecurity()`) instead of naming the seven keys again. scripts/deploy,
// meeting that spread, reads the key names from this file as text (every indented `UPPER_CASE:`
// line), so `kafkaSecurityKeys` below must stay the only object with such keys here.

/**
 * `KAFKA_SECURITY_PROTOCOL`: `plaintext` by default (the dev broker); `sasl_ssl` for a managed
 * Kafka. Which other `KAFKA_SASL_*` / `KAFKA_SSL_*` keys it needs, and the refusal of keys it
 * would ignore, are checked by `@rc/messaging`'s `refuseInvalidKafkaSecurity`.
 */
export function kafkaSecurityProtocol() {
  return z
    .enum(['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'])
    .default('plaintext')
    .describe(
      'How the Kafka clients reach the brokers: plaintext (default), ssl (TLS), sasl_plaintext, or sasl_ssl (SASL over TLS, e.g. a managed Kafka).',
    );
}

/** Unset is allowed (the key's protocol decides whether it is needed); empty is refused. */
const optionalText = () => z.string().min(1, 'must not be empty (unset it instead)');

/** `KAFKA_SASL_MECHANISM`: required with a `sasl_*` protocol. */
export function kafkaSaslMechanism() {
  return z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
    .optional()
    .describe(
      'SASL mechanism with a sasl_* KAFKA_SECURITY_PROTOCOL: plain, scram-sha-256 or scram-sha-512.',
    );
}

/** `KAFKA_SASL_USERNAME`: required with a `sasl_*` protocol. */
export function kafkaSaslUsername() {
  return optionalText().optional().describe('SASL username with a sasl_* KAFKA_SECURITY_PROTOCOL.');
}

/** `KAFKA_SASL_PASSWORD`: a secret, required with a `sasl_*` protocol. */
export function kafkaSaslPassword() {
  return secret(optionalText())
    .optional()
    .describe('SASL password with a sasl_* KAFKA_SECURITY_PROTOCOL; a secret.');
}

/** `KAFKA_SSL_CA_FILE`: PEM CA bundle the brokers' certificates must chain to. */
export function kafkaSslCaFile() {
  return optionalText()
    .optional()
    .describe(
      'PEM file of the CA(s) that signed the broker certificates (ssl / sasl_ssl); replaces the system CAs; unset: the system CAs.',
    );
}

/** `KAFKA_SSL_CERT_FILE`: PEM client certificate for mutual TLS. */
export function kafkaSslCertFile() {
  return optionalText()
    .optional()
    .describe('PEM client certificate for mutual TLS (ssl / sasl_ssl); needs KAFKA_SSL_KEY_FILE.');
}

/** `KAFKA_SSL_KEY_FILE`: PEM private key of the client certificate. */
export function kafkaSslKeyFile() {
  return optionalText()
    .optional()
    .describe('PEM private key (unencrypted) of KAFKA_SSL_CERT_FILE, for mutual TLS.');
}

/**
 * The seven Kafka security keys of a service schema, to spread into its `extend({ … })`:
 * `...serviceKeys.kafkaSecurity()`. With nothing set the clients speak plaintext (the dev
 * broker). Pair it with `refuseInvalidKafkaSecurity(config, ctx)` from `@rc/messaging` in the
 * schema's `superRefine`, and pass `kafkaSecurityFromConfig(config)` as `createKafka`'s
 * `security`. Each call returns fresh zod schemas.
 */
export function kafkaSecurityKeys() {
  return {
    KAFKA_SECURITY_PROTOCOL: kafkaSecurityProtocol(),
    KAFKA_SASL_MECHANISM: kafkaSaslMechanism(),
    KAFKA_SASL_USERNAME: kafkaSaslUsername(),
    KAFKA_SASL_PASSWORD: kafkaSaslPassword(),
    KAFKA_SSL_CA_FILE: kafkaSslCaFile(),
    KAFKA_SSL_CERT_FILE: kafkaSslCertFile(),
    KAFKA_SSL_KEY_FILE: kafkaSslKeyFile(),
  };
}
