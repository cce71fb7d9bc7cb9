import { Kafka, logLevel, Partitioners, type Producer, type RetryOptions } from 'kafkajs';
import { patchKafkajsIdleTimer, patchKafkajsRequestTimeoutCheck } from './kafkajs-idle-timer';
import { kafkajsSecurity, type KafkaSecurityOptions } from './kafka-security';
import { silentLogger, type LogLevel, type MessagingLogger } from '../shared/messaging-logger';

/** Options of {@link createKafka}. */
export interface KafkaClientOptions {
  /** Client id the broker sees (service name, plus the replica when useful). */
  clientId: string;
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Receives kafkajs's own log lines; silent by default (no console output). */
  logger?: MessagingLogger;
  /** Lowest kafkajs level passed to `logger` (default `warn`; `info` is chatty on rebalances). */
  logLevel?: Exclude<LogLevel, 'debug'> | 'debug';
  /** TCP connect timeout per broker, in ms (default 3 000). */
  connectionTimeoutMs?: number;
  /** Per-request timeout, in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Overrides for kafkajs's client-level retry (admin, consumer group coordination). */
  retry?: RetryOptions;
  /**
   * TLS and SASL (default: plaintext, no authentication). Services pass
   * `kafkaSecurityFromConfig(config)`; inconsistent settings or an unreadable PEM file throw
   * `KafkaSecurityConfigError` here, before any connection.
   */
  security?: KafkaSecurityOptions;
}

const LEVELS: Record<LogLevel, logLevel> = {
  debug: logLevel.DEBUG,
  info: logLevel.INFO,
  warn: logLevel.WARN,
  error: logLevel.ERROR,
};

function toLevel(level: logLevel): LogLevel {
  if (level <= logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  return level === logLevel.INFO ? 'info' : 'debug';
}

/**
 * A kafkajs client configured to ride out a broker restart. Client-level retries back off
 * exponentially up to 30 s between tries for about two minutes (admin calls, group joins); the
 * consumers built on it also restart themselves after a crash (see `EventConsumer`), and the
 * outbox relay keeps its own, unbounded backoff on top (rows simply wait in Postgres). kafkajs's
 * logger is routed to `logger` with the kafkajs namespace, so nothing reaches the console.
 * `security` becomes kafkajs's `ssl` and `sasl` options (see `kafkajsSecurity`).
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  // kafkajs 2.2.4 spins a 1 ms timer per idle connection without the first, and checks request
  // timeouts every 100 ms per connection without the second (see the patches' docs).
  patchKafkajsIdleTimer();
  patchKafkajsRequestTimeoutCheck();
  const logger = options.logger ?? silentLogger;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkajsSecurity(options.security ?? { protocol: 'plaintext' }),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
        logger(toLevel(level), `kafkajs ${namespace}: ${message}`, fields);
      },
    retry: {
      initialRetryTime: 300,
      maxRetryTime: 30_000,
      retries: 10,
      ...options.retry,
    },
  });
}

/** Options of {@link createIdempotentProducer}. */
export interface IdempotentProducerOptions {
  /**
   * kafkajs retries inside one `send` (default 5, about 10 s in total). Finite on purpose: the
   * callers (relay, consumer's dead-letter path) own the outer retry loop and must notice a dead
   * broker. kafkajs logs a warning that finite retries "may invalidate EoS guarantees": that is
   * about exactly-once across a failed send, which this platform does not claim (delivery is
   * at-least-once; consumers deduplicate on the event id).
   */
  retries?: number;
}

/**
 * An idempotent producer (the broker drops the duplicates its own retries would create; sends
 * must use `acks: -1`) with the Java client's default partitioner (murmur2 of the key, so an
 * aggregate's events share a partition with any other client's).
 */
export function createIdempotentProducer(
  kafka: Kafka,
  options: IdempotentProducerOptions = {},
): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: options.retries ?? 5, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
}
