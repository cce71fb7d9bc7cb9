// The module under test first: it must be what loads @nestjs/common in this file's registry.
import {
  DeferredDateTimeFormat,
  deferredDateFormats,
  withDeferredDateFormats,
} from './nest-common-preload';
import { ConsoleLogger } from '@nestjs/common';

const OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  timeZone: 'UTC',
};

describe('nest-common-preload', () => {
  it("when @nestjs/common has loaded through it, the two formatters Nest built at load (Logger's, ConsoleLogger's) are deferred and not built yet, and Intl.DateTimeFormat is the built-in again", () => {
    // If this finds none, Nest no longer builds formatters at load: the preload can go.
    expect(deferredDateFormats).toHaveLength(2);
    expect(deferredDateFormats.map((f) => f.isBuilt)).toEqual([false, false]);
    expect(Intl.DateTimeFormat.name).toBe('DateTimeFormat');
    expect(new Intl.DateTimeFormat('en-GB', OPTIONS)).not.toBeInstanceOf(DeferredDateTimeFormat);
  });

  it('when a ConsoleLogger needs a timestamp, the deferred formatter is built then and formats the time', () => {
    const logger = new ConsoleLogger('spec');
    const stamp = (logger as unknown as { getTimestamp(): string }).getTimestamp();
    expect(deferredDateFormats.filter((f) => f.isBuilt)).toHaveLength(1);
    expect(stamp).toMatch(/\d{1,2}:\d{2}:\d{2}/);
  });

  it('when a deferred formatter is used, it answers as the built-in one given the same arguments', () => {
    const at = Date.UTC(2026, 11, 6, 9, 5, 7);
    const deferred = new DeferredDateTimeFormat(['en-GB', OPTIONS]);
    const builtIn = new Intl.DateTimeFormat('en-GB', OPTIONS);
    expect(deferred.isBuilt).toBe(false);
    expect(deferred.format(at)).toBe(builtIn.format(at));
    expect(deferred.formatToParts(at)).toEqual(builtIn.formatToParts(at));
    expect(deferred.formatRange(at, at + 3_600_000)).toBe(builtIn.formatRange(at, at + 3_600_000));
    expect(deferred.resolvedOptions()).toEqual(builtIn.resolvedOptions());
  });

  it('when the load it wraps throws, the built-in Intl.DateTimeFormat is back all the same', () => {
    const builtIn = Intl.DateTimeFormat;
    let seen: unknown;
    expect(() =>
      withDeferredDateFormats(() => {
        seen = new Intl.DateTimeFormat('en-GB');
        throw new Error('load failed');
      }),
    ).toThrow('load failed');
    expect(seen).toBeInstanceOf(DeferredDateTimeFormat);
    expect(Intl.DateTimeFormat).toBe(builtIn);
  });
});
