import { spawn } from 'node:child_process';
import { testEnv } from '@rc/testing';
import Redis from 'ioredis';
import { statusCounts } from '../load/load-stats';
import { ReadLoad } from '../load/read-load';
import { signal } from '../platform/safety-net';
import {
  type ArgumentsOf,
  type CATALOGUE,
  type HarnessFunc,
  type ServiceName,
  SERVICES,
} from './catalogue';
import {
  keepThrottle,
  limitForNeed,
  measureCpuPercent,
  releaseThrottles,
  throttleCpu,
} from './cpu-throttle';
import { stopAtSafePoint } from './backend-freeze';
import { type HeldLocks, holdRowLocks } from './lock-holder';
import type { RunContext } from './run-context';

type ActionName = {
  [F in HarnessFunc]: (typeof CATALOGUE)[F]['kind'] extends 'action' ? F : never;
}[HarnessFunc];

/** An implementation of every action of the catalogue. */
export type Actions = {
  [F in ActionName]: (ctx: RunContext, args: ArgumentsOf<F>) => Promise<unknown>;
};

type FreezeTarget = ArgumentsOf<'freeze'>['target'];

/** Processes frozen per target, so `thaw` and the safety net SIGCONT exactly those. */
const frozen = new Map<string, number[]>();
/** CPU burners per run. */
const burners = new Set<number>();
/** The CPU use measure_cpu measured last, by service, with the process it measured. */
const measuredCpu = new Map<ServiceName, { pid: number; percent: number }>();
/** Open transactions holding row locks (hold_row_locks), until released. */
const heldLocks = new Set<HeldLocks>();

/** Rolls back the transactions holding row locks (all of them when none is named). */
async function releaseLocks(ctx: RunContext, only?: HeldLocks): Promise<string[]> {
  const held = only ? [only] : [...heldLocks];
  await Promise.all(held.map((h) => h.release()));
  for (const h of held) {
    heldLocks.delete(h);
    ctx.safety.remove(`locks:${h.database}.${h.table}`);
  }
  return held.map((h) => `${h.database}.${h.table}`);
}

async function pidsOf(ctx: RunContext, target: FreezeTarget, database?: string): Promise<number[]> {
  if (target === 'kafka') return [ctx.platform.kafkaPid()];
  if (target === 'postgres-backend') {
    // Every backend serving the service's connections (not the harness's own pool).
    const rows = await ctx.platform.sql<{ pid: number }>(
      'checkout',
      `SELECT pid FROM pg_stat_activity
        WHERE datname = $1 AND backend_type = 'client backend'
          AND application_name <> 'rc-chaos' AND pid <> pg_backend_pid()`,
      [database ?? 'rc_payment'],
    );
    return rows.map((r) => r.pid);
  }
  const pid = ctx.platform.service(target).pid;
  if (pid === undefined) throw new Error(`${target} is not running`);
  return [pid];
}

function thawTarget(ctx: RunContext, target: string): number[] {
  const pids = frozen.get(target) ?? [];
  for (const pid of pids) signal(pid, 'SIGCONT');
  frozen.delete(target);
  ctx.safety.remove(`freeze:${target}`);
  return pids;
}

