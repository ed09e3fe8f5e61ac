import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { errorKind, ThrottledErrors } from './throttled-errors.js';

/** Timers the test moves by hand. */
function manualTimers() {
  let now = 0;
  const pending: Array<{ at: number; fn: () => void; done: boolean }> = [];
  return {
    set: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn, done: false };
      pending.push(t);
      return t;
    },
    clear: (t: unknown) => void ((t as { done: boolean }).done = true),
    advance(ms: number) {
      now += ms;
      for (const t of pending) {
        if (t.done || t.at > now) continue;
        t.done = true;
        t.fn();
      }
    },
  };
}

describe('ThrottledErrors (BullMQ / Redis error events, issue 11)', () => {
  it('a burst of one kind of error is one line at once and one line with the count when the window ends', () => {
    const lines: string[] = [];
    const timers = manualTimers();
    const errors = new ThrottledErrors((l) => lines.push(l), 10_000, timers);
    const worker = new EventEmitter();
    worker.on('error', errors.listener('timer worker'));
    // What a FLUSHALL under a running worker looks like: the same error for job after job, with stacks.
    for (let i = 0; i < 120; i++) {
      const e = new Error(`Missing lock for job route:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:${i}. moveToFinished`);
      worker.emit('error', e);
    }
    expect(lines).toEqual(['timer worker: Missing lock for job route:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:0. moveToFinished']);
    timers.advance(9_999);
    expect(lines).toHaveLength(1);
    timers.advance(1);
    expect(lines).toEqual([lines[0], 'timer worker: Missing lock for job route:<id>:<n>. moveToFinished — 119 more of the same in the last 10 s']);
    // A new window: the next one is said again, at once.
    worker.emit('error', new Error('Missing lock for job route:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:7. moveToFinished'));
    expect(lines).toHaveLength(3);
    // Nothing held back in that window: nothing more is said when it ends.
    timers.advance(10_000);
    expect(lines).toHaveLength(3);
  });

  it('each kind and each source has its own line; every line is one line (no stack), masked', () => {
    const lines: string[] = [];
    const errors = new ThrottledErrors((l) => lines.push(l), 10_000, manualTimers());
    errors.report('redis', new Error('connect ECONNREFUSED 127.0.0.1:6380'));
    errors.report('redis', new Error('connect ECONNREFUSED 127.0.0.1:6380'));
    errors.report('timer queue', new Error('connect ECONNREFUSED 127.0.0.1:6380'));
    errors.report('redis', new Error("READONLY You can't write against a read only replica."));
    expect(lines).toEqual(['redis: connect ECONNREFUSED 127.0.0.1:6380', 'timer queue: connect ECONNREFUSED 127.0.0.1:6380', "redis: READONLY You can't write against a read only replica."]);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    errors.report('timer worker', new Error('job for 45030219800101122X failed\n    at Worker.run (worker.js:1:1)'));
    expect(lines.at(-1)).not.toContain('45030219800101122X');
    expect(lines.at(-1)).not.toContain('at Worker.run');
  });

  it('flush says what is still held back (shutdown)', () => {
    const lines: string[] = [];
    const errors = new ThrottledErrors((l) => lines.push(l), 10_000, manualTimers());
    for (let i = 0; i < 3; i++) errors.report('redis', new Error('Connection is closed.'));
    errors.flush();
    expect(lines).toEqual(['redis: Connection is closed.', 'redis: Connection is closed. — 2 more of the same in the last 10 s']);
  });

  it('numbers and ids do not make a new kind', () => {
    expect(errorKind('Missing lock for job 12 (0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b)\nstack')).toBe('Missing lock for job <n> (<id>)');
  });
});

describe('BullMqScheduler error events', () => {
  it('while Redis cannot be reached, its errors go to the logger as single lines, none to stderr raw', async () => {
    const { Logger } = await import('@nestjs/common');
    const { BullMqScheduler } = await import('./bullmq.scheduler.js');
    const logged: string[] = [];
    const raw: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void raw.push(args);
    Logger.overrideLogger({
      error: (m: unknown) => void logged.push(String(m)),
      warn: () => undefined,
      log: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
      fatal: () => undefined,
    });
    const scheduler = new BullMqScheduler('redis://127.0.0.1:1', { prefix: 'spec' });
    try {
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await scheduler.close().catch(() => undefined);
      console.error = consoleError;
      Logger.overrideLogger(['error', 'warn']);
    }
    expect(raw).toEqual([]);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((l) => !l.includes('\n') && /ECONNREFUSED/.test(l))).toBe(true);
    // One line per kind and source, however often ioredis retried in that time.
    expect(new Set(logged).size).toBe(logged.length);
  });
});
