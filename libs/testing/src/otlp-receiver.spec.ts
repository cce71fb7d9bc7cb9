import { OtlpReceiver } from './otlp-receiver';

const exportBody = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [
        {
          spans: [
            { traceId: 't1', spanId: 's1', name: 'POST /v1/checkout', kind: 2 },
            { traceId: 't1', spanId: 's2', parentSpanId: 's1', name: 'pg.query', kind: 3 },
          ],
        },
      ],
    },
  ],
};

async function post(endpoint: string): Promise<number> {
  const res = await fetch(`${endpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(exportBody),
  });
  return res.status;
}

describe('OtlpReceiver', () => {
  it('when a service exports spans over OTLP/HTTP JSON, then they are kept with their service and counted', async () => {
    const receiver = new OtlpReceiver();
    const endpoint = await receiver.start();
    try {
      expect(await post(endpoint)).toBe(200);

      expect(receiver.trace('t1')).toEqual([
        { service: 'checkout', traceId: 't1', spanId: 's1', name: 'POST /v1/checkout', kind: 2 },
        {
          service: 'checkout',
          traceId: 't1',
          spanId: 's2',
          parentSpanId: 's1',
          name: 'pg.query',
          kind: 3,
        },
      ]);
      expect(receiver.spansReceived).toBe(2);
      expect(receiver.exportsReceived).toBe(1);
    } finally {
      await receiver.stop();
    }
  });

  it('when spans are not to be kept, then they are only counted', async () => {
    const receiver = new OtlpReceiver({ keepSpans: false });
    const endpoint = await receiver.start();
    try {
      await post(endpoint);
      await post(endpoint);

      expect(receiver.spans).toEqual([]);
      expect(receiver.spansReceived).toBe(4);
    } finally {
      await receiver.stop();
    }
  });
});
