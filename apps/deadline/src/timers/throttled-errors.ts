import { maskText } from '#libs/common';

/** One line per kind of error per this long; the rest are counted. */
export const ERROR_WINDOW_MS = 10_000;

/**
 * The kind of an error: its message's first line with the numbers and ids taken out, so that
 * "Missing lock for job 1234" and "… job 1235" (the burst a Redis FLUSHALL causes) are one kind.
 */
export function errorKind(message: string): string {
  return message
    .split('\n')[0]
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+/g, '<n>')
    .trim();
}

interface Burst {
  suppressed: number;
  timer: unknown;
}

/**
 * Errors that come in bursts (BullMQ's and Redis's 'error' events while Redis is gone or was
 * wiped) as log lines: the first of a kind at once, one line, masked, without its stack; the
 * ones of the same kind within ERROR_WINDOW_MS are counted and said in one line when the window
 * ends. A listener on 'error' is what keeps BullMQ from printing each one with console.error.
 */
export class ThrottledErrors {
  private readonly bursts = new Map<string, Burst>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly windowMs = ERROR_WINDOW_MS,
    private readonly timers: { set(fn: () => void, ms: number): unknown; clear(t: unknown): void } = {
      set: (fn, ms) => setTimeout(fn, ms),
      clear: (t) => clearTimeout(t as NodeJS.Timeout),
    },
  ) {}

  /** A listener for an emitter's 'error' event, naming where it came from. */
  listener(source: string): (err: unknown) => void {
    return (err) => this.report(source, err);
  }

  report(source: string, err: unknown): void {
    const message = maskText(String((err as Error)?.message ?? err)).split('\n')[0];
    const key = `${source}: ${errorKind(message)}`;
    const burst = this.bursts.get(key);
    if (burst) {
      burst.suppressed++;
      return;
    }
    const fresh: Burst = { suppressed: 0, timer: null };
    this.bursts.set(key, fresh);
    this.log(`${source}: ${message}`);
    fresh.timer = this.timers.set(() => this.end(key), this.windowMs);
    (fresh.timer as { unref?(): void } | null)?.unref?.();
  }

  /** Says the count of the window that ends (if any were held back), and starts afresh. */
  private end(key: string): void {
    const burst = this.bursts.get(key);
    this.bursts.delete(key);
    if (burst?.suppressed) this.log(`${key} — ${burst.suppressed} more of the same in the last ${Math.round(this.windowMs / 1000)} s`);
  }

  /** Says what is still held back (at shutdown). */
  flush(): void {
    for (const [key, burst] of [...this.bursts]) {
      this.timers.clear(burst.timer);
      this.end(key);
    }
  }
}
