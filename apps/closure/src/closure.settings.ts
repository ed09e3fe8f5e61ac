import type { DeadlinePolicy, PrcCalendar } from '#libs/regulation';

export interface ClosureSettings {
  policy: DeadlinePolicy;
  calendar: PrcCalendar;
}
export const CLOSURE_SETTINGS = Symbol('CLOSURE_SETTINGS');
