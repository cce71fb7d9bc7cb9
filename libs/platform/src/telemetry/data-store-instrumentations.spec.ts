import Module from 'node:module';
import { isWrapped } from '@opentelemetry/instrumentation';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { instrumentDataStores } from './data-store-instrumentations';

type Prototype = Record<string, unknown>;

describe('instrumentDataStores', () => {
  // The methods the instrumentations wrap, as the loaded modules have them before any patching
  // (pg's Pool extends pg-pool's, whose prototype holds connect and end).
  const poolPrototype = Object.getPrototypeOf(Pool.prototype) as Prototype;
  const methods = [
    { name: 'pg Client.query', prototype: Client.prototype as unknown as Prototype, key: 'query' },
    {
      name: 'pg Client.connect',
      prototype: Client.prototype as unknown as Prototype,
      key: 'connect',
    },
    { name: 'pg-pool Pool.connect', prototype: poolPrototype, key: 'connect' },
    { name: 'pg-pool Pool.end', prototype: poolPrototype, key: 'end' },
    {
      name: 'ioredis Redis.sendCommand',
      prototype: Redis.prototype as unknown as Prototype,
      key: 'sendCommand',
    },
    {
      name: 'ioredis Redis.connect',
      prototype: Redis.prototype as unknown as Prototype,
      key: 'connect',
    },
  ].map((m) => ({ ...m, original: m.prototype[m.key] }));

  // Before any instrumentation is constructed (constructing one installs the require hook).
  const prototype = Module.prototype as { require: unknown };
  const before = { require: prototype.require, getBuiltinModule: process.getBuiltinModule };

  /** The name of every method that is (true) or is not (false) its original now. */
  const originalNow = (): Record<string, boolean> =>
    Object.fromEntries(methods.map((m) => [m.name, m.prototype[m.key] === m.original]));
  const all = (value: boolean): Record<string, boolean> =>
    Object.fromEntries(methods.map((m) => [m.name, value]));

  it('when instrumented, then every method is wrapped over its original, as the instrumentation itself would unwrap it', () => {
    const uninstrument = instrumentDataStores(new BasicTracerProvider());
    try {
      for (const m of methods) {
        const current = m.prototype[m.key];
        expect({ [m.name]: isWrapped(current) }).toEqual({ [m.name]: true });
        expect((current as { __original: unknown }).__original).toBe(m.original);
      }
    } finally {
      uninstrument();
    }
  });

  it('when uninstrumented, then the original methods are back, and instrumenting again patches them again', () => {
    const first = instrumentDataStores(new BasicTracerProvider());
    expect(originalNow()).toEqual(all(false));
    first();
    expect(originalNow()).toEqual(all(true));

    const second = instrumentDataStores(new BasicTracerProvider());
    expect(originalNow()).toEqual(all(false));
    second();
    expect(originalNow()).toEqual(all(true));
  });

  it('when instrumented, then require() and process.getBuiltinModule are the functions they were before any instrumentation: no require hook is left behind', () => {
    const uninstrument = instrumentDataStores(new BasicTracerProvider());
    try {
      expect({ require: prototype.require, getBuiltinModule: process.getBuiltinModule }).toEqual(
        before,
      );
      expect(originalNow()).toEqual(all(false));
    } finally {
      uninstrument();
    }
  });
});
