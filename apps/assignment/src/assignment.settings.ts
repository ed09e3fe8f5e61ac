import type { PrcCalendar } from '#libs/regulation';

export interface AssignmentSettings {
  timeZone: string;
  /** For the 5-working-day objection window (Art. 23(3)). */
  calendar: PrcCalendar;
  /** A window reaching a year the calendar lacks: unknown (never called late), or assumed ordinary weeks. */
  onUncoveredYear: 'withhold' | 'provisional';
}
export const ASSIGNMENT_SETTINGS = Symbol('ASSIGNMENT_SETTINGS');
