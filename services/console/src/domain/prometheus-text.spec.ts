import { parsePrometheusText, select, sum } from './prometheus-text';

const TEXT = `# HELP http_server_requests_total Inbound HTTP requests.
# TYPE http_server_requests_total counter
http_server_requests_total{method="GET",route="/v1/products",status_class="2xx",service="inventory"} 12
http_server_requests_total{method="GET",route="/health/ready",status_class="2xx",service="inventory"} 3
resilience_circuit_breaker_state{dependency="payment",service="checkout"} 2
weird_label{msg="a \\"quoted\\" value"} 1
process_start_time_seconds 1700000000
not a metric line
`;

describe('parsePrometheusText', () => {
  it('when given exposition text, then every sample is read with its labels and comments are skipped', () => {
    const samples = parsePrometheusText(TEXT);

    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      name: 'http_server_requests_total',
      labels: { method: 'GET', route: '/v1/products', status_class: '2xx', service: 'inventory' },
      value: 12,
    });
    expect(samples.find((s) => s.name === 'weird_label')?.labels.msg).toBe('a "quoted" value');
    expect(samples.find((s) => s.name === 'process_start_time_seconds')?.labels).toEqual({});
  });

  it('when selecting with a predicate, then only matching samples are summed', () => {
    const samples = parsePrometheusText(TEXT);

    expect(sum(samples, 'http_server_requests_total')).toBe(15);
    expect(
      sum(samples, 'http_server_requests_total', { route: (r) => !r.startsWith('/health') }),
    ).toBe(12);
    expect(
      select(samples, 'resilience_circuit_breaker_state', { dependency: 'payment' }),
    ).toHaveLength(1);
    expect(sum(samples, 'nothing_here')).toBe(0);
  });
});
