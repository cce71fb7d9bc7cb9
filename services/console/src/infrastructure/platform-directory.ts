import type { ConsoleConfig } from '../config/console.config';
import type { PlatformEndpoint } from '../domain/platform-endpoint';

/** DI token of the {@link PlatformEndpoint} list. */
export const PLATFORM_DIRECTORY = Symbol('PLATFORM_DIRECTORY');

/** The six services by tier, core path first, with their configured base URLs. */
export function platformDirectory(config: ConsoleConfig): PlatformEndpoint[] {
  return [
    { name: 'checkout', tier: 1, url: config.CHECKOUT_URL, adminUrl: config.CHECKOUT_ADMIN_URL },
    { name: 'payment', tier: 1, url: config.PAYMENT_URL, adminUrl: config.PAYMENT_ADMIN_URL },
    { name: 'inventory', tier: 1, url: config.INVENTORY_URL, adminUrl: config.INVENTORY_ADMIN_URL },
    { name: 'cart', tier: 2, url: config.CART_URL, adminUrl: config.CART_ADMIN_URL },
    {
      name: 'recommendations',
      tier: 3,
      url: config.RECOMMENDATIONS_URL,
      adminUrl: config.RECOMMENDATIONS_ADMIN_URL,
    },
    { name: 'analytics', tier: 4, url: config.ANALYTICS_URL, adminUrl: config.ANALYTICS_ADMIN_URL },
  ];
}
