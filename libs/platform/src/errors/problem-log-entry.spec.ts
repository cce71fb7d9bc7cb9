import { AppError } from './app-error';
import { toProblem } from './problem-details';
import { problemLogEntry } from './problem-details.filter';

class DependencyDown extends AppError {
  readonly code = 'SHOP.STOCK_UNAVAILABLE';
  readonly httpStatus = 503;
}

/** The duck type `@rc/resilience` errors have (a status, a code, a suggested wait). */
class Shed extends Error {
  readonly code = 'RESILIENCE.LOAD_SHED';
  readonly httpStatus = 503;
  readonly retryAfterMs = 1000;
}

const entryOf = (e: unknown) => problemLogEntry(e, toProblem(e).problem);

describe('how an answered error is logged', () => {
  it('when the error is unmapped (a bug), then error level with its stack', () => {
    const entry = entryOf(new TypeError('x is undefined'));

    expect(entry.level).toBe('error');
    expect(entry.fields).toMatchObject({ status: 500, err: { name: 'TypeError' } });
    expect((entry.fields.err as { stack?: string }).stack).toContain('TypeError: x is undefined');
  });

  it('when a coded error asks the client to retry later (shed, rate limited), then debug only, without a stack', () => {
    const entry = entryOf(new Shed('shed'));

    expect(entry).toEqual({
      level: 'debug',
      message: 'request refused (back-pressure)',
      fields: { code: 'RESILIENCE.LOAD_SHED', status: 503 },
    });
  });

  it('when a coded 5xx has no suggested wait, then warn with its code and message, without a stack', () => {
    const entry = entryOf(new DependencyDown('Stock cannot be checked now.'));

    expect(entry.level).toBe('warn');
    expect(entry.fields).toEqual({
      code: 'SHOP.STOCK_UNAVAILABLE',
      status: 503,
      err: { name: 'DependencyDown', message: 'Stock cannot be checked now.' },
    });
  });

  it('when the answer is a 4xx, then debug', () => {
    expect(entryOf(new ValidationLike('Bad input.')).level).toBe('debug');
  });
});

class ValidationLike extends AppError {
  readonly code = 'SHOP.BAD_INPUT';
  readonly httpStatus = 400;
}
