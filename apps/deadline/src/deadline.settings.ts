import type { DeadlinePolicy, PrcCalendar } from '#libs/regulation';

export interface DeadlineSettings {
  policy: DeadlinePolicy;
  calendar: PrcCalendar;
  /** Warnings go out this many days before each due instant. */
  warnDaysBefore: number[];
  /** Only timers firing within this many days are armed; the rest wait in the database. */
  windowDays: number;
  /** How often the database and the timer store are compared and missing timers recreated. */
  reconcileIntervalMs: number;
  /** A breach still unmet this long after its due time is escalated to supervision (督办). */
  escalateAfterHours: number;
  /**
   * A deadline already past when its timer is first armed (a paper record entered late, 补录)
   * is announced only after this settle time, so the records that follow can show it was met.
   */
  lateEntrySettleMs: number;
}
export const DEADLINE_SETTINGS = Symbol('DEADLINE_SETTINGS');
