import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
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

/**
 * The six services as processes (from the shared harness, taking the platform lock so runs
 * take turns), the console started beside them from its production build, and a real headless
 * Chromium (Debian's package, driven by playwright-core: never a browser download).
 */
export class ConsoleUnderTest {
  readonly platform: PlatformUnderTest;
  readonly console: ServiceProcess;
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
      },
    });
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

  /** Units of a SKU available, from inventory itself. */
  async available(sku: string): Promise<number> {
    const res = await fetch(`${this.platform.url('inventory')}/v1/products/${sku}`);
    return ((await res.json()) as { available: number }).available;
  }
}
