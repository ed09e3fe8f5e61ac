import { describe, expect, it } from '@jest/globals';
import type { Clock } from '#libs/common';
import { InProcessScheduler } from './in-process.scheduler.js';
import { timerId, type DeadlineTimer } from './timer-scheduler.js';

/** Waits until `done` holds (at most 5 s: a loaded CI machine delays timers), then a little more. */
async function settle(done: () => boolean): Promise<void> {
  for (const until = Date.now() + 5000; !done() && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
}

const timer = (fireAt: number): DeadlineTimer => ({ caseId: 'c', kind: 'handling', revision: 1, purpose: 'breach', fireAt: new Date(fireAt).toISOString() });

describe('InProcessScheduler', () => {
  it('never fires before the instant on the service clock, even if the timer wakes early', async () => {
    // The service clock falls 40 ms behind the wall clock once the timer is armed: setTimeout
    // wakes at the armed wall-clock instant, which the service clock has not reached yet.
    let lag = 0;
    const clock: Clock = { now: () => new Date(Date.now() - lag) };
    const scheduler = new InProcessScheduler();
    const fired: number[] = [];
    await scheduler.start(async () => void fired.push(clock.now().getTime()), clock);
    const fireAt = Date.now() + 30;
    await scheduler.schedule([timer(fireAt)]);
    lag = 40;
    await settle(() => fired.length > 0);
    await scheduler.close();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(fireAt);
  });

  it('keeps the time of a timer already armed, and forgets a cancelled one', async () => {
    const scheduler = new InProcessScheduler();
    const fired: string[] = [];
    await scheduler.start(async (t) => void fired.push(t.fireAt), { now: () => new Date() });
    const first = timer(Date.now() + 20);
    await scheduler.schedule([first]);
    await scheduler.schedule([{ ...first, fireAt: new Date(Date.now() + 10_000).toISOString() }]);
    const cancelled = { ...timer(Date.now() + 20), caseId: 'gone' };
    await scheduler.schedule([cancelled]);
    await scheduler.cancel([timerId(cancelled)]);
    await settle(() => fired.length > 0);
    await scheduler.close();
    expect(fired).toEqual([first.fireAt]);
  });
});
