import { EventValidationError } from '@rc/contracts';
import { z } from 'zod';
import { FatalHandlerError, PermanentHandlerError, RelayFencedError } from '../messaging.errors';
import { defaultClassifyError, errorCodeOf } from './error-classifier';

function pgError(code: string): Error {
  return Object.assign(new Error(`pg error ${code}`), { code, severity: 'ERROR' });
}

describe('defaultClassifyError', () => {
  it('when a handler throws FatalHandlerError, then it is fatal', () => {
    expect(defaultClassifyError(new FatalHandlerError('X.BROKEN', 'broken'))).toBe('fatal');
  });

  it('when a handler throws PermanentHandlerError, then it is permanent', () => {
    expect(defaultClassifyError(new PermanentHandlerError('X.REJECTED', 'no'))).toBe('permanent');
  });

  it('when an error carries transient=true (resilience-style), then it is transient', () => {
    const circuitOpen = Object.assign(new Error('open'), {
      code: 'RESILIENCE.CIRCUIT_OPEN',
      transient: true,
    });

    expect(defaultClassifyError(circuitOpen)).toBe('transient');
    expect(defaultClassifyError(new RelayFencedError('r', 1))).toBe('transient');
  });

  it('when a contract validation error is thrown, then it is permanent', () => {
    const error = new EventValidationError('CONTRACTS.INVALID_EVENT_DATA', 'bad');

    expect(defaultClassifyError(error)).toBe('permanent');
  });

  it.each([
    ['40001', 'transient'], // serialization failure
    ['40P01', 'transient'], // deadlock
    ['08006', 'transient'], // connection failure
    ['57P01', 'transient'], // admin shutdown
    ['53300', 'transient'], // too many connections
    ['23505', 'permanent'], // unique violation
    ['22P02', 'permanent'], // invalid text representation
    ['42P01', 'fatal'], // undefined table
    ['28P01', 'fatal'], // bad password
    ['3D000', 'fatal'], // database does not exist
  ])('when Postgres fails with SQLSTATE %s, then it is %s', (code, expected) => {
    expect(defaultClassifyError(pgError(code))).toBe(expected);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])(
    'when a network call fails with %s, then it is transient',
    (code) => {
      expect(defaultClassifyError(Object.assign(new Error(code), { code }))).toBe('transient');
    },
  );

  it('when zod rejects a value inside a handler, then it is permanent', () => {
    const result = z.object({ n: z.number() }).safeParse({ n: 'x' });

    expect(defaultClassifyError(result.error)).toBe('permanent');
  });

  it.each([new Error('who knows'), 'a string', undefined, 42])(
    'when the error is unknown (%p), then it is transient (bounded retries, then DLQ)',
    (error) => {
      expect(defaultClassifyError(error)).toBe('transient');
    },
  );
});

describe('errorCodeOf', () => {
  it('when the error has a stable code, then that code is used', () => {
    expect(errorCodeOf(new PermanentHandlerError('ANALYTICS.BAD_TOTAL', 'x'))).toBe(
      'ANALYTICS.BAD_TOTAL',
    );
    expect(errorCodeOf(pgError('23505'))).toBe('23505');
  });

  it('when the error has no code, then its class name is used', () => {
    expect(errorCodeOf(new TypeError('x'))).toBe('TypeError');
  });

  it('when the thrown value is not an error, then the code is UNCLASSIFIED', () => {
    expect(errorCodeOf('boom')).toBe('UNCLASSIFIED');
    expect(errorCodeOf({ code: 'has spaces; and junk' })).toBe('UNCLASSIFIED');
  });
});
