import type { Notification, Pool, PoolClient } from 'pg';
import { RelayFencedError } from '../messaging.errors';
import { OUTBOX_CHANNEL } from './outbox.migration';

/** First key of the two-key advisory lock: keeps relay locks apart from other advisory locks. */
const LOCK_NAMESPACE = 'rc-messaging:outbox-relay';

/**
 * Leadership of one relay name among the replicas of a service.
 *
 * 1. Lock: a session-level `pg_try_advisory_lock` taken on a connection held out of the pool
 *    for as long as this instance leads. Postgres releases it when that session ends (crash,
 *    kill, network loss), which is how a standby takes over.
 * 2. Fence: the winner increments `outbox_relay_lease.epoch` and remembers it. Before each batch
 *    it checks the epoch is still its own, and it marks rows published only `WHERE epoch = mine`.
 *    The lock alone is not enough: a session can lose a lock without its owner noticing (a
 *    transaction-pooling proxy, `DISCARD ALL`/`pg_advisory_unlock_all()` on the session), and
 *    a leader whose session died may still be mid-way through a Kafka send.
 * All relay queries run on the lock session itself, so a dead session also fails them. The
 * leader also LISTENs on that session for the outbox trigger's notifications (`onNotify`): a
 * standby does not listen, and a session that dies takes its LISTEN with it.
 */
export class RelayLeadership {
  private client: PoolClient | undefined;
  private currentEpoch: number | undefined;
  private listeningNow = false;
  private brokenBy: Error | undefined;
  private readonly onError = (e: Error) => {
    this.brokenBy = e;
  };
  private readonly onNotification = (n: Notification) => {
    if (n.channel === OUTBOX_CHANNEL) this.onNotify();
  };

  constructor(
    private readonly pool: Pool,
    private readonly relayName: string,
    private readonly holderId: string,
    /** Called on every outbox notification while this instance leads. */
    private readonly onNotify: () => void = () => undefined,
  ) {}

  /** True while this instance holds the lock and a lease epoch. */
  get isLeader(): boolean {
    return this.client !== undefined && this.currentEpoch !== undefined && !this.brokenBy;
  }

  /** The lease epoch this instance holds, if it leads. */
  get epoch(): number | undefined {
    return this.isLeader ? this.currentEpoch : undefined;
  }

  /** The dedicated lock session (only while leading): relay queries must run on it. */
  get session(): PoolClient {
    if (!this.isLeader || !this.client) throw new Error('not the leader');
    return this.client;
  }

  /** Tries to become leader once; returns whether it is now. Never waits for the lock. */
  async tryAcquire(): Promise<boolean> {
    if (this.isLeader) return true;
    const client = await this.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked',
      [LOCK_NAMESPACE, this.relayName],
    );
    if (!rows[0]?.locked) return false;
    const lease = await client.query<{ epoch: string }>(
      `INSERT INTO outbox_relay_lease (relay_name, epoch, holder) VALUES ($1, 1, $2)
       ON CONFLICT (relay_name) DO UPDATE
         SET epoch = outbox_relay_lease.epoch + 1, holder = EXCLUDED.holder, acquired_at = now()
       RETURNING epoch`,
      [this.relayName, this.holderId],
    );
    // Listening before the first batch: a row committed from here on wakes the relay, and one
    // committed earlier is found by that first batch.
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listeningNow = true;
    this.currentEpoch = Number(lease.rows[0]!.epoch);
    return true;
  }

  /** Whether the lock session LISTENs for the outbox's notifications (from the lock on). */
  get listening(): boolean {
    return this.listeningNow;
  }

  /**
   * Starts (`LISTEN`) or stops (`UNLISTEN`) receiving the outbox trigger's notifications on the
   * lock session. A session that (re)takes the lock listens from the start.
   */
  async listen(on: boolean): Promise<void> {
    await this.session.query(`${on ? 'LISTEN' : 'UNLISTEN'} ${OUTBOX_CHANNEL}`);
    this.listeningNow = on;
  }

  /** Throws {@link RelayFencedError} (and steps down) unless the lease epoch is still ours. */
  async verify(): Promise<void> {
    const { rows } = await this.session.query<{ epoch: string }>(
      'SELECT epoch FROM outbox_relay_lease WHERE relay_name = $1',
      [this.relayName],
    );
    this.check(rows[0]?.epoch);
  }

  /**
   * Throws {@link RelayFencedError} (and steps down) unless `leaseEpoch`, read from the lease row
   * (undefined when the row is gone), is still ours. For callers that fold the lease read into
   * their own query on the session.
   */
  check(leaseEpoch: string | number | undefined | null): void {
    const epoch = this.currentEpoch ?? 0;
    if (leaseEpoch === undefined || leaseEpoch === null || Number(leaseEpoch) !== epoch) {
      const error = new RelayFencedError(this.relayName, epoch);
      this.stepDown(error);
      throw error;
    }
  }

  /**
   * Gives up leadership after an error: the session is destroyed, not returned to the pool, so
   * Postgres drops the lock even if the session was still healthy.
   */
  stepDown(reason: Error): void {
    const client = this.client;
    this.client = undefined;
    this.currentEpoch = undefined;
    this.brokenBy = undefined;
    this.listeningNow = false;
    // The error listener stays: the destroyed connection may still report its socket's end.
    client?.off('notification', this.onNotification);
    client?.release(reason);
  }

  /** Releases the lock cleanly and returns the session to the pool (graceful stop). */
  async release(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (this.brokenBy || this.currentEpoch === undefined) {
      this.stepDown(this.brokenBy ?? new Error('relay stopped'));
      return;
    }
    try {
      await client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [
        LOCK_NAMESPACE,
        this.relayName,
      ]);
      // The session goes back to the pool: it must not keep receiving notifications.
      await client.query(`UNLISTEN ${OUTBOX_CHANNEL}`);
      this.client = undefined;
      this.currentEpoch = undefined;
      this.listeningNow = false;
      this.detach(client);
      client.release();
    } catch (e) {
      this.stepDown(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private detach(client: PoolClient): void {
    client.off('error', this.onError);
    client.off('notification', this.onNotification);
  }

  private async connect(): Promise<PoolClient> {
    if (this.client && this.brokenBy) this.stepDown(this.brokenBy);
    if (this.client) return this.client;
    const client = await this.pool.connect();
    // A checked-out client has no error listener of the pool's: without this one a dropped
    // connection would crash the process instead of just ending leadership.
    client.on('error', this.onError);
    client.on('notification', this.onNotification);
    this.client = client;
    this.brokenBy = undefined;
    return client;
  }
}
