import { GetProductSales } from '../../src/application/get-product-sales.query';
import { GetSummary } from '../../src/application/get-summary.query';
import { RecordEvent } from '../../src/application/record-event.command';
import { migrateAnalyticsDatabase } from '../../src/infrastructure/analytics.migrations';
import { PgAnalyticsProjection } from '../../src/infrastructure/analytics.pg-projection';
import { PgAnalyticsReadModel } from '../../src/infrastructure/analytics.pg-read-model';
import {
  cartItemAdded,
  orderFailed,
  orderPlaced,
  payment,
  stockCommitted,
} from '../support/events';
import { createAnalyticsDatabase } from '../support/isolated-database';

describe('analytics aggregates (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createAnalyticsDatabase>>;
  let record: RecordEvent;
  let summary: GetSummary;
  let product: GetProductSales;

  beforeEach(async () => {
    db = await createAnalyticsDatabase();
    record = new RecordEvent(new PgAnalyticsProjection(db.pool, 'analytics'));
    const readModel = new PgAnalyticsReadModel(db.pool);
    summary = new GetSummary(readModel);
    product = new GetProductSales(readModel);
  });

  afterEach(async () => {
    await db?.drop();
  });

  it('when events of every topic are recorded, then the summary adds them up per currency', async () => {
    // Arrange
    const events = [
      orderPlaced([
        ['KETTLE', 1, 4_999],
        ['MUG', 2, 1_200],
      ]),
      orderPlaced([['MUG', 1, 1_200]]),
      orderPlaced([['MUG', 5, 1_000]], 'USD'),
      orderFailed(),
      payment('PaymentCaptured'),
      payment('PaymentCaptured'),
      payment('PaymentRefunded'),
      cartItemAdded('MUG', 3),
      stockCommitted('MUG'),
    ];

    // Act
    for (const event of events) await record.execute(event);
    const eur = await summary.execute({ currency: 'EUR', top: 5 });

    // Assert
    expect(eur).toMatchObject({
      ordersPlaced: 3,
      ordersFailed: 1,
      revenue: 4_999 + 2_400 + 1_200,
      currency: 'EUR',
      paymentsCaptured: 2,
      paymentsRefunded: 1,
      cartAdds: 1,
      topProducts: [
        { sku: 'MUG', units: 3, revenue: 3_600 },
        { sku: 'KETTLE', units: 1, revenue: 4_999 },
      ],
    });
    expect(Date.parse(eur.updatedAt!)).not.toBeNaN();
    expect((await summary.execute({ currency: 'USD', top: 5 })).revenue).toBe(5_000);
    expect(await product.execute('MUG', 'EUR')).toEqual({ sku: 'MUG', units: 3, revenue: 3_600 });
  });

  it('when the same event is recorded again, then it is counted once', async () => {
    // Arrange
    const event = orderPlaced([['KETTLE', 2, 4_999]]);

    // Act
    const outcomes = [await record.execute(event), await record.execute(event)];

    // Assert
    expect(outcomes).toEqual(['applied', 'duplicate']);
    const s = await summary.execute({ currency: 'EUR', top: 5 });
    expect(s).toMatchObject({ ordersPlaced: 1, revenue: 9_998 });
    expect(await product.execute('KETTLE', 'EUR')).toMatchObject({ units: 2 });
  });

  it('when two replicas apply the same event at the same time, then it is counted once', async () => {
    // Arrange
    const event = orderPlaced([['KETTLE', 1, 100]]);
    const replica = new RecordEvent(new PgAnalyticsProjection(db.pool, 'analytics'));

    // Act
    const outcomes = await Promise.all([record.execute(event), replica.execute(event)]);

    // Assert
    expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
    expect((await summary.execute({ currency: 'EUR', top: 5 })).revenue).toBe(100);
  });

  it('when nothing was recorded, then the summary is all zeros and a product reads as unsold', async () => {
    // Act
    const s = await summary.execute({ currency: 'EUR', top: 5 });

    // Assert
    expect(s).toEqual({
      ordersPlaced: 0,
      ordersFailed: 0,
      revenue: 0,
      currency: 'EUR',
      paymentsCaptured: 0,
      paymentsRefunded: 0,
      cartAdds: 0,
      topProducts: [],
      updatedAt: null,
    });
    expect(await product.execute('NEVER', 'EUR')).toEqual({ sku: 'NEVER', units: 0, revenue: 0 });
  });

  it('when the service starts again, then the migrations are not applied twice', async () => {
    // Act
    const again = await migrateAnalyticsDatabase(db.pool, { schema: db.schema });

    // Assert
    expect(db.applied).toEqual(['001_aggregates']);
    expect(again).toEqual([]);
  });

  it('when a batch is recorded, then the aggregates equal those of its events recorded one by one, and events applied before count once', async () => {
    // Arrange: the same events for a one-by-one database and a batch one
    const events = [
      orderPlaced([
        ['KETTLE', 1, 4_999],
        ['MUG', 2, 1_200],
      ]),
      orderPlaced([['MUG', 1, 1_200]]),
      orderPlaced([['MUG', 5, 1_000]], 'USD'),
      orderFailed(),
      payment('PaymentCaptured'),
      cartItemAdded('MUG', 3),
      cartItemAdded('MUG', 1),
      stockCommitted('MUG'),
    ];
    const other = await createAnalyticsDatabase();
    try {
      const oneByOne = new RecordEvent(new PgAnalyticsProjection(other.pool, 'analytics'));
      for (const event of events) await oneByOne.execute(event);
      const expected = await new GetSummary(new PgAnalyticsReadModel(other.pool)).execute({
        currency: 'EUR',
        top: 5,
      });
      await record.execute(events[0]!); // applied before the batch (a redelivery)

      // Act: the whole batch, with one event twice
      const fresh = await record.executeBatch([...events, events[1]!]);

      // Assert
      expect(fresh).toBe(events.length - 1);
      expect(await summary.execute({ currency: 'EUR', top: 5 })).toEqual({
        ...expected,
        updatedAt: expect.any(String),
      });
      expect(await product.execute('MUG', 'USD')).toMatchObject({ units: 5 });
    } finally {
      await other.drop();
    }
  });
});
