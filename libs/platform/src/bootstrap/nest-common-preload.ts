/**
 * Loads `@nestjs/common` with the two `Intl.DateTimeFormat`s it builds while it loads — the
 * timestamp formatters of its `Logger` and `ConsoleLogger`, module-level constants — built on
 * first use instead of at load.
 *
 * Why: building a date formatter reads ICU's locale, calendar and time-zone data out of the
 * Node.js binary. Measured with `/proc/<pid>/pagemap` over the binary's `icudt*_dat` symbol,
 * that made 4.4–4.75 MiB of ICU data (and ~1 MiB of ICU code) resident in every process that
 * loads Nest: 5.4–7.1 MiB of ICU data per service before, 1.1–2.7 MiB after. The services never
 * print through those loggers (`logger: false`; their logs are the platform's JSON lines), so a
 * formatter is only ever built by code that does, and then it behaves the same. The pages are
 * the binary's, shared between the six services: summed RSS counts them six times, PSS once
 * (docs/PERFORMANCE.md, sixteenth round).
 *
 * Only the load of `@nestjs/common` sees the stand-in: the built-in constructor is back before
 * this module returns, whatever the load did. Imported first by the package's index, so it runs
 * before anything else loads Nest (a later `require` gets the module already loaded).
 */
const BuiltInDateTimeFormat = Intl.DateTimeFormat;

/** Stand-ins built while Nest loaded (a test reads it). */
export const deferredDateFormats: DeferredDateTimeFormat[] = [];

/**
 * An `Intl.DateTimeFormat` that builds the real one the first time it is used, with the
 * arguments it was given.
 */
export class DeferredDateTimeFormat {
  private built: Intl.DateTimeFormat | undefined;

  constructor(private readonly args: ConstructorParameters<typeof Intl.DateTimeFormat>) {}

  /** Whether the real formatter has been built. */
  get isBuilt(): boolean {
    return this.built !== undefined;
  }

  format(date?: Date | number): string {
    return this.real().format(date);
  }

  formatToParts(date?: Date | number): Intl.DateTimeFormatPart[] {
    return this.real().formatToParts(date);
  }

  formatRange(start: Date | number, end: Date | number): string {
    return this.real().formatRange(start, end);
  }

  formatRangeToParts(start: Date | number, end: Date | number): Intl.DateTimeRangeFormatPart[] {
    return this.real().formatRangeToParts(start, end);
  }

  resolvedOptions(): Intl.ResolvedDateTimeFormatOptions {
    return this.real().resolvedOptions();
  }

  private real(): Intl.DateTimeFormat {
    this.built ??= new BuiltInDateTimeFormat(...this.args);
    return this.built;
  }
}

/**
 * Runs `load` with `Intl.DateTimeFormat` replaced by {@link DeferredDateTimeFormat}, and puts the
 * built-in back afterwards.
 */
export function withDeferredDateFormats<T>(load: () => T): T {
  const standIn = function DateTimeFormat(
    ...args: ConstructorParameters<typeof Intl.DateTimeFormat>
  ): DeferredDateTimeFormat {
    const deferred = new DeferredDateTimeFormat(args);
    deferredDateFormats.push(deferred);
    return deferred;
  };
  Intl.DateTimeFormat = standIn as unknown as typeof Intl.DateTimeFormat;
  try {
    return load();
  } finally {
    Intl.DateTimeFormat = BuiltInDateTimeFormat;
  }
}

// A plain `require`, not `createRequire`: it must load the very module object every later import
// of `@nestjs/common` gets (under Jest, the test file's module registry).
// eslint-disable-next-line @typescript-eslint/no-require-imports
withDeferredDateFormats(() => require('@nestjs/common') as unknown);
