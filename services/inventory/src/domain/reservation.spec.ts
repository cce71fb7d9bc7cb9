import { isReleased, normaliseItems, sortedBySku } from './reservation';

describe('reservation rules', () => {
  it('when items repeat a SKU, then they merge and come out in code-unit SKU order', () => {
    expect(
      normaliseItems([
        { sku: 'b', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'b', quantity: 3 },
        { sku: 'B-2', quantity: 1 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'B-2', quantity: 1 },
      { sku: 'b', quantity: 4 },
    ]);
  });

  it('when sorting lines, then the input is left as it was', () => {
    const items = [{ sku: 'Z' }, { sku: 'A' }];

    expect(sortedBySku(items).map((i) => i.sku)).toEqual(['A', 'Z']);
    expect(items.map((i) => i.sku)).toEqual(['Z', 'A']);
  });

  it('when a reservation ended without being committed, then it counts as released', () => {
    expect(
      ['RESERVED', 'COMMITTED', 'RELEASED', 'EXPIRED'].filter((s) => isReleased(s as never)),
    ).toEqual(['RELEASED', 'EXPIRED']);
  });
});
