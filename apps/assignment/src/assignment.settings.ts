import type { PrcCalendar } from '#libs/regulation';

export interface AssignmentSettings {
  timeZone: string;
  /** For the 5-working-day objection window (Art. 23(3)). */
  calendar: PrcCalendar;
}
export const ASSIGNMENT_SETTINGS = Symbol('ASSIGNMENT_SETTINGS');
