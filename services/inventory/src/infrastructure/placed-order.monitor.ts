import type { MessagingLogger } from '@rc/messaging';
import { Counter, type Registry } from 'prom-client';
import type { PlacedOrderSettlement } from '../application/commit-placed-order.command';

/**
 * Makes the rare settlements of `OrderPlaced` visible: an order placed after its hold was given
 * back and re-taken (a warning), and above all one that could not get every unit — an
 * oversell, counted in units and logged as an error naming the order and the SKUs, next to its
 * `stock_shortfalls` rows. Never silent. Returns the `onPlaced` callback of the handlers.
 */
export function placedOrderMonitor(
  registry: Registry | undefined,
  logger?: MessagingLogger,
): (settlement: PlacedOrderSettlement) => void {
  const registers = registry ? [registry] : [];
  const afterRelease = new Counter({
    name: 'inventory_orders_placed_after_release_total',
    help: 'OrderPlaced events whose hold had been given back, by outcome: retaken (every unit taken again) or oversold (a shortfall was recorded).',
    labelNames: ['outcome'],
    registers,
  });
  const oversold = new Counter({
    name: 'inventory_oversold_units_total',
    help: 'Units placed orders were owed but could not get (sold again after their hold was given back); see stock_shortfalls.',
    registers,
  });
  for (const outcome of ['retaken', 'oversold']) afterRelease.inc({ outcome }, 0);
  return ({ orderId, outcome, shortfall }) => {
    if (outcome === 'retaken') {
      afterRelease.inc({ outcome });
      logger?.('warn', 'order placed after its hold was given back; units taken again', {
        orderId,
      });
    } else if (outcome === 'oversold') {
      afterRelease.inc({ outcome });
      oversold.inc(shortfall.reduce((sum, line) => sum + line.quantity, 0));
      logger?.('error', 'OVERSOLD: a placed order could not get all its units (stock_shortfalls)', {
        orderId,
        shortfall,
      });
    }
  };
}
