/**
 * @rc/messaging — reliable events over Kafka for every service: the transactional outbox and
 * its single-leader relay, idempotent consumers (inbox), retries, dead-letter topics and
 * redrive, consumer lag, and trace context across Kafka. Built on kafkajs directly (see README).
 */
export {
  MessagingError,
  isMessagingError,
  PermanentHandlerError,
  FatalHandlerError,
  RelayFencedError,
  StoppingError,
} from './messaging.errors';
export { type MessagingLogger, type LogLevel, silentLogger } from './shared/messaging-logger';
export type { MessagingFaults, MessagingFaultTarget } from './shared/messaging-faults';
export { type BackoffOptions, fullJitterDelay } from './shared/backoff';
export {
  createKafka,
  createIdempotentProducer,
  type KafkaClientOptions,
  type IdempotentProducerOptions,
} from './kafka/kafka-client.factory';
export {
  kafkaSecurityFromConfig,
  kafkaSecurityProblems,
  kafkajsSecurity,
  refuseInvalidKafkaSecurity,
  KafkaSecurityConfigError,
  type KafkaSecurityConfig,
  type KafkaSecurityOptions,
  type KafkaSecurityProblem,
  type KafkaSecurityProtocol,
  type KafkaSaslMechanism,
} from './kafka/kafka-security';
export {
  ensureTopics,
  type EnsureTopicsOptions,
  type EnsureTopicsResult,
} from './kafka/ensure-topics';
export { EVENT_HEADERS, encodeEvent, headersToRecord } from './kafka/message-codec';
export { EventPublisher } from './kafka/event-publisher';
export {
  whenKafkaReady,
  ensureTopicsInBackground,
  type BackgroundTopicsOptions,
} from './kafka/when-kafka-ready';
export { BackgroundConsumer, type BackgroundConsumerOptions } from './consumer/background-consumer';
export { exitOnFatal, type FatalErrorHandler } from './consumer/exit-on-fatal';
export { injectTraceContext, extractTraceContext } from './observability/trace-context';
export { OUTBOX_MIGRATION_SQL, applyOutboxMigration } from './outbox/outbox.migration';
export {
  OUTBOX_COLUMNS,
  outbox,
  type OutboxAddOptions,
  type OutboxRowValues,
} from './outbox/outbox';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { INBOX_MIGRATION_SQL, applyInboxMigration } from './inbox/inbox.migration';
export { inbox, type InboxOutcome } from './inbox/inbox';
export {
  EventConsumer,
  type EventConsumerOptions,
  type ConsumerState,
} from './consumer/event-consumer';
export type {
  BatchContext,
  BatchHandler,
  BatchPart,
  EventHandler,
  EventHandlers,
  HandlerContext,
} from './consumer/event-handler';
export {
  defaultClassifyError,
  errorCodeOf,
  type ErrorClass,
  type ErrorClassifier,
} from './consumer/error-classifier';
export {
  DLQ_HEADERS,
  REDRIVE_COUNT_HEADER,
  deadLetterMessage,
  type DeadLetterReason,
  type DeadLetterInfo,
} from './consumer/dead-letter';
export {
  ConsumerLagMonitor,
  type ConsumerLagMonitorOptions,
  type PartitionLag,
} from './consumer/consumer-lag-monitor';
export { redrive, type RedriveOptions, type RedriveResult } from './consumer/redrive';
