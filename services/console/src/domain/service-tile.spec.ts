import { parsePrometheusText } from './prometheus-text';
import { checkoutPoint, increase, quantileMs, serviceTile } from './service-tile';

/** Exposition text of checkout after `n` requests, `errors` of them 5xx, all in one bucket. */
function scrape(at: number, n: number, errors: number, extra = '') {
  const text = `
http_server_requests_total{method="POST",route="/v1/checkout",status_class="2xx"} ${n - errors}
http_server_requests_total{method="POST",route="/v1/checkout",status_class="5xx"} ${errors}
http_server_requests_total{method="GET",route="/metrics",status_class="2xx"} ${n * 10}
http_server_request_duration_seconds_bucket{method="POST",route="/v1/checkout",status_class="2xx",le="0.05"} 0
http_server_request_duration_seconds_bucket{method="POST",route="/v1/checkout",status_class="2xx",le="0.1"} ${n - errors}
http_server_request_duration_seconds_bucket{method="POST",route="/v1/checkout",status_class="2xx",le="+Inf"} ${n - errors}
${extra}`;
  return { at, samples: parsePrometheusText(text) };
}

const checkout = { name: 'checkout' as const, tier: 1 as const };

describe('serviceTile', () => {
  it('when two scrapes 2 s apart saw 40 business requests, 4 of them 5xx, then the tile shows 20/s, 10 % and a p99 inside the bucket', () => {
    const tile = serviceTile(checkout, 'up', scrape(3_000, 50, 5), scrape(1_000, 10, 1));

    expect(tile.requestRate).toBeCloseTo(20);
    expect(tile.errorRatio).toBeCloseTo(0.1);
    expect(tile.p99Ms).toBeGreaterThan(50);
    expect(tile.p99Ms).toBeLessThanOrEqual(100);
  });

  it('when the service exports breakers, shedding, rate limiting, lag and outbox, then each is on the tile', () => {
    const extra = `
resilience_circuit_breaker_state{dependency="payment"} 2
resilience_circuit_breaker_state{dependency="inventory"} 0
resilience_load_shedding_shed_total{criticality="SHEDDABLE"} 10
resilience_rate_limit_decisions_total{route="x",decision="denied",source="redis"} 7
resilience_rate_limit_decisions_total{route="x",decision="allowed",source="redis"} 70
messaging_consumer_lag{group="g",topic="orders",partition="0"} 3
messaging_consumer_lag{group="g",topic="orders",partition="1"} 4
messaging_outbox_backlog{relay="checkout"} 12`;
    const before = scrape(
      0,
      0,
      0,
      extra.replace(
        'shed_total{criticality="SHEDDABLE"} 10',
        'shed_total{criticality="SHEDDABLE"} 0',
      ),
    );

    const tile = serviceTile(checkout, 'up', scrape(1_000, 0, 0, extra), before);

    expect(tile.breakers).toEqual([
      { dependency: 'payment', state: 'open' },
      { dependency: 'inventory', state: 'closed' },
    ]);
    expect(tile.shedRate).toBeCloseTo(10);
    expect(tile.rateLimited).toBe(7);
    expect(tile.consumerLag).toBe(7);
    expect(tile.outboxBacklog).toBe(12);
  });

  it('when the service did not answer its metrics, then the tile says so and shows no numbers', () => {
    const tile = serviceTile(checkout, 'down', undefined, undefined);

    expect(tile).toMatchObject({
      health: 'down',
      requestRate: 0,
      p99Ms: null,
      error: 'metrics unavailable',
    });
  });

  it('when a counter went down (the service restarted), then the increase counts from zero', () => {
    expect(increase(5, 100)).toBe(5);
    expect(increase(120, 100)).toBe(20);
    expect(increase(3, undefined)).toBe(0);
  });
});

describe('checkoutPoint and quantileMs', () => {
  it('when 9 checkouts succeeded in 1 s, then goodput is 9/s and failures do not count', () => {
    expect(checkoutPoint(scrape(2_000, 20, 1), scrape(1_000, 10, 0)).goodput).toBeCloseTo(9);
  });

  it('when nothing was observed between two scrapes, then there is no p99', () => {
    const s = scrape(0, 10, 0);

    expect(
      quantileMs(0.99, s.samples, s.samples, 'http_server_request_duration_seconds'),
    ).toBeNull();
    expect(checkoutPoint(s, undefined)).toEqual({ goodput: 0, p99Ms: null });
  });
});
