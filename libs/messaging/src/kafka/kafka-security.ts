import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { z } from 'zod';
import { MessagingError } from '../messaging.errors';

/** How the clients reach the brokers, as Kafka names it (`security.protocol`), lower-case. */
export type KafkaSecurityProtocol = 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl';

/** The SASL mechanisms kafkajs speaks with a username and a password. */
export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/**
 * TLS and SASL settings of a Kafka client. Each field is one configuration key of the services
 * (the name in brackets), so a service passes its config through {@link kafkaSecurityFromConfig}.
 */
export interface KafkaSecurityOptions {
  /** `KAFKA_SECURITY_PROTOCOL`: `plaintext` (no TLS, no SASL), `ssl`, `sasl_plaintext`, `sasl_ssl`. */
  protocol: KafkaSecurityProtocol;
  /** `KAFKA_SASL_MECHANISM`: required with a `sasl_*` protocol, refused without one. */
  saslMechanism?: KafkaSaslMechanism | undefined;
  /** `KAFKA_SASL_USERNAME`: required with a `sasl_*` protocol. */
  saslUsername?: string | undefined;
  /** `KAFKA_SASL_PASSWORD`: required with a `sasl_*` protocol; never logged. */
  saslPassword?: string | undefined;
  /**
   * `KAFKA_SSL_CA_FILE`: PEM file of the CA(s) the brokers' certificates must chain to; it
   * replaces the system CAs. Unset: the system CAs (a managed Kafka with a public certificate).
   */
  sslCaFile?: string | undefined;
  /** `KAFKA_SSL_CERT_FILE`: PEM client certificate (mutual TLS); needs `sslKeyFile`. */
  sslCertFile?: string | undefined;
  /** `KAFKA_SSL_KEY_FILE`: PEM private key (unencrypted) of `sslCertFile`. */
  sslKeyFile?: string | undefined;
}

/** The configuration keys of {@link KafkaSecurityOptions}, as a service's config holds them. */
export interface KafkaSecurityConfig {
  KAFKA_SECURITY_PROTOCOL: KafkaSecurityProtocol;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SSL_CERT_FILE?: string | undefined;
  KAFKA_SSL_KEY_FILE?: string | undefined;
}

/** One thing wrong with the settings: the configuration key to fix and what is wrong. */
export interface KafkaSecurityProblem {
  key: keyof KafkaSecurityConfig;
  message: string;
}

/** Thrown by {@link kafkajsSecurity} (so by `createKafka`) when the settings are inconsistent. */
export class KafkaSecurityConfigError extends MessagingError {
  readonly code = 'MESSAGING.KAFKA_SECURITY_CONFIG' as const;
  readonly transient = false as const;

  constructor(readonly problems: readonly KafkaSecurityProblem[]) {
    super(
      `Invalid Kafka security settings: ${problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`,
    );
  }
}

const KEYS = {
  saslMechanism: 'KAFKA_SASL_MECHANISM',
  saslUsername: 'KAFKA_SASL_USERNAME',
  saslPassword: 'KAFKA_SASL_PASSWORD',
  sslCaFile: 'KAFKA_SSL_CA_FILE',
  sslCertFile: 'KAFKA_SSL_CERT_FILE',
  sslKeyFile: 'KAFKA_SSL_KEY_FILE',
} as const satisfies Record<Exclude<keyof KafkaSecurityOptions, 'protocol'>, string>;

const SASL_FIELDS = ['saslMechanism', 'saslUsername', 'saslPassword'] as const;
const TLS_FIELDS = ['sslCaFile', 'sslCertFile', 'sslKeyFile'] as const;

/** The service config's keys as {@link KafkaSecurityOptions} (a rename, nothing is checked). */
export function kafkaSecurityFromConfig(config: KafkaSecurityConfig): KafkaSecurityOptions {
  return {
    protocol: config.KAFKA_SECURITY_PROTOCOL,
    saslMechanism: config.KAFKA_SASL_MECHANISM,
    saslUsername: config.KAFKA_SASL_USERNAME,
    saslPassword: config.KAFKA_SASL_PASSWORD,
    sslCaFile: config.KAFKA_SSL_CA_FILE,
    sslCertFile: config.KAFKA_SSL_CERT_FILE,
    sslKeyFile: config.KAFKA_SSL_KEY_FILE,
  };
}

/** Reads a PEM file, or says why it cannot be used (missing, unreadable, not PEM). */
function readPem(path: string): { pem: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { problem: `cannot read ${path} (${typeof code === 'string' ? code : String(e)})` };
  }
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) return { problem: `${path} is not a PEM file` };
  return { pem: text };
}