async function admin(ctx: RunContext, service: ServiceName, method: string, body?: unknown) {
  const res = await fetch(`${ctx.platform.adminUrl(service)}/admin/faults`, {
    method,
    headers: {
      authorization: `Bearer ${ctx.platform.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok)
    throw new Error(
      `${method} ${service} /admin/faults answered ${res.status}: ${await res.text()}`,
    );
}

/** Stops the read load of a run (if any) and notes what its requests got, per service. */
async function stopReadLoad(ctx: RunContext): Promise<Record<string, Record<string, number>>> {
  const load = ctx.readLoad;
  if (!load) return {};
  await load.stop();
  const got = Object.fromEntries(load.services.map((s) => [s, statusCounts(load.outcomes(s))]));
  ctx.notes.readLoad = got;
  return got;
}

/** The actions of the catalogue; each registers its undo with the safety net as it acts. */
export const actions = {
  kill_service: async (ctx, { service, signal: sig }) => {
    const pid = ctx.platform.service(service).pid;
    await ctx.platform.service(service).stop(sig, sig === 'SIGKILL' ? 0 : 15_000);
    ctx.safety.add(`stopped:${service}`, {
      label: `start ${service} again`,
      run: async () => {
        if (!ctx.platform.service(service).running) await ctx.platform.service(service).start();
      },
    });
    return { pid, signal: sig };
  },

  start_service: async (ctx, { service }) => {
    const started = performance.now();
    if (!ctx.platform.service(service).running) await ctx.platform.service(service).start();
    ctx.safety.remove(`stopped:${service}`);
    return { readyAfterMs: Math.round(performance.now() - started) };
  },

  restart_service_with_env: async (ctx, { service, env }) => {
    await ctx.platform.restartWith(service, env);
    if (Object.keys(env).length === 0) ctx.safety.remove(`env:${service}`);
    else
      ctx.safety.add(`env:${service}`, {
        label: `restart ${service} with its default environment`,
        run: () => ctx.platform.restartWith(service, {}),
      });
    return { keys: Object.keys(env) };
  },

  freeze: async (ctx, { target, database, seconds }) => {
    const pids = await pidsOf(ctx, target, database);
    // Registered before the first stop, so a harness that dies mid-freeze still lets them go.
    frozen.set(target, [...(frozen.get(target) ?? []), ...pids]);
    ctx.safety.add(`freeze:${target}`, {
      label: `SIGCONT ${target} (${pids.join(', ')})`,
      run: () => void thawTarget(ctx, target),
      sync: () => pids.forEach((pid) => signal(pid, 'SIGCONT')),
      pids: { thaw: pids },
    });
    let output: Record<string, unknown> = { pids };
    if (target === 'postgres-backend') {
      // Each backend at a safe point: stopped mid-statement, one could hold a lock of the whole
      // server and freeze every service's database (backend-freeze.ts).
      const stops = await Promise.all(pids.map((pid) => stopAtSafePoint(pid)));
      const stopped = stops.filter((s) => s.outcome === 'stopped' || s.outcome === 'unchecked');
      output = {
        pids: stopped.map((s) => s.pid),
        stopTries: stops.flatMap((s) => ('tries' in s ? [s.tries] : [])),
        ...(stops.some((s) => s.outcome === 'busy')
          ? { leftRunning: stops.filter((s) => s.outcome === 'busy').map((s) => s.pid) }
          : {}),
        ...(stops.some((s) => s.outcome === 'unchecked')
          ? { unchecked: stops.flatMap((s) => (s.outcome === 'unchecked' ? [s.reason] : [])) }
          : {}),
      };
    } else {
      for (const pid of pids) signal(pid, 'SIGSTOP');
    }
    if (seconds !== undefined) setTimeout(() => thawTarget(ctx, target), seconds * 1000).unref();
    return output;
  },

  thaw: async (ctx, { target }) => {
    const targets = target ? [target] : [...frozen.keys()];
    return { pids: targets.flatMap((t) => thawTarget(ctx, t)) };
  },

  add_toxic: async (ctx, { proxy, type, name, stream, toxicity, attributes }) => {
    const toxic = await ctx.toxiproxy.addToxic(proxy, {
      type,
      name: name ?? `${type}_${stream}`,
      stream,
      toxicity,
      attributes,
    });
    ctx.safety.add(`toxic:${proxy}/${toxic.name}`, {
      label: `remove toxic ${toxic.name} from ${proxy}`,
      run: () => ctx.toxiproxy.removeToxic(proxy, toxic.name),
    });
    return toxic;
  },

  remove_toxic: async (ctx, { proxy, name }) => {
    await ctx.toxiproxy.removeToxic(proxy, name);
    ctx.safety.remove(`toxic:${proxy}/${name}`);
    return { removed: name };
  },

  set_proxy_enabled: async (ctx, { proxy, enabled }) => {
    await ctx.toxiproxy.setEnabled(proxy, enabled);
    if (enabled) ctx.safety.remove(`down:${proxy}`);
    else
      ctx.safety.add(`down:${proxy}`, {
        label: `enable proxy ${proxy}`,
        run: async () => void (await ctx.toxiproxy.setEnabled(proxy, true)),
      });
    return { proxy, enabled };
  },

  reset_proxies: async (ctx) => {
    await ctx.toxiproxy.reset();
    for (const label of ctx.safety.keys().filter((k) => /^(toxic|down):/.test(k)))
      ctx.safety.remove(label);
    return { reset: true };
  },

  set_fault_rules: async (ctx, { service, rules }) => {
    await admin(ctx, service, 'PUT', { rules });
    ctx.safety.add(`faults:${service}`, {
      label: `clear the fault rules of ${service}`,
      run: () => admin(ctx, service, 'DELETE'),
    });
    return { rules: rules.length };
  },

  clear_fault_rules: async (ctx, { service }) => {
    if (service) {
      await admin(ctx, service, 'DELETE');
      ctx.safety.remove(`faults:${service}`);
      return { cleared: [service] };
    }
    // Every service: one that is not running has no rules in force, so it is skipped.
    const cleared: ServiceName[] = [];
    for (const s of SERVICES) {
      if (!ctx.platform.service(s).running) continue;
      await admin(ctx, s, 'DELETE');
      ctx.safety.remove(`faults:${s}`);
      cleared.push(s);
    }
    return { cleared };
  },

  burn_cpu: async (ctx, { workers, seconds }) => {
    const pids: number[] = [];
    for (let i = 0; i < workers; i++) {
      const child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
      if (child.pid === undefined) continue;
      const pid = child.pid;
      pids.push(pid);
      burners.add(pid);
      child.once('exit', () => burners.delete(pid));
      setTimeout(() => signal(pid, 'SIGKILL'), seconds * 1000).unref();
    }
    ctx.safety.add('cpu-burn', {
      label: `stop ${pids.length} CPU burners`,
      run: () => pids.forEach((pid) => signal(pid, 'SIGKILL')),
      sync: () => pids.forEach((pid) => signal(pid, 'SIGKILL')),
      pids: { kill: pids },
    });
    return { pids };
  },

  stop_cpu_burn: async (ctx) => {
    for (const pid of burners) signal(pid, 'SIGKILL');
    burners.clear();
    ctx.safety.remove('cpu-burn');
    return { stopped: true };
  },

  measure_cpu: async (ctx, { service, seconds }) => {
    const pid = ctx.platform.service(service).pid;
    if (pid === undefined) throw new Error(`${service} is not running`);
    const percent = Math.round((await measureCpuPercent(pid, seconds * 1000)) * 10) / 10;
    measuredCpu.set(service, { pid, percent });
    return { pid, percent };
  },

  throttle_cpu: async (ctx, { service, percent: floor, headroom, seconds }) => {
    const pid = ctx.platform.service(service).pid;
    if (pid === undefined) throw new Error(`${service} is not running`);
    const measured = measuredCpu.get(service);
    if (headroom !== undefined && measured?.pid !== pid)
      throw new Error(
        `throttle_cpu with headroom: measure_cpu has not measured ${service} (pid ${pid})`,
      );
    const percent =
      headroom === undefined ? floor : limitForNeed(floor, headroom, measured!.percent);
    const throttle = throttleCpu(pid, percent, service);
    keepThrottle(service, throttle);
    const lift = () => {
      releaseThrottles([service]);
      ctx.safety.remove(`cpu-throttle:${service}`);
    };
    ctx.safety.add(`cpu-throttle:${service}`, {
      label: `lift ${service}'s CPU limit (${throttle.group})`,
      run: lift,
      sync: () => throttle.release(),
    });
    if (seconds !== undefined) setTimeout(lift, seconds * 1000).unref();
    return {
      pid,
      percent,
      ...(headroom === undefined ? {} : { measuredPercent: measured!.percent, headroom }),
      hierarchy: throttle.hierarchy,
      group: throttle.group,
    };
  },

  release_cpu_throttle: async (ctx, { service }) => {
    const released = releaseThrottles(service ? [service] : undefined);
    for (const name of released) ctx.safety.remove(`cpu-throttle:${name}`);
    return { released };
  },

  hold_row_locks: async (ctx, { database, table, seconds }) => {
    const url = new URL(testEnv().databaseUrl);
    url.pathname = `/rc_${database}`;
    const held = await holdRowLocks(url.toString(), table, seconds);
    heldLocks.add(held);
    const timer = setTimeout(() => void releaseLocks(ctx, held), seconds * 1000);
    timer.unref();
    // No pid to keep for a run killed with -9: the session dies with the harness's socket.
    ctx.safety.add(`locks:${held.database}.${table}`, {
      label: `roll back the transaction locking ${held.database}.${table}`,
      run: async () => {
        clearTimeout(timer);
        await releaseLocks(ctx, held);
      },
    });
    return { rows: held.rows, backendPid: held.backendPid };
  },

  release_row_locks: async (ctx) => ({ released: await releaseLocks(ctx) }),

  start_replica: async (ctx, { service, env, direct_database }) => {
    const replica = await ctx.platform.startReplica(service, env, direct_database);
    const pid = replica.pid;
    ctx.safety.add(`replica:${service}`, {
      label: `stop the extra ${service} instance`,
      run: () => ctx.platform.stopReplicas(),
      sync: () => pid !== undefined && void signal(pid, 'SIGKILL'),
      pids: { kill: pid === undefined ? [] : [pid] },
    });
    return { url: replica.url, pid };
  },

  stop_replicas: async (ctx) => {
    await ctx.platform.stopReplicas();
    for (const key of ctx.safety.keys().filter((k) => k.startsWith('replica:')))
      ctx.safety.remove(key);
    return { stopped: true };
  },

  start_read_load: async (ctx, { targets, seconds }) => {
    await stopReadLoad(ctx);
    const load = new ReadLoad(
      targets.map((t) => ({
        service: t.service,
        origin: ctx.platform.url(t.service),
        path: t.path,
        rateRps: t.rate_rps,
      })),
      ctx.skus,
      ctx.load.epoch,
      ctx.customers,
    );
    ctx.readLoad = load;
    load.start();
    const timer = setTimeout(() => void stopReadLoad(ctx), seconds * 1000);
    timer.unref();
    ctx.safety.add('read-load', {
      label: 'stop the background read load',
      run: async () => {
        clearTimeout(timer);
        await stopReadLoad(ctx);
      },
    });
    return { targets: targets.map((t) => `${t.service} ${t.rate_rps}/s ${t.path}`) };
  },

  stop_read_load: async (ctx) => {
    ctx.safety.remove('read-load');
    return { statusCounts: await stopReadLoad(ctx) };
  },

  delete_cache_keys: async (_ctx, { pattern, server }) => {
    // Caches live on the cache Redis (recommendations' REDIS_CACHE_URL); `server: "state"` for
    // keys of the state Redis.
    const env = testEnv();
    const url = server === 'state' ? env.redisUrl : env.redisCacheUrl;
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length > 0) deleted += await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      return { pattern, server: server ?? 'cache', deleted };
    } finally {
      redis.disconnect();
    }
  },

  set_load: async (ctx, { multiplier }) => {
    ctx.load.setRate(ctx.baseRateRps * multiplier);
    if (multiplier === 1) ctx.safety.remove('load');
    else
      ctx.safety.add('load', {
        label: 'set the load back to its base rate',
        run: () => ctx.load.setRate(ctx.baseRateRps),
      });
    return { rateRps: ctx.load.rateRps };
  },
} satisfies Actions;
