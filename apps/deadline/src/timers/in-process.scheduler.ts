import { Logger } from '@nestjs/common';
import { maskText, systemClock, type Clock } from '#libs/common';
import { timerId, type DeadlineTimer, type TimerScheduler } from './timer-scheduler.js';

const MAX_DELAY = 2 ** 31 - 1; // setTimeout's limit (~24.8 days); longer timers re-arm

/** Embedded mode: timers in this process, rebuilt from the deadline table at every start. */
export class InProcessScheduler implements TimerScheduler {
  private readonly logger = new Logger(InProcessScheduler.name);
  private readonly handles = new Map<string, NodeJS.Timeout>();
  private onFire: ((t: DeadlineTimer) => Promise<void>) | null = null;
  private clock: Clock = systemClock;

  async start(onFire: (t: DeadlineTimer) => Promise<void>, clock: Clock): Promise<void> {
    this.onFire = onFire;
    this.clock = clock;
  }

  /** Like BullMQ with job ids: a timer already armed keeps its time. */
  async schedule(timers: DeadlineTimer[]): Promise<void> {
    for (const t of timers) if (!this.handles.has(timerId(t))) this.arm(t);
  }

  async cancel(ids: string[]): Promise<void> {
    for (const id of ids) {
      const h = this.handles.get(id);
      if (h) clearTimeout(h);
      this.handles.delete(id);
    }
  }

  /** The timers live and die with this process: a restart reconciles in full. */
  async markReconciled(): Promise<void> {}

  async wasWiped(): Promise<boolean> {
    return false;
  }

  async armedCount(): Promise<number> {
    return this.handles.size;
  }

  /** In this process's memory: up while the process is. */
  async ping(): Promise<void> {}

  async close(): Promise<void> {
    for (const h of this.handles.values()) clearTimeout(h);
    this.handles.clear();
  }

  private arm(t: DeadlineTimer): void {
    const id = timerId(t);
    const existing = this.handles.get(id);
    if (existing) clearTimeout(existing);
    const delay = Math.max(0, new Date(t.fireAt).getTime() - this.clock.now().getTime());
    const handle = setTimeout(
      () => {
        this.handles.delete(id);
        // Past setTimeout's limit, or a millisecond early (Node's timers run on a truncated
        // monotonic clock): arm again for what is left, or the breach would be "not yet due".
        if (new Date(t.fireAt).getTime() > this.clock.now().getTime()) return this.arm(t);
        this.onFire?.(t).catch((e) => this.logger.error(`timer ${id} failed: ${maskText(String((e as Error)?.message ?? e))}`));
      },
      Math.min(delay, MAX_DELAY),
    );
    handle.unref();
    this.handles.set(id, handle);
  }
}
