/**
 * What the deadline service answers about the office's holiday calendar (its `calendar-load`
 * command and `calendar` query), as the gateway shows it; and the name of the deadline service's
 * timer queue, which the gateway's 定时任务 view reads.
 */

/** The deadline service's BullMQ queue (warnings, breaches, escalations). */
export const DEADLINE_QUEUE = 'petition-deadlines';

/** One deadline a load changed. */
export interface RecomputedDeadline {
  kind: string;
  /** computed: it was withheld and has its due date now; moved: its due date changed. */
  change: 'computed' | 'moved';
  lastDay: string;
  previousLastDay: string | null;
}

/** What loading a notice changed: the answer of the POST and the list entry's `result`. */
export interface CalendarLoadResult {
  /** Deadlines that were withheld and now have their due dates. */
  computed: number;
  /** Deadlines whose due date the notice changed (computed before on the law's holidays alone, or provisionally). */
  moved: number;
  /** Timers armed for them (warnings and breaches within the timer window). */
  timersArmed: number;
  /** Cases looked at again. */
  casesRecomputed: number;
  /** The cases whose deadlines changed (at most CASES_LISTED), with what changed. */
  cases: { caseId: string; deadlines: RecomputedDeadline[] }[];
  /** Cases beyond CASES_LISTED. */
  moreCases: number;
  /** Cases whose recomputation failed (logged; those still waiting for a year are recomputed at the next start). */
  failed: number;
  /** The days of the year whose answer the notice changed in the calendar as it was (ranges are the reader's). */
  daysChanged: number;
}

/** One year of the calendar as the administrator sees it. */
export interface CalendarYearView {
  year: number;
  /** bundled: in the release; file: from CALENDAR_FILE (or, embedded, DATA_DIR/calendar.json); uploaded: through the admin API. */
  source: 'bundled' | 'file' | 'uploaded';
  notice: string | null;
  holidays: string[];
  workdays: string[];
  loadedBy: string | null;
  loadedAt: string | null;
  /** Uploaded years: what the load changed (null while it is being recomputed). */
  result: CalendarLoadResult | null;
}