/**
 * Everything wrong with `options`, each with the key to fix: SASL without its mechanism,
 * username or password; a SASL mechanism or username, or a TLS file, set under a protocol that
 * would ignore it (credentials meant for a managed cluster must not silently fall back to
 * plaintext; a password alone is ignored, see below); a client
 * certificate without its key or the reverse; a PEM file that is missing, unreadable or not
 * PEM. Empty when the settings can be used.
 */
export function kafkaSecurityProblems(options: KafkaSecurityOptions): KafkaSecurityProblem[] {
  const problems: KafkaSecurityProblem[] = [];
  const { protocol } = options;
  const sasl = protocol === 'sasl_plaintext' || protocol === 'sasl_ssl';
  const tls = protocol === 'ssl' || protocol === 'sasl_ssl';
  for (const field of SASL_FIELDS) {
    const set = options[field] !== undefined;
    if (sasl && !set)
      problems.push({
        key: KEYS[field],
        message: `required when KAFKA_SECURITY_PROTOCOL is ${protocol}`,
      });
    // A password alone is ignored, not refused: secrets often reach every deployment alike (one
    // Secret for all services, or tooling that fills every secret key), whatever the protocol.
    // The username and mechanism are plain settings: set, they show SASL was meant.
    if (!sasl && set && field !== 'saslPassword')
      problems.push({
        key: KEYS[field],
        message: `set, but KAFKA_SECURITY_PROTOCOL ${protocol} does not use SASL (use sasl_ssl or sasl_plaintext, or unset it)`,
      });
  }
  for (const field of TLS_FIELDS) {
    const path = options[field];
    if (path === undefined) continue;
    if (!tls) {
      problems.push({
        key: KEYS[field],
        message: `set, but KAFKA_SECURITY_PROTOCOL ${protocol} does not use TLS (use ssl or sasl_ssl, or unset it)`,
      });
      continue;
    }
    const read = readPem(path);
    if ('problem' in read) problems.push({ key: KEYS[field], message: read.problem });
  }
  if (tls && (options.sslCertFile === undefined) !== (options.sslKeyFile === undefined)) {
    const missing = options.sslCertFile === undefined ? 'sslCertFile' : 'sslKeyFile';
    const other = KEYS[missing === 'sslCertFile' ? 'sslKeyFile' : 'sslCertFile'];
    problems.push({ key: KEYS[missing], message: `required when ${other} is set (mutual TLS)` });
  }
  return problems;
}

/**
 * For a service config schema's `superRefine`: each of {@link kafkaSecurityProblems} becomes an
 * issue on its key, so the service refuses to start naming the key and what is wrong.
 */
export function refuseInvalidKafkaSecurity(
  config: KafkaSecurityConfig,
  ctx: z.RefinementCtx,
): void {
  for (const problem of kafkaSecurityProblems(kafkaSecurityFromConfig(config)))
    ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
}

/** The PEM text of a TLS field's file (checked before: this fails only if it changed since). */
function pemOf(options: KafkaSecurityOptions, field: (typeof TLS_FIELDS)[number]): string {
  const read = readPem(options[field] ?? '');
  if ('pem' in read) return read.pem;
  throw new KafkaSecurityConfigError([{ key: KEYS[field], message: read.problem }]);
}

/**
 * The kafkajs `ssl` and `sasl` client options for `options`: the one place the settings are
 * mapped. `ssl` is `true` (system CAs) or a TLS context with the CA and, for mutual TLS, the
 * client certificate and key read from their PEM files; `sasl` carries the mechanism and the
 * credentials. Throws {@link KafkaSecurityConfigError} when {@link kafkaSecurityProblems} finds
 * anything.
 */
export function kafkajsSecurity(options: KafkaSecurityOptions): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const problems = kafkaSecurityProblems(options);
  if (problems.length > 0) throw new KafkaSecurityConfigError(problems);
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (options.protocol === 'ssl' || options.protocol === 'sasl_ssl') {
    const context: ConnectionOptions = {
      ...(options.sslCaFile !== undefined && { ca: [pemOf(options, 'sslCaFile')] }),
      ...(options.sslCertFile !== undefined && { cert: pemOf(options, 'sslCertFile') }),
      ...(options.sslKeyFile !== undefined && { key: pemOf(options, 'sslKeyFile') }),
    };
    out.ssl = Object.keys(context).length > 0 ? context : true;
  }
  if (options.protocol === 'sasl_plaintext' || options.protocol === 'sasl_ssl') {
    // Checked above: all three are set. kafkajs types each mechanism's options separately.
    out.sasl = {
      mechanism: options.saslMechanism,
      username: options.saslUsername,
      password: options.saslPassword,
    } as SASLOptions;
  }
  return out;
}
