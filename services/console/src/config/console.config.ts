import {
  commaList,
  envBoolean,
  envInt,
  platformConfigSchema,
  secret,
  serviceKeys,
} from '@rc/platform';
import { join } from 'node:path';
import { z } from 'zod';
import { parseCustomerTokens, readCredentialsFile } from '../infrastructure/customer-credentials';

/** The repository root when the console runs from its build in the repository (dist/config). */
const REPOSITORY = join(__dirname, '..', '..', '..', '..');

/** A base URL of one platform service, the `npm start` port on this machine by default. */
const serviceUrl = (name: string, port: number) =>
  z
    .string()
    .url()
    .default(`http://127.0.0.1:${port}`)
    .describe(`Base URL of the ${name} service (its /metrics and /health/ready).`);

/** Base URL of one service's admin API: its own port (service port + 1000), never the public one. */
const adminUrl = (name: string, port: number) =>
  z
    .string()
    .url()
    .default(`http://127.0.0.1:${port + 1000}`)
    .describe(
      `Base URL of the ${name} service's admin API (/admin/faults), served on its admin port (ADMIN_PORT).`,
    );

/**
 * Configuration of the console (tier 4: nothing depends on it). Every key documented, every key
 * with a default that works with `npm start`. Customer tokens and the admin token stay in the
 * BFF: the page names a customer by id, and an admin token typed into the page is passed on to
 * the services; none is ever logged or rendered.
 */
export const consoleConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z
      .string()
      .min(1)
      .default('console')
      .describe('Name in logs, metrics and traces.'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3006).describe('HTTP port.'),
    HOST: z
      .string()
      .default('127.0.0.1')
      .describe(
        'Interface to listen on: loopback only unless configured (admin actions and the load control pass through here).',
      ),
    NODE_ENV: serviceKeys.nodeEnv('Deployment environment.'),
    CHECKOUT_URL: serviceUrl('checkout', 3000),
    CART_URL: serviceUrl('cart', 3001),
    PAYMENT_URL: serviceUrl('payment', 3002),
    INVENTORY_URL: serviceUrl('inventory', 3003),
    RECOMMENDATIONS_URL: serviceUrl('recommendations', 3004),
    ANALYTICS_URL: serviceUrl('analytics', 3005),
    CHECKOUT_ADMIN_URL: adminUrl('checkout', 3000),
    CART_ADMIN_URL: adminUrl('cart', 3001),
    PAYMENT_ADMIN_URL: adminUrl('payment', 3002),
    INVENTORY_ADMIN_URL: adminUrl('inventory', 3003),
    RECOMMENDATIONS_ADMIN_URL: adminUrl('recommendations', 3004),
    ANALYTICS_ADMIN_URL: adminUrl('analytics', 3005),
    UPSTREAM_TIMEOUT_MS: envInt(100, 60_000)
      .default(5_000)
      .describe('Longest wait for one call to a service before the page gets a 503 problem.'),
    RECOMMENDATIONS_TIMEOUT_MS: envInt(50, 10_000)
      .default(300)
      .describe('Longest wait for recommendations before the static best-sellers are shown.'),
    STATIC_BESTSELLERS: commaList
      .default(['FUEL-CAN-230', 'SOCK-MERINO-3', 'BOTTLE-STEEL-1L', 'LAMP-HEAD-400'])
      .describe(
        'Best-sellers shown (labelled) when recommendations do not answer, comma-separated SKUs.',
      ),
    PROMETHEUS_URL: z
      .union([z.literal(''), z.string().url()])
      .default('')
      .describe(
        'Prometheus base URL: when it answers, a control room opened now starts with the last minutes of the checkout timeline; empty: no history.',
      ),
    POLL_INTERVAL_MS: envInt(250, 60_000)
      .default(1_000)
      .describe(
        'How often the control room reads every service (/metrics, /health/ready) while a page watches it; nothing is read while no page is open.',
      ),
    TIMELINE_SECONDS: envInt(30, 3_600)
      .default(300)
      .describe('How far back the goodput / p99 timeline reaches.'),
    LOAD_MAX_RATE: envInt(1, 1_000)
      .default(40)
      .describe('Ceiling of the load control, checkouts per second: higher rates are refused.'),
    LOAD_MAX_DURATION_SECONDS: envInt(1, 3_600)
      .default(300)
      .describe('A load run stops by itself after this long.'),
    LOAD_MAX_IN_FLIGHT: envInt(1, 10_000)
      .default(200)
      .describe(
        'Open-loop load keeps its schedule, but never more than this many checkouts in flight (beyond: counted as dropped).',
      ),
    LOAD_LOOPBACK_ONLY: envBoolean
      .default(true)
      .describe(
        'Accept load-control requests only from a loopback client. Compose turns it off: its port is published on 127.0.0.1 only.',
      ),
    LOAD_SKUS: commaList
      .default([])
      .describe(
        'SKUs the load control orders, one unit each, in turn; empty: the three with the most units available when a run starts.',
      ),
    CHAOS_EXPERIMENTS_DIR: z
      .string()
      .default(join(__dirname, '..', '..', '..', '..', 'chaos', 'experiments'))
      .describe(
        'Folder of the chaos experiments (chaos/experiments of the repository), listed read-only; missing: the list says how to get them.',
      ),
    CHAOS_REPORTS_DIR: z
      .string()
      .default(join(__dirname, '..', '..', '..', '..', 'reports', 'chaos'))
      .describe(
        "Folder of the chaos runs' reports (`npm run chaos` writes reports/chaos/<experiment>/<run>/).",
      ),
    STATIC_DIR: z
      .string()
      .default(join(__dirname, '..', 'public'))
      .describe('Folder of the built front end (dist/public).'),
    CONSOLE_CREDENTIALS_FILE: z
      .string()
      .default(join(REPOSITORY, '.dev', 'credentials.json'))
      .describe(
        'Credentials JSON {customers: [{customerId, token}], adminToken} (npm start writes .dev/credentials.json); absent: no customers from a file; malformed: refused.',
      ),
    CONSOLE_CUSTOMER_TOKENS: secret(z.string())
      .default('')
      .describe(
        "Customers the storefront and the load act as, instead of the file: a JSON array of {customerId, token}, or comma-separated tokens (each customer is its token's sub).",
      ),
    ADMIN_TOKEN: secret(z.union([z.literal(''), z.string().min(16)]))
      .default('')
      .describe(
        "The services' admin token the console uses for requests that bring none (from this machine only while LOAD_LOOPBACK_ONLY); empty: the credentials file's adminToken, else none.",
      ),
  })
  .superRefine((config, ctx) => {
    try {
      parseCustomerTokens(config.CONSOLE_CUSTOMER_TOKENS);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        path: ['CONSOLE_CUSTOMER_TOKENS'],
        message: (e as Error).message,
      });
    }
    try {
      readCredentialsFile(config.CONSOLE_CREDENTIALS_FILE);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        path: ['CONSOLE_CREDENTIALS_FILE'],
        message: `malformed: ${(e as Error).message}`,
      });
    }
  });

/** The validated console configuration. */
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;
