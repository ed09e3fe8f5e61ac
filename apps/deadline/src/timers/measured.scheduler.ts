import { metrics, systemClock, type Clock } from '#libs/common';
import type { DeadlineTimer, TimerScheduler } from './timer-scheduler.js';

/** What a timer store says it holds, for the armed-timers gauge. */
export interface CountsArmed {
  armedCount(): Promise<number>;
}

/**
 * A timer scheduler with its metrics: timers armed and fired (by purpose: warn, breach,
 * escalate), how late each fired after its instant, and the timers armed now (read from the
 * store at scrape time). The same for BullMQ and the in-process scheduler.
 */
export class MeasuredScheduler implements TimerScheduler {
  private clock: Clock = systemClock;
  constructor(private readonly inner: TimerScheduler & Partial<CountsArmed>) {}

  start(onFire: (t: DeadlineTimer) => Promise<void>, clock: Clock, onTaken?: (t: DeadlineTimer) => void): Promise<void> {
    this.clock = clock;
    return this.inner.start(
      (t) => {
        metrics.timersFiredTotal.inc({ service: 'deadline', kind: t.purpose });
        metrics.timerLateness.observe({ service: 'deadline', kind: t.purpose }, Math.max(0, (this.clock.now().getTime() - new Date(t.fireAt).getTime()) / 1000));
        return onFire(t);
      },
      clock,
      onTaken,
    );
  }
  async schedule(timers: DeadlineTimer[]): Promise<void> {
    await this.inner.schedule(timers);
    for (const t of timers) metrics.timersArmedTotal.inc({ service: 'deadline', kind: t.purpose });
  }
  cancel(ids: string[]): Promise<void> {
    return this.inner.cancel(ids);
  }
  markReconciled(): Promise<void> {
    return this.inner.markReconciled();
  }
  wasWiped(): Promise<boolean> {
    return this.inner.wasWiped();
  }
  ping(): Promise<void> {
    return this.inner.ping?.() ?? Promise.resolve();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  /** The gauge's sampler (runtime: ServiceDefinition.metrics). */
  sampler(): () => Promise<void> {
    return async () => {
      if (this.inner.armedCount) metrics.timersArmed.set({ service: 'deadline', kind: 'all' }, await this.inner.armedCount());
    };
  }
}
