import type { PiiKeyring } from '#libs/common';
import type { DeadlinePolicy, PrcCalendar } from '#libs/regulation';

export interface ReportingSettings {
  timeZone: string;
  policy: DeadlinePolicy;
  calendar: PrcCalendar;
  /** How long a read waits for the event a command just produced (read-your-writes). */
  readYourWritesTimeoutMs: number;
  /** DEADLINE_WARN_DAYS: a list item's next deadline turns 'warning' from the first (largest) of them; default 5. */
  warnDaysBefore?: number[];
  /** Opens the petitioners' sealed identity numbers, phones and addresses to mask them for display (PII_KEY). */
  pii: PiiKeyring;
}
export const REPORTING_SETTINGS = Symbol('REPORTING_SETTINGS');
