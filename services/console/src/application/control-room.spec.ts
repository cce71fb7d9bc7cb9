import type { ControlSnapshot } from '../domain/control-room.types';
import { ControlRoom, type ControlRoomOptions } from './control-room';

const SERVICES = [
  {
    name: 'checkout' as const,
    tier: 1 as const,
    url: 'http://checkout',
    adminUrl: 'http://checkout-admin',
  },
  { name: 'cart' as const, tier: 2 as const, url: 'http://cart', adminUrl: 'http://cart-admin' },
];

/** Checkout's metrics after `n` confirmed checkouts. */
const checkoutMetrics = (n: number) =>
  `http_server_requests_total{method="POST",route="/v1/checkout",status_class="2xx"} ${n}\n`;

describe('ControlRoom', () => {
  let now = 0;
  let confirmed = 0;
  let reads: string[] = [];
  const room = (cartAnswers = true, extra: Partial<ControlRoomOptions> = {}) =>
    new ControlRoom({
      services: SERVICES,
      pollIntervalMs: 1_000,
      timelineSeconds: 60,
      loadStatus: () => ({
        running: false,
        ratePerSecond: 0,
        maxRatePerSecond: 10,
        startedAt: null,
        outcomes: {},
      }),
      now: () => now,
      read: async (url) => {
        reads.push(url);
        if (url.startsWith('http://cart') && !cartAnswers) throw new Error('ECONNREFUSED');
        if (url.endsWith('/health/ready')) return { status: 200, text: '{}' };
        return {
          status: 200,
          text: url.startsWith('http://checkout') ? checkoutMetrics(confirmed) : '',
        };
      },
      ...extra,
    });

  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
    confirmed = 0;
    reads = [];
  });
  afterEach(() => jest.useRealTimers());

  it('when a page watches, then every service is read each interval and the timeline gets checkout goodput; when it leaves, polling stops', async () => {
    const control = room();
    const seen: ControlSnapshot[] = [];

    const unwatch = control.watch((s) => seen.push(s));
    await jest.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 3; i++) {
      now += 1_000;
      confirmed += 5;
      await jest.advanceTimersByTimeAsync(1_000);
    }
    unwatch();
    const readsWhenLeft = reads.length;
    await jest.advanceTimersByTimeAsync(10_000);

    expect(seen).toHaveLength(4);
    expect(seen.at(-1)!.timeline.map((p) => p.goodput)).toEqual([5, 5, 5]);
    expect(seen.at(-1)!.tiles.map((t) => t.name)).toEqual(['checkout', 'cart']);
    expect(reads.length).toBe(readsWhenLeft);

    // Back after 10 idle minutes: the old points have aged out, and no point averages over the
    // idle spell.
    now += 600_000;
    confirmed += 3_000;
    const again: ControlSnapshot[] = [];
    const unwatchAgain = control.watch((s) => again.push(s));
    await jest.advanceTimersByTimeAsync(0);
    now += 1_000;
    confirmed += 4;
    await jest.advanceTimersByTimeAsync(1_000);
    unwatchAgain();

    expect(again.at(-1)!.timeline.map((p) => p.goodput)).toEqual([4]);
  });

  it('when a service does not answer, then its tile is down and the others are unaffected', async () => {
    const snapshot = await room(false).snapshot();

    expect(snapshot.tiles[0]!.health).toBe('up');
    expect(snapshot.tiles[1]).toMatchObject({
      name: 'cart',
      health: 'down',
      error: 'metrics unavailable',
    });
  });

  it('when there is history, then a new watcher sees it before the live points, without overlap', async () => {
    now = 1_000_000;
    const control = room(true, {
      history: async (from, to) => {
        expect(to - from).toBe(60);
        return [
          { t: 950, goodput: 3, p99Ms: 80 },
          { t: 990, goodput: 2, p99Ms: 90 },
          { t: 1_002, goodput: 9, p99Ms: 1 },
        ];
      },
    });
    const seen: ControlSnapshot[] = [];

    const unwatch = control.watch((s) => seen.push(s));
    await jest.advanceTimersByTimeAsync(0);
    now += 1_000;
    confirmed += 7;
    await jest.advanceTimersByTimeAsync(1_000);
    unwatch();

    expect(seen.at(-1)!.timeline.map((p) => [p.t, p.goodput])).toEqual([
      [950, 3],
      [990, 2],
      [1_001, 7],
    ]);
  });
});
