import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '#libs/common';
import { BullMqScheduler, DEADLINE_QUEUE } from '../../apps/deadline/src/timers/bullmq.scheduler.js';
import { timerId, type DeadlineTimer } from '../../apps/deadline/src/timers/timer-scheduler.js';
import { REDIS_URL, requireInfrastructure } from './support/infra.js';
import { waitUntil } from './support/wait.js';

/**
 * The BullMQ timer store on its own: jobs are taken TIMER_LEAD_MS early and held until their
 * instant, so that thousands due at one midnight are all in hand when it strikes. Its own prefix
 * in Redis; deletes its keys afterwards.
 */
describe('BullMQ timers taken ahead of their instant', () => {
  const prefix = `it-timers-${Date.now()}`;
  let redis: Redis;
  const timer = (name: string, inMs: number): DeadlineTimer => ({ caseId: name, kind: 'handling', revision: 1, purpose: 'breach', fireAt: new Date(Date.now() + inMs).toISOString() });

  beforeAll(async () => {
    await requireInfrastructure();
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('fires each timer at its own instant, not when the job is handed over', async () => {
    const scheduler = new BullMqScheduler(REDIS_URL, { prefix, leadMs: 2000 });
    const fired: { t: DeadlineTimer; at: number }[] = [];
    await scheduler.start(async (t) => void fired.push({ t, at: Date.now() }), systemClock);
    const timers = [timer('a', 2500), timer('b', 3000), timer('c', 500)];
    await scheduler.schedule(timers);
    expect(await waitUntil(async () => fired.length === 3, 10_000)).toBe(true);
    await scheduler.close();
    // Never early; how late is printed (timing is not pass/fail: the machine may be loaded).
    for (const f of fired) {
      const lateness = f.at - Date.parse(f.t.fireAt);
      process.stdout.write(`\n  BullMQ timer ${f.t.caseId}: lateness ${lateness} ms\n`);
      expect(lateness).toBeGreaterThanOrEqual(0);
    }
    expect(fired.map((f) => f.t.caseId)).toEqual(['c', 'a', 'b']);
  }, 20_000);

  it('hands a held timer back when it closes; the next instance fires it once, on time', async () => {
    const first = new BullMqScheduler(REDIS_URL, { prefix, leadMs: 3000 });
    const firstFired: string[] = [];
    await first.start(async (t) => void firstFired.push(t.caseId), systemClock);
    const t = timer('handed-back', 3500);
    await first.schedule([t]);
    const queue = new Queue(DEADLINE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    const state = () => queue.getJobState(timerId(t));
    expect(await waitUntil(async () => (await state()) === 'active', 5000)).toBe(true); // taken early, held
    const closing = Date.now();
    await first.close();
    const closedAt = Date.now();
    process.stdout.write(`\n  BullMQ scheduler close with a held timer: ${closedAt - closing} ms\n`);
    // It does not sit out the wait: closed before the timer's instant, the job handed back.
    expect(closedAt).toBeLessThan(Date.parse(t.fireAt));
    expect(await state()).toBe('delayed');

    const second = new BullMqScheduler(REDIS_URL, { prefix, leadMs: 3000 });
    const fired: { id: string; at: number }[] = [];
    await second.start(async (x) => void fired.push({ id: x.caseId, at: Date.now() }), systemClock);
    expect(await waitUntil(async () => fired.length === 1, 10_000)).toBe(true);
    // Fired and done: BullMQ removed the completed job, so nothing can hand it out again.
    expect(await waitUntil(async () => (await state()) === 'unknown', 10_000)).toBe(true);
    await second.close();
    await queue.close();
    expect(firstFired).toEqual([]);
    expect(fired.map((f) => f.id)).toEqual(['handed-back']);
    const lateness = fired[0].at - Date.parse(t.fireAt);
    process.stdout.write(`\n  BullMQ handed-back timer: lateness ${lateness} ms\n`);
    expect(lateness).toBeGreaterThanOrEqual(0);
  }, 30_000);
});
