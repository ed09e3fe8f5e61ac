import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { encodeEvent, type EventEnvelope } from '#libs/contracts';
import { maskText, metrics } from '#libs/common';
import { exclusive, insertRows } from '#libs/persistence';
import { OutboxRecord } from './entities.js';
import type { EventTransport } from './transport.js';

/** Writes events into the outbox inside the caller's transaction. */
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
}

export interface OutboxRelayOptions {
  pollIntervalMs: number;
  batchSize: number;
  /** The service it publishes for (the metrics' label). */
  service?: string;
}

/**
 * Publishes committed outbox rows in the order they were written, then marks them. A crash
 * between publish and mark publishes a row twice; consumers drop the second copy by event id.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Publishes only between start() and stop(); a kick before start (or with the relay switched off) waits. */
  private active = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transport: EventTransport,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.active = true;
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs);
    this.kick();
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

  /** Runs a pass now (after a commit); passes never overlap. */
  kick(): Promise<void> {
    if (!this.active || this.holds > 0) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (this.active && (await this.publishBatch()) === this.options.batchSize);
        } while (this.again && this.active);
      } catch (e) {
        this.logger.warn(`outbox relay pass failed, will retry: ${maskText(String((e as Error).message ?? e))}`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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

  private publishBatch(): Promise<number> {
    return this.dataSource.options.type === 'better-sqlite3' ? this.publishBatchEmbedded() : this.publishBatchLocked();
  }

  /**
   * MySQL: one relay per service publishes at a time, holding a named lock (GET_LOCK) for the
   * pass; another instance finds it taken and leaves the pass to it. No transaction and no row
   * lock is held while the broker answers, so commands keep writing to the outbox meanwhile.
   * (Order per case holds: a command locks its case row before it writes its events.)
   */
  private async publishBatchLocked(): Promise<number> {
    const lock = `outbox:${String(this.dataSource.options.database)}`.slice(0, 64);
    const holder = this.dataSource.createQueryRunner();
    await holder.connect();
    try {
      const [got] = await holder.query('SELECT GET_LOCK(?, 0) AS got', [lock]);
      if (Number(got.got) !== 1) return 0;
      try {
        const repo = this.dataSource.getRepository(OutboxRecord);
        const rows = await repo.find({ where: { publishedAt: IsNull() }, order: { seq: 'ASC' }, take: this.options.batchSize });
        if (!rows.length) return 0;
        await this.transport.publish(rows.map((r) => ({ topic: r.topic, key: r.messageKey, value: r.value })));
        await repo.update(rows.map((r) => r.seq), { publishedAt: new Date() });
        this.observePublished(rows);
        return rows.length;
      } finally {
        await holder.query('SELECT RELEASE_LOCK(?)', [lock]);
      }
    } finally {
      await holder.release();
    }
  }

  /** SQLite (one process): reads and marks under the database lock, publishes outside it. */
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
    await exclusive(this.dataSource, () => repo.update(rows.map((r) => r.seq), { publishedAt: new Date() }));
    this.observePublished(rows);
    return rows.length;
  }
}
