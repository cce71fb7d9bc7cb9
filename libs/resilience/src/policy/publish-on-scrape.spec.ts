import { Counter, Registry } from 'prom-client';
import { publishOnScrape } from './publish-on-scrape';

describe('publishOnScrape', () => {
  it('when the registry is scraped, then every publisher brings the metric up to date first', async () => {
    // Arrange
    const registry = new Registry();
    const calls = new Counter({
      name: 'x_calls_total',
      help: 'h',
      labelNames: ['dependency'],
      registers: [registry],
    });
    const make = (dependency: string) => {
      let pending = 0;
      const publisher = {
        count: () => pending++,
        publish: () => {
          if (pending > 0) calls.inc({ dependency }, pending);
          pending = 0;
        },
      };
      publishOnScrape(calls, publisher);
      return publisher;
    };
    const a = make('a');
    const b = make('b');

    // Act
    a.count();
    a.count();
    b.count();
    const text = await registry.metrics();

    // Assert
    expect(text).toContain('x_calls_total{dependency="a"} 2');
    expect(text).toContain('x_calls_total{dependency="b"} 1');
  });

  it('when the metric already had a collect hook, then it still runs', async () => {
    const registry = new Registry();
    let collected = 0;
    const metric = new Counter({
      name: 'y_total',
      help: 'h',
      registers: [registry],
      collect: () => void collected++,
    });

    publishOnScrape(metric, { publish: () => undefined });
    await registry.metrics();

    expect(collected).toBe(1);
  });
});
