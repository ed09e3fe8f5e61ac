import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { systemClock } from '#libs/common';
import { BullMqScheduler, DEADLINE_QUEUE } from '../../apps/deadline/src/timers/bullmq.scheduler.js';
import type { DeadlineTimer } from '../../apps/deadline/src/timers/timer-scheduler.js';
import { REDIS_URL, requireInfrastructure } from './support/infra.js';
import { waitUntil } from './support/wait.js';

const T = 120_000;

/**
 * Issue 11: after a Redis FLUSHALL under a running deadline service, BullMQ printed ~120 stack
 * traces on stderr, outside the logger. Here the queue's own keys are wiped (not the whole Redis:
 * others may share it) while the worker holds 60 jobs taken ahead of their instant, and the
 * scheduler is then closed (each held job is handed back to a queue that no longer has it): what
 * BullMQ and Redis report goes through the logger, one line per kind of error, nothing raw.
 */
describe('BullMQ errors after the queue is wiped under a running worker', () => {
  const prefix = `it-timer-errors-${Date.now()}`;
  let redis: Redis;

  beforeAll(async () => {
    await requireInfrastructure();
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it(
    'logs them as single lines through the logger, one per kind, none on stderr',
    async () => {
      const logged: string[] = [];
      const raw: string[] = [];
      const consoleError = console.error;
      const stderrWrite = process.stderr.write.bind(process.stderr);
      console.error = (...args: unknown[]) => void raw.push(args.map(String).join(' '));
      process.stderr.write = ((chunk: string | Uint8Array) => (raw.push(String(chunk)), true)) as typeof process.stderr.write;
      Logger.overrideLogger({
        error: (m: unknown) => void logged.push(String(m)),
        warn: (m: unknown) => void logged.push(`warn: ${String(m)}`),
        log: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
        fatal: (m: unknown) => void logged.push(String(m)),
      });
      let fired = 0;
      let timers: DeadlineTimer[] = [];
      const scheduler = new BullMqScheduler(REDIS_URL, { prefix, leadMs: 60_000 });
      try {
        await scheduler.start(async () => void fired++, systemClock);
        timers = Array.from({ length: 60 }, (_, i) => ({ caseId: `case-${i}`, kind: 'handling', revision: 1, purpose: 'breach', fireAt: new Date(Date.now() + 4_000).toISOString() }));
        await scheduler.schedule(timers);
        // All taken ahead and held (active, locked).
        expect(await waitUntil(async () => (await redis.llen(`${prefix}:${DEADLINE_QUEUE}:active`)) === timers.length, 20_000)).toBe(true);
        const keys = await redis.keys(`${prefix}:*`);
        await redis.del(...keys);
        // The held jobs reach their instant, fire, and their worker finds them gone.
        expect(await waitUntil(async () => fired === timers.length, 20_000)).toBe(true);
        await new Promise((r) => setTimeout(r, 2_000));
        await scheduler.close();
      } finally {
        console.error = consoleError;
        process.stderr.write = stderrWrite;
        Logger.overrideLogger(['error', 'warn']);
      }
      process.stdout.write(`\n  logged (${logged.length}):\n${logged.map((l) => `    ${l}`).join('\n')}\n  raw (${raw.length}): ${raw.slice(0, 3).join(' | ').slice(0, 600)}\n`);
      expect(raw).toEqual([]);
      const errors = logged.filter((l) => !l.startsWith('warn: '));
      expect(errors.every((l) => !l.includes('\n'))).toBe(true);
      // Every job the wipe took away was reported (said or counted), in far fewer lines than errors.
      const reported = errors.reduce((n, l) => n + (/ — (\d+) more of the same/.exec(l) ? Number(/ — (\d+) more/.exec(l)![1]) : 1), 0);
      expect(reported).toBeGreaterThanOrEqual(timers.length);
      const kinds = new Set(errors.map((l) => l.replace(/ — \d+ more of the same.*$/, '').replace(/\d+/g, '<n>')));
      expect(errors.length).toBeLessThanOrEqual(2 * kinds.size);
      expect(errors.length).toBeLessThan(timers.length);
    },
    T,
  );
});
