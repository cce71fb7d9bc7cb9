import { FakeClock } from '../clock';
import { currentDeadline, remainingMs, runWithDeadline } from './deadline-context';
import {
  deadlineFromHttpHeaders,
  deadlineFromKafkaHeaders,
  kafkaDeadlineHeaders,
  REQUEST_DEADLINE_HEADER,
  REQUEST_TIMEOUT_HEADER,
  setOutboundDeadlineHeader,
} from './deadline-headers';
import { InvalidDeadlineHeaderError } from './deadline.errors';

describe('request deadline context', () => {
  it('when code runs inside runWithDeadline, then it sees the deadline and the remaining budget', async () => {
    // Arrange
    const clock = new FakeClock();
    const deadlineAt = clock.now() + 500;

    // Act
    const seen = await runWithDeadline(deadlineAt, async () => {
      await clock.advance(200);
      await Promise.resolve();
      return { at: currentDeadline(), left: remainingMs(clock) };
    });

    // Assert
    expect(seen).toEqual({ at: deadlineAt, left: 300 });
    expect(currentDeadline()).toBeUndefined();
    expect(remainingMs(clock)).toBeUndefined();
  });

  it('when a nested deadline is later than the enclosing one, then the enclosing one still applies', () => {
    const outer = 1_000;

    const [later, earlier] = runWithDeadline(outer, () => [
      runWithDeadline(outer + 5_000, currentDeadline),
      runWithDeadline(outer - 300, currentDeadline),
    ]);

    expect(later).toBe(outer);
    expect(earlier).toBe(outer - 300);
  });

  it('when the deadline has passed, then the remaining budget is negative', () => {
    const clock = new FakeClock();

    const left = runWithDeadline(clock.now() - 10, () => remainingMs(clock));

    expect(left).toBe(-10);
  });
});

describe('deadline headers', () => {
  const clock = new FakeClock(1_700_000_000_000);

  it('when an inbound request carries x-request-timeout-ms, then the deadline is the receiver now plus it', () => {
    expect(deadlineFromHttpHeaders({ [REQUEST_TIMEOUT_HEADER]: '250' }, { clock })).toBe(
      clock.now() + 250,
    );
  });

  it('when the caller asks for more than the maximum, then the budget is clamped to it', () => {
    expect(
      deadlineFromHttpHeaders(
        { [REQUEST_TIMEOUT_HEADER]: '999999' },
        { clock, maxTimeoutMs: 5_000 },
      ),
    ).toBe(clock.now() + 5_000);
  });

  it('when no header is sent, then the default applies, or there is no deadline', () => {
    expect(deadlineFromHttpHeaders({}, { clock, defaultTimeoutMs: 3_000 })).toBe(
      clock.now() + 3_000,
    );
    expect(deadlineFromHttpHeaders({}, { clock })).toBeUndefined();
  });

  it.each([['-5'], ['1.5'], ['soon'], [''], [['100', '200']]])(
    'when the header is %p, then it is rejected as invalid',
    (value) => {
      expect(() => deadlineFromHttpHeaders({ [REQUEST_TIMEOUT_HEADER]: value }, { clock })).toThrow(
        InvalidDeadlineHeaderError,
      );
    },
  );

  it('when calling out under a deadline, then the header carries the milliseconds left, never negative', () => {
    const headers = setOutboundDeadlineHeader(
      { accept: 'application/json' },
      clock.now() + 123.9,
      clock,
    );
    const late = setOutboundDeadlineHeader({}, clock.now() - 50, clock);
    const none = setOutboundDeadlineHeader({}, undefined, clock); // outside any deadline

    expect(headers).toEqual({ accept: 'application/json', [REQUEST_TIMEOUT_HEADER]: '123' });
    expect(late[REQUEST_TIMEOUT_HEADER]).toBe('0');
    expect(none).toEqual({});
  });

  it('when the ambient deadline is set, then the outbound header uses it by default', () => {
    const headers = runWithDeadline(clock.now() + 800, () =>
      setOutboundDeadlineHeader({}, currentDeadline(), clock),
    );

    expect(headers[REQUEST_TIMEOUT_HEADER]).toBe('800');
  });

  it('when a deadline travels through Kafka headers, then the consumer reads the same absolute instant', () => {
    const deadlineAt = clock.now() + 30_000;

    const headers = kafkaDeadlineHeaders(deadlineAt);
    const read = deadlineFromKafkaHeaders({
      [REQUEST_DEADLINE_HEADER]: Buffer.from(headers[REQUEST_DEADLINE_HEADER] ?? ''),
    });

    expect(read).toBe(deadlineAt);
    expect(kafkaDeadlineHeaders(undefined)).toEqual({});
    expect(deadlineFromKafkaHeaders({})).toBeUndefined();
    expect(() => deadlineFromKafkaHeaders({ [REQUEST_DEADLINE_HEADER]: 'tomorrow' })).toThrow(
      InvalidDeadlineHeaderError,
    );
  });
});
