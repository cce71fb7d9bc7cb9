import { pgPerCheckout, queriesTotal, type PgReading } from './pg-counters';

function reading(
  transactions: [number, number, number, number],
  roundTrips: [number, number, number, number],
): PgReading {
  const [c, p, i, a] = transactions;
  const [rc, rp, ri, ra] = roundTrips;
  return {
    transactions: { checkout: c, payment: p, inventory: i, analytics: a },
    roundTrips: { checkout: rc, payment: rp, inventory: ri, analytics: ra },
  };
}

describe('Postgres counters', () => {
  it('when a scrape has the query counter, then its series are summed; without it, 0', () => {
    const scrape = [
      '# HELP db_client_queries_total Queries sent',
      '# TYPE db_client_queries_total counter',
      'db_client_queries_total{pool="postgres"} 1200',
      'db_client_queries_total{pool="reports"} 34',
      'db_client_connections{pool="postgres",state="idle"} 3',
    ].join('\n');

    expect(queriesTotal(scrape)).toBe(1234);
    expect(queriesTotal('db_client_connections{pool="postgres",state="idle"} 3\n')).toBe(0);
  });

  it('when 100 checkouts completed, then round trips and transactions are per checkout, in total and per database', () => {
    const before = reading([1_000, 500, 800, 300], [9_000, 4_000, 7_000, 2_000]);
    const after = reading([1_300, 700, 1_133, 700], [9_500, 4_300, 7_400, 2_500]);

    const per = pgPerCheckout(before, after, 100);

    expect(per.pgTransactionsPerCheckout).toBe(12.33);
    expect(per.pgRoundTripsPerCheckout).toBe(17);
    expect(per.byService).toEqual({
      checkout: { roundTrips: 5, transactions: 3 },
      payment: { roundTrips: 3, transactions: 2 },
      inventory: { roundTrips: 4, transactions: 3.33 },
      analytics: { roundTrips: 5, transactions: 4 },
    });
  });
});
