import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  CustomerTokenIssuer,
  DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
  DEFAULT_CUSTOMER_TOKEN_ISSUER,
  servicePrivateKey,
} from '@rc/platform';
import {
  PlatformUnderTest,
  requireKafka,
  requirePostgres,
  requireRedis,
  ServiceProcess,
  testEnv,
} from '@rc/testing';

/** Repository root (services/console/test/e2e/support → five levels up). */
export const ROOT = join(__dirname, '..', '..', '..', '..', '..');

/** Where the screenshots of each step go. */
export const SCREENSHOTS = join(ROOT, 'reports', 'console');

/** Flags of the headless Chromium: no GPU, no sandbox (containers), nothing phoning home. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Customers the console of a run acts as (fresh ids each run, so no cart or order is shared). */
const CUSTOMERS = 3;

/**
 * The six services as processes (from the shared harness, taking the platform lock so runs
 * take turns), the console started beside them from its production build, and a real headless
 * Chromium (Debian's package, driven by playwright-core: never a browser download). The console
 * gets its customers and admin token as `npm start` gives them: a credentials file, whose tokens
 * are signed here with the identity key the run's services trust.
 */
export class ConsoleUnderTest {
  readonly platform: PlatformUnderTest;
  readonly console: ServiceProcess;
  /** The customers of this run, in the console's order (the first is the page's default). */
  readonly customers: { customerId: string; token: string }[] = [];
  private readonly credentialsDir = mkdtempSync(join(tmpdir(), 'rc-console-credentials-'));
  private context: BrowserContext | undefined;
  private profile: string | undefined;
  private inventoryDb: Pool | undefined;

  constructor(readonly portBase: number) {
    this.platform = new PlatformUnderTest({ root: ROOT, portBase, lockWaitMs: 600_000 });
    this.console = new ServiceProcess({
      name: 'console',
      root: ROOT,
      port: portBase + 6,
      readyTimeoutMs: 30_000,
      env: {
        SERVICE_NAME: 'console',
        CHECKOUT_URL: this.platform.url('checkout'),
        CART_URL: this.platform.url('cart'),
        PAYMENT_URL: this.platform.url('payment'),
        INVENTORY_URL: this.platform.url('inventory'),
        RECOMMENDATIONS_URL: this.platform.url('recommendations'),
        ANALYTICS_URL: this.platform.url('analytics'),
        CHECKOUT_ADMIN_URL: this.platform.adminUrl('checkout'),
        CART_ADMIN_URL: this.platform.adminUrl('cart'),
        PAYMENT_ADMIN_URL: this.platform.adminUrl('payment'),
        INVENTORY_ADMIN_URL: this.platform.adminUrl('inventory'),
        RECOMMENDATIONS_ADMIN_URL: this.platform.adminUrl('recommendations'),
        ANALYTICS_ADMIN_URL: this.platform.adminUrl('analytics'),
        CONSOLE_CREDENTIALS_FILE: this.credentialsFile,
        CONSOLE_CUSTOMER_TOKENS: '',
        ADMIN_TOKEN: '',
      },
    });
  }

  private get credentialsFile(): string {
    return join(this.credentialsDir, 'credentials.json');
  }

  /** Signs this run's customer tokens and writes them, with the admin token, for the console. */
  private async writeCredentials(): Promise<void> {
    const { privateKey, publicKey } = this.platform.identityKey;
    const issuer = new CustomerTokenIssuer({
      issuer: DEFAULT_CUSTOMER_TOKEN_ISSUER,
      audience: DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
      key: servicePrivateKey(privateKey),
      publicKey,
    });
    for (let i = 0; i < CUSTOMERS; i++) {
      const customerId = `shopper-${randomBytes(4).toString('hex')}`;
      this.customers.push({ customerId, token: await issuer.issue(customerId, 3_600) });
    }
    const credentials = {
      customers: this.customers,
      adminToken: this.platform.adminToken,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    writeFileSync(this.credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }

  /** The console's base URL. */
  get url(): string {
    return this.console.url;
  }

  async start(): Promise<Page> {
    await Promise.all([requirePostgres(), requireRedis(), requireKafka()]);
    const executablePath = execFileSync(
      'bash',
      [join(__dirname, '../../../scripts/ensure-chromium.sh')],
      {
        encoding: 'utf8',
      },
    ).trim();
    await this.platform.start();
    await this.writeCredentials();
    await this.console.start();
    mkdirSync(SCREENSHOTS, { recursive: true });
    this.profile = mkdtempSync(join(tmpdir(), 'rc-console-chromium-'));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 1000 },
    });
    return this.context.pages()[0] ?? (await this.context.newPage());
  }

  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    if (this.profile) rmSync(this.profile, { recursive: true, force: true });
    await this.inventoryDb?.end();
    await this.console.stop('SIGTERM', 15_000);
    await this.platform.stop();
    rmSync(this.credentialsDir, { recursive: true, force: true });
  }

  /** Saves a full-page screenshot as reports/console/<name>.png. */
  async screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /**
   * Raises the stock of some SKUs to at least `units` available (a test shortcut: the platform
   * has no restocking API), so load runs and repeated tests never meet "out of stock".
   */
  async topUpStock(skus: string[], units: number): Promise<void> {
    if (!this.inventoryDb) {
      const u = new URL(testEnv().databaseUrl);
      u.pathname = '/rc_inventory';
      this.inventoryDb = new Pool({ connectionString: u.toString(), max: 1 });
    }
    await this.inventoryDb.query(
      'UPDATE stock SET on_hand = reserved + $2 WHERE sku = ANY($1) AND on_hand - reserved < $2',
      [skus, units],
    );
  }

  /** The chaos experiments of the repository (chaos/experiments/*.json), none when absent. */
  chaosExperiments(): string[] {
    const dir = join(ROOT, 'chaos', 'experiments');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  }

  /** A call to the console's API as one of the customers (named by id, as the page does). */
  asCustomer(customerId: string, path: string): Promise<Response> {
    return fetch(`${this.url}${path}`, { headers: { 'x-customer-id': customerId } });
  }

  /** Units of a SKU available, from inventory itself. */
  async available(sku: string): Promise<number> {
    const res = await fetch(`${this.platform.url('inventory')}/v1/products/${sku}`);
    return ((await res.json()) as { available: number }).available;
  }
}
