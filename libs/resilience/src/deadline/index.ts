export { currentDeadline, remainingMs, runWithDeadline } from './deadline-context';
export {
  REQUEST_DEADLINE_HEADER,
  REQUEST_TIMEOUT_HEADER,
  deadlineFromHttpHeaders,
  deadlineFromKafkaHeaders,
  kafkaDeadlineHeaders,
  setOutboundDeadlineHeader,
  type InboundDeadlineOptions,
} from './deadline-headers';
export { DeadlineExceededError, InvalidDeadlineHeaderError } from './deadline.errors';
