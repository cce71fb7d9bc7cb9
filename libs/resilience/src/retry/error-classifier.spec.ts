import { CircuitOpenError } from '../circuit-breaker/circuit-breaker.errors';
import { DeadlineExceededError } from '../deadline/deadline.errors';
import { AttemptTimeoutError } from '../timeout/timeout.errors';
import { defaultErrorClassifier as classify } from './error-classifier';

function networkError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

describe('defaultErrorClassifier', () => {
  it('when fetch fails with a transient socket code in its cause chain, then it is a transient connection_error', () => {
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']) {
      expect(classify(networkError(code))).toEqual({
        transient: true,
        reason: 'connection_error',
        requestNotSent: false,
        doNotRetry: false,
      });
    }
  });

  it('when the connection was refused or DNS hiccuped, then it is transient and known not sent', () => {
    expect(classify(networkError('ECONNREFUSED')).requestNotSent).toBe(true);
    expect(classify(networkError('EAI_AGAIN')).requestNotSent).toBe(true);
  });

  it('when a host name does not exist or the error is a plain bug, then it is not transient', () => {
    expect(classify(networkError('ENOTFOUND')).transient).toBe(false);
    expect(classify(new RangeError('bug')).transient).toBe(false);
    expect(classify('a string').transient).toBe(false);
  });

  it('when it is a toolkit error, then its own transient flag and code decide', () => {
    expect(classify(new AttemptTimeoutError(100))).toMatchObject({
      transient: true,
      reason: 'attempt_timeout',
    });
    expect(classify(new CircuitOpenError('x', 10))).toMatchObject({
      transient: true,
      reason: 'circuit_open',
      requestNotSent: true,
    });
    expect(classify(new DeadlineExceededError(0, true)).transient).toBe(false);
  });

  it('when an error carries doNotRetry, then the classification says so', () => {
    const error = Object.assign(networkError('ECONNRESET'), { doNotRetry: true });

    expect(classify(error).doNotRetry).toBe(true);
  });
});
