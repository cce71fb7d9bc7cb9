/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import type { ServiceTile } from '../../../src/domain/control-room.types';
import { Tile, tileStatus } from './Tile';

const tile: ServiceTile = {
  name: 'checkout',
  tier: 1,
  health: 'up',
  requestRate: 12.34,
  errorRatio: 0,
  p99Ms: 1234,
  breakers: [{ dependency: 'payment', state: 'closed' }],
  shedRate: 0,
  rateLimited: 3,
  consumerLag: null,
  outboxBacklog: 7,
};

describe('Tile', () => {
  it('when everything is fine, then the tile is healthy and shows its figures', () => {
    render(<Tile tile={tile} />);

    const el = screen.getByTestId('tile-checkout');
    expect(el.dataset.status).toBe('healthy');
    expect(el.textContent).toContain('12/s');
    expect(el.textContent).toContain('1.2 s');
    expect(el.textContent).toContain('outbox backlog7');
    expect(el.textContent).not.toContain('consumer lag');
  });

  it('when a breaker is open, then the tile is degraded and the breaker says open', () => {
    const open = { ...tile, breakers: [{ dependency: 'payment', state: 'open' as const }] };
    render(<Tile tile={open} />);

    expect(screen.getByTestId('tile-checkout').dataset.status).toBe('degraded');
    expect(screen.getByTestId('breaker-checkout-payment').dataset.state).toBe('open');
  });

  it('when the service does not answer, then it is down; errors or shedding make it degraded', () => {
    expect(tileStatus({ ...tile, health: 'down' })).toBe('down');
    expect(tileStatus({ ...tile, errorRatio: 0.2 })).toBe('degraded');
    expect(tileStatus({ ...tile, shedRate: 1 })).toBe('degraded');
    expect(tileStatus({ ...tile, health: 'not-ready' })).toBe('degraded');
  });
});
