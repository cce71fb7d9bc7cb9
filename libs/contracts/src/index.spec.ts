import { CONTRACTS_VERSION } from './index';

describe('contracts', () => {
  it('when imported, then exposes a version', () => {
    expect(CONTRACTS_VERSION).toBe(1);
  });
});
