import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { IsNull } from 'typeorm';
import { encodeEvent, type EventEnvelope } from '#libs/contracts';
import { maskText, metrics } from '#libs/common';
import { exclusive, insertRows } from '#libs/persistence';
import { OutboxRecord } from './entities.js';
import type { EventTransport } from './transport.js';

/**
 * Which transactions wrote outbox rows, so that their commit wakes the relay of their data source
 * at once (no relay has to poll to find them): appendToOutbox marks the transaction's query
 * runner, a subscriber on the data source sees it commit (the outermost commit, not a savepoint's)
 * or roll back.
 */
const appendedIn = new WeakSet<QueryRunner>();
const relayOf = new WeakMap<DataSource, OutboxRelay>();
const watching = new WeakSet<DataSource>();

const commitWatcher: EntitySubscriberInterface = {
  afterTransactionCommit(event: TransactionCommitEvent) {
    const runner = event.queryRunner;
    if (runner.isTransactionActive || !appendedIn.has(runner)) return;
    appendedIn.delete(runner);
    relayOf.get(runner.dataSource)?.committed();
  },
  afterTransactionRollback(event: TransactionRollbackEvent) {
    if (!event.queryRunner.isTransactionActive) appendedIn.delete(event.queryRunner);
  },
};

function watchCommits(dataSource: DataSource): void {
  // The data source replaces its subscriber list when it initializes: look again each time.
  if (watching.has(dataSource) && dataSource.subscribers.includes(commitWatcher)) return;
  dataSource.subscribers.push(commitWatcher);
  watching.add(dataSource);
}

/** Writes events into the outbox inside the caller's transaction; its commit wakes the relay. */
export async function appendToOutbox(manager: EntityManager, topic: string, events: EventEnvelope[], now: Date): Promise<void> {
  if (!events.length) return;
  await insertRows(
    manager,
    OutboxRecord,
    events.map((e) => ({
      eventId: e.eventId,
      topic,
      messageKey: e.caseId,
      value: encodeEvent(e),
      createdAt: now,
      publishedAt: null,
      attempts: 0,
    })),
  );
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) appendedIn.add(runner);
  else relayOf.get(manager.dataSource)?.committed(); // autocommit: the rows are in
}

export interface OutboxRelayOptions {
  /**
   * The fallback poll: after this long without a pass the relay looks once (MySQL: one indexed
   * SELECT, no lock) whether a row waits. Commits of this process wake it without a poll.
   */
  pollIntervalMs: number;
  batchSize: number;
  /** The service it publishes for (the metrics' label). */
  service?: string;
}

/** The first retry after a failed pass (broker down); doubled up to the poll interval. */
const RETRY_MIN_MS = 50;
/**
 * The retry after finding the lock taken by another instance (at most the poll interval): its
 * pass may have read before our rows committed. It looks without the lock first, so a retry after
 * the holder took our rows costs one SELECT.
 */
const BUSY_RETRY_MS = 100;

