import { Logger } from '@nestjs/common';
import { systemClock, type Clock } from '#libs/common';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { timerId, type DeadlineTimer, type TimerScheduler } from './timer-scheduler.js';

export const DEADLINE_QUEUE = 'petition-deadlines';

/**
 * Distributed mode: each timer is a BullMQ delayed job whose id carries the deadline revision.
 * Adding a job whose id exists is a no-op, so scheduling is idempotent across instances.
 */
export class BullMqScheduler implements TimerScheduler {
  private readonly logger = new Logger(BullMqScheduler.name);
  private readonly connection: Redis;
  private readonly queue: Queue<DeadlineTimer>;
  private worker: Worker<DeadlineTimer> | null = null;
  private clock: Clock = systemClock;

  constructor(redisUrl: string, private readonly prefix = 'petition') {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue<DeadlineTimer>(DEADLINE_QUEUE, { connection: this.connection, prefix });
  }

  /** BullMQ needs Redis not to evict keys, or delayed jobs can vanish silently. */
  async checkRedis(): Promise<void> {
    const [, policy] = (await this.connection.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') throw new Error(`Redis maxmemory-policy is ${policy}; BullMQ needs noeviction`);
  }

  async start(onFire: (t: DeadlineTimer) => Promise<void>, clock: Clock): Promise<void> {
    this.clock = clock;
    await this.checkRedis();
    this.worker = new Worker<DeadlineTimer>(DEADLINE_QUEUE, async (job) => onFire(job.data), {
      connection: this.connection.duplicate(),
      prefix: this.prefix,
      // Jobs wait on the service's batches (DeadlineService.fire), not on a connection each.
      concurrency: 500,
    });
    this.worker.on('failed', (job, err) => this.logger.warn(`timer ${job?.id} failed: ${err.message}`));
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
          delay: Math.max(0, new Date(t.fireAt).getTime() - now),
          removeOnComplete: true,
          removeOnFail: 1000,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      })),
    );
  }

  async cancel(ids: string[]): Promise<void> {
    for (const id of ids) await this.queue.remove(id).catch(() => 0);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await this.connection.quit().catch(() => undefined);
  }
}
