import { SEED_CATALOGUE } from './catalogue.seed-data';

describe('seed catalogue', () => {
  it('when the seed data is checked, then it has about 30 distinct products that fit the table constraints', () => {
    const skus = new Set(SEED_CATALOGUE.map((p) => p.sku));

    expect(skus.size).toBe(SEED_CATALOGUE.length);
    expect(SEED_CATALOGUE.length).toBeGreaterThanOrEqual(25);
    for (const p of SEED_CATALOGUE) {
      expect(p.sku).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
      expect(p.name.length).toBeGreaterThan(0);
      expect(Number.isInteger(p.priceMinor) && p.priceMinor > 0).toBe(true);
      expect(Number.isInteger(p.onHand) && p.onHand >= 0).toBe(true);
    }
  });
});
