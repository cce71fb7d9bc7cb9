import { aggregate, parseMetrics, select } from './prometheus';

describe('Prometheus text parsing', () => {
  const text = [
    '# HELP resilience_circuit_breaker_state 0 closed, 1 half-open, 2 open',
    '# TYPE resilience_circuit_breaker_state gauge',
    'resilience_circuit_breaker_state{dependency="payment"} 2',
    'resilience_circuit_breaker_state{dependency="inventory"} 0',
    'http_server_requests_total{method="POST",route="/v1/checkout",status_class="2xx"} 41',
    'http_server_requests_total{method="POST",route="/v1/checkout",status_class="5xx"} 3',
    'service_info{version="0.1.0",config_hash="a\\"b"} 1',
  ].join('\n');

  it('when samples are selected by a subset of labels, then the matching ones are summed', () => {
    const samples = parseMetrics(text);
    const checkout = select(samples, 'http_server_requests_total', { route: '/v1/checkout' });
    expect(
      aggregate(
        checkout.map((s) => s.value),
        'sum',
      ),
    ).toBe(44);
    expect(
      select(samples, 'resilience_circuit_breaker_state', { dependency: 'payment' })[0]?.value,
    ).toBe(2);
    expect(select(samples, 'service_info', {})[0]?.labels.config_hash).toBe('a"b');
  });

  it('when nothing matches, then sum is 0 and max is NaN', () => {
    expect(aggregate([], 'sum')).toBe(0);
    expect(aggregate([], 'max')).toBeNaN();
  });
});
