import { Logger } from '@nestjs/common';
import { maskText, systemClock, type Clock } from '#libs/common';
import { DelayedError, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { timerId, type DeadlineTimer, type TimerScheduler } from './timer-scheduler.js';
import { ThrottledErrors } from './throttled-errors.js';

import { DEADLINE_QUEUE } from '#libs/contracts';
export { DEADLINE_QUEUE };

export interface BullMqSchedulerOptions {
  /** Key prefix of the queue in Redis. */
  prefix: string;
  /** A job is delivered this long before its timer is due and held until the exact instant. */
  leadMs: number;
  /** Jobs held at once (the worker's concurrency). */
  prefetch: number;
}

/**
 * Distributed mode: each timer is a BullMQ delayed job whose id carries the deadline revision.
 * Adding a job whose id exists is a no-op, so scheduling is idempotent across instances.
 *
 * Every deadline ends at 24:00, so thousands of timers fall due at the same instant, and BullMQ
 * hands out jobs one Redis call at a time. Each job is therefore due `leadMs` early: the worker
 * takes it, keeps it active (locked, renewed) until the timer's own instant, and fires it then,
 * when the whole burst is already in memory. A worker that dies while holding jobs loses
 * nothing: BullMQ finds them stalled and hands them out again.
 */
export class BullMqScheduler implements TimerScheduler {
  private readonly logger = new Logger(BullMqScheduler.name);
  private readonly connection: Redis;
  /** The worker's blocking connection (BullMQ does not close connections it was given). */
  private workerConnection: Redis | null = null;
  private readonly queue: Queue<DeadlineTimer>;
  private worker: Worker<DeadlineTimer> | null = null;
  private clock: Clock = systemClock;
  /** Jobs taken early and waiting for their instant: releasing with false hands one back. */
  private readonly held = new Set<(due: boolean) => void>();
  private closing = false;

  private readonly options: BullMqSchedulerOptions;
  /**
   * BullMQ's and Redis's 'error' events through the logger, one line per kind per 10 s: without a
   * listener BullMQ prints each with its stack on stderr (~120 after a FLUSHALL), outside the log.
   */
  private readonly errors = new ThrottledErrors((line) => this.logger.error(line));

  constructor(redisUrl: string, options: Partial<BullMqSchedulerOptions> = {}) {
    this.options = { prefix: 'petition', leadMs: 10_000, prefetch: 20_000, ...options };
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', this.errors.listener('redis'));
    this.queue = new Queue<DeadlineTimer>(DEADLINE_QUEUE, { connection: this.connection, prefix: this.options.prefix });
    this.queue.on('error', this.errors.listener('timer queue'));
  }

  /** BullMQ needs Redis not to evict keys, or delayed jobs can vanish silently. */
  async checkRedis(): Promise<void> {
    const [, policy] = (await this.connection.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') throw new Error(`Redis maxmemory-policy is ${policy}; BullMQ needs noeviction`);
  }

  async start(onFire: (t: DeadlineTimer) => Promise<void>, clock: Clock, onTaken?: (t: DeadlineTimer) => void): Promise<void> {
    this.clock = clock;
    await this.checkRedis();
    this.worker = new Worker<DeadlineTimer>(
      DEADLINE_QUEUE,
      async (job, token) => {
        if (onTaken && this.msUntil(job.data.fireAt) > 0) onTaken(job.data);
        if (!(await this.hold(job.data.fireAt))) {
          // Shutting down: give the job back, due (with its lead) at the same instant.
          await job.moveToDelayed(Date.now() + Math.max(0, this.msUntil(job.data.fireAt) - this.options.leadMs), token);
          throw new DelayedError();
        }
        await onFire(job.data);
      },
      {
        connection: (this.workerConnection = this.workerRedis()),
        prefix: this.options.prefix,
        // Held jobs wait on a timer, then on the service's batches (DeadlineService.fire).
        concurrency: this.options.prefetch,
      },
    );
    this.worker.on('failed', (job, err) => this.logger.warn(`timer ${job?.id} failed: ${maskText(String(err?.message ?? err))}`));
    this.worker.on('error', this.errors.listener('timer worker'));
  }

  private workerRedis(): Redis {
    const c = this.connection.duplicate();
    c.on('error', this.errors.listener('redis (worker)'));
    return c;
  }

  async schedule(timers: DeadlineTimer[]): Promise<void> {
    if (!timers.length) return;
    const now = this.clock.now().getTime();
    await this.queue.addBulk(
      timers.map((t) => ({
        name: t.purpose,
        data: t,
        opts: {
          jobId: timerId(t),
          delay: Math.max(0, new Date(t.fireAt).getTime() - this.options.leadMs - now),
          removeOnComplete: true,
          removeOnFail: 1000,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      })),
    );
  }

  private msUntil(fireAt: string): number {
    return new Date(fireAt).getTime() - this.clock.now().getTime();
  }

  /**
   * Waits for the instant (on the service's clock): true then, false if the scheduler closes first.
   * Node's timers run on a monotonic clock truncated to whole milliseconds, so one can fire a
   * millisecond before the wall clock reaches the instant: look again, and wait out the rest.
   */
  private async hold(fireAt: string): Promise<boolean> {
    for (let wait = this.msUntil(fireAt); wait > 0; wait = this.msUntil(fireAt)) {
      if (this.closing || !(await this.sleep(wait))) return false;
    }
    return true;
  }

  /** true after ms, false if the scheduler closes first. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const release = (due: boolean) => {
        clearTimeout(handle);
        this.held.delete(release);
        resolve(due);
      };
      const handle = setTimeout(() => release(true), ms);
      this.held.add(release);
    });
  }

  /** A key of our own next to the queue's: FLUSHALL, eviction or a new Redis take it with the jobs. */
  private get markKey(): string {
    return `${this.options.prefix}:${DEADLINE_QUEUE}:reconciled`;
  }

  async markReconciled(): Promise<void> {
    await this.connection.set(this.markKey, this.clock.now().toISOString());
  }

  async wasWiped(): Promise<boolean> {
    return (await this.connection.exists(this.markKey)) === 0;
  }

  async ping(): Promise<void> {
    const pong = await this.connection.ping();
    if (pong !== 'PONG') throw new Error(`Redis answered ${pong}`);
  }

  /** Jobs waiting for their instant (delayed), handed over (waiting) or held until it (active). */
  async armedCount(): Promise<number> {
    const c = await this.queue.getJobCounts('delayed', 'waiting', 'active', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  async cancel(ids: string[]): Promise<void> {
    for (const id of ids) await this.queue.remove(id).catch(() => 0);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const release of [...this.held]) release(false);
    await this.worker?.close();
    await this.queue.close();
    await this.workerConnection?.quit().catch(() => undefined);
    await this.connection.quit().catch(() => undefined);
    // A connection that never came up is still reconnecting after quit(): disconnect() stops it.
    this.workerConnection?.disconnect();
    this.connection.disconnect();
    this.errors.flush();
  }
}
