import type { Page } from 'playwright-core';
import { ConsoleUnderTest } from './support/console-under-test';

// The console in a real headless Chromium against the real platform: the storefront's happy
// and unhappy paths, failure presets and load seen in the control room, and bad input.
describe('console: storefront and control room in a browser', () => {
  const cut = new ConsoleUnderTest(3400);
  let page: Page;
  let sku: string;

  beforeAll(async () => {
    page = await cut.start();
    // A product with plenty of units, raised so repeated runs never meet "out of stock".
    const res = await fetch(`${cut.platform.url('inventory')}/v1/products`);
    const items = ((await res.json()) as { items: { sku: string; available: number }[] }).items;
    sku = [...items].sort((a, b) => b.available - a.available)[0]!.sku;
    await cut.topUpStock(
      items.map((i) => i.sku),
      5_000,
    );
  }, 780_000);

  afterAll(async () => {
    // Whatever a failed test left behind: no fault stays on, no load keeps running.
    await fetch(`${cut.url}/api/control/load`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${cut.url}/api/control/faults`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${cut.platform.adminToken}` },
    }).catch(() => undefined);
    await cut.stop();
  }, 120_000);

  const stockOnPage = async (s: string) =>
    Number((await page.getByTestId(`stock-${s}`).textContent())?.split(' ')[0]);

  const addToCart = async (s: string) => {
    await page.getByTestId(`product-${s}`).getByRole('button', { name: 'Add to cart' }).click();
    await page.getByTestId(`cart-line-${s}`).waitFor();
  };

  /** Polls the timeline's latest goodput (checkouts/s) until `ok` holds. */
  const waitForGoodput = async (ok: (goodput: number) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const goodput = Number(await page.getByTestId('timeline').getAttribute('data-goodput'));
      if (ok(goodput)) return goodput;
      if (Date.now() > deadline) throw new Error(`goodput stayed at ${goodput}/s`);
      await page.waitForTimeout(250);
    }
  };

  const openControlRoom = async (token?: string) => {
    await page.goto(`${cut.url}/control`);
    await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();
    if (token !== undefined) {
      await page.getByTestId('admin-token').fill(token);
      await page.getByTestId('admin-token-save').click();
    }
  };

  /** Control room with the token, every fault off, load at 8 checkouts/s; returns the goodput. */
  const startLoadWithoutFaults = async () => {
    await openControlRoom(cut.platform.adminToken);
    await page.getByTestId('restore-all').click();
    await page.getByTestId('no-faults').waitFor();
    await page.getByTestId('load-rate').fill('8');
    await page.getByTestId('load-start').click();
    return waitForGoodput((g) => g > 2, 30_000);
  };

  it('when a shopper browses, adds to the cart and checks out with an accepted card, then the order is shown and the stock goes down', async () => {
    await page.goto(cut.url);
    await page.getByTestId(`product-${sku}`).waitFor();
    const before = await stockOnPage(sku);

    await addToCart(sku);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByTestId('order').waitFor();

    expect(await page.getByTestId('order-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    await page
      .getByTestId(`stock-${sku}`)
      .filter({ hasText: `${before - 1} available` })
      .waitFor();
    expect(await page.getByTestId('cart').textContent()).toContain('Your cart is empty');
    await cut.screenshot(page, '01-order-confirmed');
  });

  it('when the shopper picks another customer, then that customer’s own cart is shown and the order is theirs alone', async () => {
    const [first, second] = cut.customers;
    await page.goto(cut.url);
    const picker = page.getByTestId('customer');
    await picker.waitFor();
    expect(await picker.inputValue()).toBe(first!.customerId);

    await picker.selectOption(second!.customerId);
    await addToCart(sku);
    // The same cart id is another cart for another customer: the first one's is empty.
    await picker.selectOption(first!.customerId);
    await page.getByTestId('cart').filter({ hasText: 'Your cart is empty' }).waitFor();
    await picker.selectOption(second!.customerId);
    await page.getByTestId(`cart-line-${sku}`).waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByTestId('order').waitFor();
    const orderId = (await page.getByTestId('order-id').textContent())!;
    await cut.screenshot(page, '01b-second-customer-order');

    const theirs = await cut.asCustomer(second!.customerId, `/api/shop/orders/${orderId}`);
    const another = await cut.asCustomer(first!.customerId, `/api/shop/orders/${orderId}`);
    expect(theirs.status).toBe(200);
    expect(another.status).toBe(404);
    // Back to the default customer for the tests that follow.
    await picker.selectOption(first!.customerId);
    await page.getByTestId('cart').filter({ hasText: 'Your cart is empty' }).waitFor();
  });

  it('when the card is declined, then the 402 problem is shown and the stock is unchanged', async () => {
    await page.goto(cut.url);
    await page.getByTestId(`product-${sku}`).waitFor();
    const before = await cut.available(sku);

    await addToCart(sku);
    await page.getByTestId('card').selectOption('tok_declined');
    await page.getByRole('button', { name: 'Place order' }).click();
    const problem = page.getByTestId('checkout-problem');
    await problem.waitFor();

    expect(await problem.textContent()).toContain('The payment was declined.');
    expect(await problem.textContent()).toContain('HTTP 402');
    expect(await cut.available(sku)).toBe(before);
    expect(await stockOnPage(sku)).toBe(before);
    await cut.screenshot(page, '02-payment-declined');
  });

  it('when a wrong admin token is entered, then the control room says it was refused', async () => {
    await openControlRoom('not-the-admin-token');

    const problem = page.getByTestId('admin-problem');
    await problem.waitFor();

    expect(await problem.textContent()).toMatch(/admin token was refused/);
    // The chaos experiments of the repository are listed, each with its verdict or "not run yet".
    await page.getByTestId('chaos').waitFor();
    expect(await page.locator('[data-testid^=chaos-]').count()).toBe(cut.chaosExperiments().length);
    await cut.screenshot(page, '03-wrong-admin-token');
  });

  it('when "recommendations down" is applied, then the shop shows the best-sellers, labelled', async () => {
    await openControlRoom(cut.platform.adminToken);
    await page.getByTestId('preset-recommendations-down').click();
    await page
      .getByTestId('active-faults')
      .filter({ hasText: 'console-recommendations-down' })
      .waitFor();
    await cut.screenshot(page, '04-recommendations-down-applied');

    await page.goto(cut.url);
    await page.getByTestId(`cart-line-${sku}`).waitFor();
    const label = page.getByTestId('recommendations-degraded');
    await label.waitFor();

    expect(await page.getByTestId('recommendations').textContent()).toContain('Best-sellers');
    await cut.screenshot(page, '05-recommendations-fallback');
  });

  it('when the recommendations process is killed, then the shop still shows the labelled best-sellers and its tile turns down', async () => {
    // The preset of the previous test goes first: only the dead process explains what follows.
    await openControlRoom(cut.platform.adminToken);
    await page.getByTestId('restore-all').click();
    await page.getByTestId('no-faults').waitFor();
    await cut.platform.service('recommendations').kill();
    try {
      await page.locator('[data-testid=tile-recommendations][data-status=down]').waitFor();
      await cut.screenshot(page, '05b-recommendations-killed-tile');

      await page.goto(cut.url);
      await page.getByTestId(`cart-line-${sku}`).waitFor();
      await page.getByTestId('recommendations-degraded').waitFor();

      expect(await page.getByTestId('recommendations').textContent()).toContain('Best-sellers');
      await cut.screenshot(page, '05c-recommendations-killed-shop');
    } finally {
      await cut.platform.service('recommendations').start();
    }
  });

  it('when "cart down" is applied, then the shop keeps the cart on the page and the order still goes through', async () => {
    await openControlRoom(cut.platform.adminToken);
    await page.getByTestId('preset-cart-down').click();
    await page.getByTestId('active-faults').filter({ hasText: 'console-cart-down' }).waitFor();

    await page.goto(cut.url);
    await page.getByTestId('cart-degraded').waitFor();
    await addToCart(sku);
    await page.getByTestId('card').selectOption('tok_visa');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByTestId('order').waitFor();

    expect(await page.getByTestId('order-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    // The page kept the cart, so checkout got the items in its body and no cart id to read.
    expect(await page.getByTestId('cart-degraded').isVisible()).toBe(true);
    await cut.screenshot(page, '06-cart-down-order');
  });

  it('when payment is slowed with load running, then the payment breaker tile opens and goodput falls; restore all brings every tile back to healthy', async () => {
    // Restore first: the previous test left recommendations down.
    const goodputUnderLoad = await startLoadWithoutFaults();
    await cut.screenshot(page, '07-load-running');

    const applied = Date.now();
    await page.getByTestId('preset-payment-slow').click();
    await page
      .locator('[data-testid=breaker-checkout-payment][data-state=open]')
      .waitFor({ timeout: 30_000 });
    const openedAfterMs = Date.now() - applied;
    await waitForGoodput((g) => g < 0.5, 20_000);
    await cut.screenshot(page, '08-payment-slow-breaker-open');

    const restored = Date.now();
    await page.getByTestId('restore-all').click();
    await page.getByTestId('no-faults').waitFor();
    await page
      .locator('[data-testid=breaker-checkout-payment][data-state=closed]')
      .waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid^=tile-]')].filter(
        (t) => t.getAttribute('data-status') === 'healthy').length === 6`,
      undefined,
      { timeout: 60_000 },
    );
    const restoredAfterMs = Date.now() - restored;
    await cut.screenshot(page, '09-restored-healthy');
    await page.getByTestId('load-stop').click();

    process.stdout.write(
      `[console e2e] goodput under load ${goodputUnderLoad}/s; payment breaker open ${openedAfterMs} ms after "payment slow"; healthy ${restoredAfterMs} ms after "restore all"\n`,
    );
    expect(goodputUnderLoad).toBeGreaterThan(2);
    // Checkout's payment breaker judges the last 20 calls and opens after 10 slow ones (2 s
    // attempt timeout, slow from 1.5 s): at 8 checkouts/s about 4 s, plus a poll of the tiles.
    expect(openedAfterMs).toBeLessThan(15_000);
  });

  it('when Kafka is slowed with load running, then checkouts keep succeeding and checkout’s outbox backlog tile rises; restore all drains it', async () => {
    await startLoadWithoutFaults();
    const backlog = async () =>
      Number(await page.getByTestId('outbox-backlog-checkout').textContent());

    const applied = Date.now();
    await page.getByTestId('preset-kafka-slow').click();
    // Each send of checkout's relay now waits 2 s: at 8 checkouts/s about 16 rows wait at each
    // batch, and the backlog gauge is read at every batch (at most once a second).
    await page.waitForFunction(
      `Number(document.querySelector('[data-testid=outbox-backlog-checkout]')?.textContent) >= 5`,
      undefined,
      { timeout: 15_000 },
    );
    const roseAfterMs = Date.now() - applied;
    const backlogUnderFault = await backlog();
    // The checkout path only writes the outbox row: goodput holds while events are late.
    const goodputUnderFault = await waitForGoodput((g) => g > 2, 5_000);
    await cut.screenshot(page, '10-kafka-slow-backlog');

    await page.getByTestId('load-stop').click();
    await page.getByTestId('restore-all').click();
    await page.getByTestId('no-faults').waitFor();
    await page.waitForFunction(
      `document.querySelector('[data-testid=outbox-backlog-checkout]')?.textContent === '0'`,
      undefined,
      { timeout: 15_000 },
    );

    process.stdout.write(
      `[console e2e] outbox backlog ${backlogUnderFault} ${roseAfterMs} ms after "kafka slow", goodput ${goodputUnderFault}/s\n`,
    );
    expect(backlogUnderFault).toBeGreaterThanOrEqual(5);
    expect(goodputUnderFault).toBeGreaterThan(2);
  });

  it('when a load rate above the ceiling is asked for, then it is refused with the ceiling named', async () => {
    await openControlRoom();
    await page.getByTestId('load-rate').fill('1000');
    await page.getByTestId('load-start').click();

    const problem = page.getByTestId('load-problem');
    await problem.waitFor();

    expect(await problem.textContent()).toMatch(/refused: choose 1 to 40/);
    expect(await page.getByTestId('load-status').textContent()).toContain('stopped');
    await cut.screenshot(page, '10-rate-refused');
  });

  it('when an unknown route is opened, then the app’s not-found page is shown with status 404', async () => {
    const res = await page.goto(`${cut.url}/no/such/page`);

    await page.getByTestId('not-found').waitFor();

    expect(res?.status()).toBe(404);
    expect(await page.getByTestId('not-found').textContent()).toContain('/no/such/page');
    await cut.screenshot(page, '11-not-found');
  });
});