/**
 * Publishes committed outbox rows in the order they were written, then marks them. A crash
 * between publish and mark publishes a row twice; consumers drop the second copy by event id.
 *
 * When it runs: right after a commit of this process that wrote outbox rows (appendToOutbox marks
 * the transaction; a commit that wrote none costs nothing), at start, after a failed pass (with
 * backoff) or a lock another instance holds (shortly), and otherwise once per `pollIntervalMs`
 * without a pass (on MySQL a lock-free look first). A pass holds the lock across its batches and goes on while commits
 * arrive, so a busy service pays one GET_LOCK/RELEASE_LOCK per run, not per batch.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** A commit of this process wrote rows since the last read of the outbox began. */
  private dirty = false;
  /** Consecutive failed passes (the retry's backoff). */
  private failures = 0;
  /** Publishes only between start() and stop(); a kick before start (or with the relay switched off) waits. */
  private active = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transport: EventTransport,
    private readonly options: OutboxRelayOptions,
  ) {
    relayOf.set(dataSource, this);
    watchCommits(dataSource);
  }

  start(): void {
    relayOf.set(this.dataSource, this);
    watchCommits(this.dataSource);
    this.active = true;
    void this.run(true);
  }

  /** A commit wrote outbox rows (appendToOutbox's transaction, seen by the data source's subscriber). */
  committed(): void {
    this.dirty = true;
    void this.kick();
  }

  /**
   * Holds publishing back (at most `maxMs`) while a burst of commits goes in, so that the relay's
   * reads and marks do not compete with it; the rows wait in the outbox, and go out in one run
   * once the returned release is called.
   */
  hold(maxMs: number): () => void {
    this.holds++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(expiry);
      if (--this.holds === 0) void this.kick();
    };
    const expiry = setTimeout(release, maxMs);
    expiry.unref();
    return release;
  }

  private holds = 0;

  /**
   * After a commit: runs a pass if one of this process wrote rows since the last (otherwise
   * nothing, not a statement); a pass under way goes on for them. Resolves when that pass ends.
   */
  kick(): Promise<void> {
    if (this.dirty) return this.run(false);
    return this.running ?? Promise.resolve();
  }

  /** `look`: not woken by a commit (start, the fallback poll, a retry): look for waiting rows first. */
  private run(look: boolean): Promise<void> {
    if (!this.active) return Promise.resolve();
    if (this.holds > 0) {
      // held: the release kicks; the fallback poll stays armed
      if (!this.timer) this.arm(this.options.pollIntervalMs);
      return this.running ?? Promise.resolve();
    }
    if (this.running) return this.running; // it goes on while `dirty`
    this.disarm();
    this.running = (async () => {
      let next = this.options.pollIntervalMs;
      try {
        let again = true;
        for (let first = true; again; first = false) {
          const outcome = await this.pass(look && first);
          if (outcome === 'busy') {
            next = Math.min(this.options.pollIntervalMs, BUSY_RETRY_MS);
            break;
          }
          again = this.dirty && this.active && this.holds === 0;
        }
        this.failures = 0;
      } catch (e) {
        this.logger.warn(`outbox relay pass failed, will retry: ${maskText(String((e as Error).message ?? e))}`);
        next = this.backoff(++this.failures);
      } finally {
        this.running = null;
        if (this.active) this.arm(next);
      }
    })();
    return this.running;
  }

  private backoff(n: number): number {
    return Math.min(this.options.pollIntervalMs, RETRY_MIN_MS * 2 ** Math.min(n - 1, 16));
  }

  private arm(ms: number): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run(true);
    }, ms);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.active = false;
    this.disarm();
    await this.running;
  }

  /** Rows waiting and the age of the oldest (metrics). */
  async waiting(): Promise<{ rows: number; oldestSeconds: number }> {
    const repo = this.dataSource.getRepository(OutboxRecord);
    const [rows, oldest] = await exclusive(this.dataSource, () =>
      Promise.all([repo.count({ where: { publishedAt: IsNull() } }), repo.findOne({ where: { publishedAt: IsNull() }, order: { seq: 'ASC' }, select: { seq: true, createdAt: true } })]),
    );
    return { rows, oldestSeconds: oldest ? Math.max(0, (Date.now() - new Date(oldest.createdAt).getTime()) / 1000) : 0 };
  }

  private observePublished(rows: OutboxRecord[]): void {
    const now = Date.now();
    const service = this.options.service ?? 'unknown';
    for (const r of rows) metrics.outboxPublishLag.observe({ service }, Math.max(0, (now - new Date(r.createdAt).getTime()) / 1000));
  }

  /** Unpublished rows left (health and tests). */
  pending(): Promise<number> {
    return exclusive(this.dataSource, () => this.dataSource.getRepository(OutboxRecord).count({ where: { publishedAt: IsNull() } }));
  }

  /** One pass: 'busy' when another instance of the service holds the lock (MySQL). */
  private pass(look: boolean): Promise<'done' | 'busy'> {
    return this.dataSource.options.type === 'better-sqlite3' ? this.passEmbedded() : this.passLocked(look);
  }

  /** Whether a row waits: the oldest unpublished one by the (publishedAt, seq) index, without the lock. */
  private async anyWaiting(): Promise<boolean> {
    const rows = await this.dataSource.getRepository(OutboxRecord).find({ where: { publishedAt: IsNull() }, order: { seq: 'ASC' }, take: 1, select: { seq: true } });
    return rows.length > 0;
  }

  /**
   * MySQL: one relay per service publishes at a time, holding a named lock (GET_LOCK) for the
   * pass; another instance finds it taken and tries again shortly (its rows may have been read
   * before they were committed). No transaction and no row lock is held while the broker
   * answers, so commands keep writing to the outbox meanwhile. (Order per case holds: a command
   * locks its case row before it writes its events.) The look without the lock only decides
   * whether to take it: what is published is read under it.
   */
  private async passLocked(look: boolean): Promise<'done' | 'busy'> {
    if (look && !this.dirty && !(await this.anyWaiting())) return 'done';
    const lock = `outbox:${String(this.dataSource.options.database)}`.slice(0, 64);
    const holder = this.dataSource.createQueryRunner();
    await holder.connect();
    try {
      const [got] = await holder.query('SELECT GET_LOCK(?, 0) AS got', [lock]);
      if (Number(got.got) !== 1) {
        // the holder may have read before our rows committed: the retry looks again (lock-free)
        this.dirty = false;
        return 'busy';
      }
      try {
        const repo = this.dataSource.getRepository(OutboxRecord);
        for (;;) {
          this.dirty = false; // a commit from here on is read by the next batch
          const rows = await repo.find({ where: { publishedAt: IsNull() }, order: { seq: 'ASC' }, take: this.options.batchSize });
          if (rows.length) {
            await this.transport.publish(rows.map((r) => ({ topic: r.topic, key: r.messageKey, value: r.value })));
            await repo.update(
              rows.map((r) => r.seq),
              { publishedAt: new Date() },
            );
            this.observePublished(rows);
          }
          if (!this.active || this.holds > 0 || (rows.length < this.options.batchSize && !this.dirty)) return 'done';
        }
      } finally {
        await holder.query('SELECT RELEASE_LOCK(?)', [lock]);
      }
    } finally {
      await holder.release();
    }
  }

  /** SQLite (one process): reads and marks under the database lock, publishes outside it. */
  private async passEmbedded(): Promise<'done'> {
    for (;;) {
      this.dirty = false;
      const n = await this.publishBatchEmbedded();
      if (!this.active || this.holds > 0 || (n < this.options.batchSize && !this.dirty)) return 'done';
    }
  }

  private async publishBatchEmbedded(): Promise<number> {
    const repo = this.dataSource.getRepository(OutboxRecord);
    const rows = await exclusive(this.dataSource, () => repo.find({ where: { publishedAt: IsNull() }, order: { seq: 'ASC' }, take: this.options.batchSize }));
    if (!rows.length) return 0;
    try {
      // Not under the database lock: in embedded mode publishing waits for the consumers.
      await this.transport.publish(rows.map((r) => ({ topic: r.topic, key: r.messageKey, value: r.value })));
    } catch (e) {
      await exclusive(this.dataSource, () => repo.increment({ seq: rows[0].seq }, 'attempts', 1));
      throw e;
    }
    await exclusive(this.dataSource, () =>
      repo.update(
        rows.map((r) => r.seq),
        { publishedAt: new Date() },
      ),
    );
    this.observePublished(rows);
    return rows.length;
  }
}
