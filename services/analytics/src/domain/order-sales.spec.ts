import { salesBySku } from './order-sales';

describe('salesBySku', () => {
  it('when an order lists a sku twice, then its units and revenue are merged into one entry', () => {
    // Act
    const sales = salesBySku([
      { sku: 'A', quantity: 2, unitPrice: 100 },
      { sku: 'B', quantity: 1, unitPrice: 999 },
      { sku: 'A', quantity: 1, unitPrice: 150 },
    ]);

    // Assert
    expect(sales).toEqual([
      { sku: 'A', units: 3, revenue: 350 },
      { sku: 'B', units: 1, revenue: 999 },
    ]);
  });

  it('when a line is free, then it counts units and no revenue', () => {
    expect(salesBySku([{ sku: 'GIFT', quantity: 1, unitPrice: 0 }])).toEqual([
      { sku: 'GIFT', units: 1, revenue: 0 },
    ]);
  });
});
