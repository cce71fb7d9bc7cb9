import { runWithRequestContext } from '../context/request-context';
import { JsonLogger } from './json-logger';
import { isSensitiveKey } from './redact';

describe('JsonLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    return {
      lines,
      sink: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>),
    };
  };

  it('when writing inside a request context, then the line is JSON with service, level and request id', () => {
    const { lines, sink } = capture();
    const logger = new JsonLogger('cart', 'info', sink);

    runWithRequestContext({ requestId: 'r-1' }, () => logger.write('info', 'added', { sku: 'A' }));

    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'cart',
      msg: 'added',
      request_id: 'r-1',
      sku: 'A',
    });
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('when fields look sensitive, then their values are redacted at any depth', () => {
    const { lines, sink } = capture();
    const logger = new JsonLogger('payment', 'info', sink);

    logger.write('info', 'charge', {
      authorization: 'Bearer abc',
      payment: { token: 'tok_visa', cardNumber: '4242424242424242', amount: 100 },
    });

    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('tok_visa');
    expect(text).not.toContain('4242');
    expect(text).not.toContain('Bearer');
    expect(lines[0]).toMatchObject({ payment: { amount: 100 } });
  });

  it('when a string field holds a URL with a password, then the password is masked', () => {
    const { lines, sink } = capture();
    const logger = new JsonLogger('checkout', 'info', sink);

    logger.write('error', 'pool error', {
      err: 'connect failed for postgres://app:hunter2-pw@db:5432/checkout',
    });

    expect(lines[0]!.err).toBe('connect failed for postgres://app:***@db:5432/checkout');
  });

  it('when judging field names, then whole words decide, not substrings', () => {
    const sensitive = [
      'token',
      'cardNumber',
      'card_number',
      'x-api-key',
      'DEMO_TOKEN',
      'paymentToken',
      'pan',
      'password',
    ];
    const harmless = [
      'span_id',
      'cardinality',
      'tokens_used',
      'company',
      'expand',
      'discard_count',
      'idempotencyKey',
    ];

    expect(sensitive.filter((k) => !isSensitiveKey(k))).toEqual([]);
    expect(harmless.filter((k) => isSensitiveKey(k))).toEqual([]);
  });

  it('when below the configured level, then nothing is written', () => {
    const { lines, sink } = capture();
    const logger = new JsonLogger('x', 'warn', sink);

    logger.write('info', 'quiet');
    logger.log('nest info');
    logger.error('boom', 'stack here', 'Ctx');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'boom',
      context: 'Ctx',
      stack: 'stack here',
    });
  });
});
