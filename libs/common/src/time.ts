/** The one place that reads the wall clock; everything else has time passed in. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** The system clock moved by a fixed offset: drills and tests of timers without waiting days. */
export const offsetClock = (offsetMs: number): Clock => (offsetMs ? { now: () => new Date(Date.now() + offsetMs) } : systemClock);
export const CLOCK = Symbol('CLOCK');
