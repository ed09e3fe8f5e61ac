/**
 * Lets a service hold its own consumer while it does something the events must not interleave
 * with (the read model's rebuild): `hold(work)` waits for the events being applied to finish,
 * keeps new ones waiting before their transaction starts, runs `work`, and lets them through
 * again. Events are not lost or reordered: each waits where it is, in its partition's order.
 */
export class EventGate {
  private held: Promise<void> | null = null;
  private inFlight = 0;
  private drained: (() => void) | null = null;

  /** Runs `apply` once the gate is open (an event's whole application). */
  async through<T>(apply: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    this.inFlight++;
    try {
      return await apply();
    } finally {
      if (--this.inFlight === 0) this.drained?.();
    }
  }

  get isHeld(): boolean {
    return this.held !== null;
  }

  /** Runs `work` with no event being applied; one hold at a time (a second waits for the first). */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    let release!: () => void;
    this.held = new Promise<void>((r) => (release = r));
    try {
      if (this.inFlight > 0) await new Promise<void>((r) => (this.drained = r));
      this.drained = null;
      return await work();
    } finally {
      this.held = null;
      release();
    }
  }
}
