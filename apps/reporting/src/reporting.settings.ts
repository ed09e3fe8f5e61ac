import type { DeadlinePolicy, PrcCalendar } from '#libs/regulation';

export interface ReportingSettings {
  timeZone: string;
  policy: DeadlinePolicy;
  calendar: PrcCalendar;
  /** How long a read waits for the event a command just produced (read-your-writes). */
  readYourWritesTimeoutMs: number;
}
export const REPORTING_SETTINGS = Symbol('REPORTING_SETTINGS');
