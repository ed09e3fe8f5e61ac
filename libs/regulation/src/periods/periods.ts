/**
 * Periods under the Civil Code (《民法典》) Art. 201–204, which the 信访工作条例 leaves to the
 * general rule:
 * - Art. 201: the day of the triggering event is not counted; counting starts the next day.
 * - Art. 203(2): the period ends at 24:00 of its last day.
 * - Art. 203(1): if the last day is a statutory holiday, the day after the holiday is the last
 *   day (applied only when asked: `rollOverHolidays`).
 * Days are days of the office's wall calendar (`timeZone`), whatever the instant's UTC date.
 */
import { CalendarNotCoveredError, type PrcCalendar } from '../calendar/calendar.js';
import type { DayStatus } from '../calendar/uncovered-days.js';
import { addDays, daysBetween, isWeekend, yearOf, type LocalDate } from '../dates/local-date.js';
import { endOfLocalDay, toLocalDate } from '../dates/time-zone.js';

export interface PeriodResult {
  /** The last day of the period (after any roll-over). */
  lastDay: LocalDate;
  /** 24:00 of lastDay in the time zone: the first instant that is too late. */
  dueAt: Date;
  /** True when the last day was moved off a holiday (or rest day). */
  rolledOver: boolean;
  /** The last day before any roll-over (equal to lastDay when none). */
  originalLastDay: LocalDate;
  /**
   * Years the calendar does not cover some of whose days, undecided without the year's notice,
   * were assumed ordinary (Mon–Fri working, no holiday) because `uncovered: 'assume'` was asked.
   * Absent when nothing was assumed.
   */
  assumedYears?: number[];
}

/**
 * What to do when a day to look at is in a year the calendar does not cover and the law alone
 * does not decide it (a day near a statutory holiday, see calendar/uncovered-days.ts): 'throw'
 * (CalendarNotCoveredError naming the undecided days, the default: never guess) or 'assume' an
 * ordinary week on those days and report their years in `assumedYears` (for provisional
 * figures only). Days the law decides (the statutory holidays themselves, and days far from
 * every statutory holiday) are used as they are, in either mode.
 */
export type UncoveredYearMode = 'throw' | 'assume';

/** A day's status, with the undecided ones of uncovered years either assumed ordinary (and noted) or left 'unknown'. */
function calendarView(calendar: PrcCalendar, mode: UncoveredYearMode | undefined) {
  const assumed = new Set<number>();
  return {
    status(d: LocalDate): DayStatus {
      const s = calendar.dayStatus(d);
      if (s !== 'unknown' || mode !== 'assume') return s;
      assumed.add(yearOf(d));
      return isWeekend(d) ? 'rest' : 'working';
    },
    assumedYears: (): number[] | undefined => (assumed.size ? [...assumed].sort((a, b) => a - b) : undefined),
  };
}

/**
 * Bounds the search for the undecided days of a computation that cannot be decided: a year
 * whose holidays cannot be dated at all is undecided throughout, and a walk through it would
 * never end.
 */
const MAX_UNKNOWN_WALK_DAYS = 400;

export interface CalendarDaysOptions {
  timeZone: string;
  calendar: PrcCalendar;
  /** Move a last day that is a statutory holiday to the day after the break (Art. 203(1)). */
  rollOverHolidays: boolean;
  /**
   * Also move a last day that is an ordinary weekend rest day to the next working day (the
   * courts read 法定休假日 as including weekends). Off unless asked; needs rollOverHolidays.
   */
  rollOverWeekends?: boolean;
  uncovered?: UncoveredYearMode;
}

function assertDays(days: number): void {
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`a period is a whole, non-negative number of days, got ${days}`);
  }
}

/**
 * A period of `days` calendar days (日) from `trigger`. With roll-over, the last day and the days
 * of the break it falls in are looked up; in a year the calendar does not cover, the law decides
 * what it can, and CalendarNotCoveredError (with the undecided days) is thrown only when a day
 * the roll-over depends on is undecided. Without roll-over the calendar is not consulted.
 */
export function calendarDaysPeriod(trigger: Date, days: number, opts: CalendarDaysOptions): PeriodResult {
  assertDays(days);
  const originalLastDay = addDays(toLocalDate(trigger, opts.timeZone), days);
  let lastDay = originalLastDay;
  const cal = calendarView(opts.calendar, opts.uncovered);
  if (opts.rollOverHolidays) {
    const weekends = opts.rollOverWeekends === true;
    const skip = (s: DayStatus) => s === 'holiday' || (weekends && s === 'rest');
    for (;;) {
      const s = cal.status(lastDay);
      if (s === 'unknown') throw undecidedRollOver(opts.calendar, lastDay, skip);
      if (!skip(s)) break;
      lastDay = addDays(lastDay, 1);
    }
  }
  return withAssumed({ lastDay, dueAt: endOfLocalDay(lastDay, opts.timeZone), rolledOver: lastDay !== originalLastDay, originalLastDay }, cal.assumedYears());
}

/**
 * The roll-over reached an undecided day `from`: every undecided day from there up to the first
 * day that certainly ends the roll-over could be the last day or move it.
 */
function undecidedRollOver(calendar: PrcCalendar, from: LocalDate, skip: (s: DayStatus) => boolean): CalendarNotCoveredError {
  const unknown: LocalDate[] = [];
  for (let d = from, n = 0; n < MAX_UNKNOWN_WALK_DAYS; d = addDays(d, 1), n++) {
    const s = calendar.dayStatus(d);
    if (s === 'unknown') unknown.push(d);
    else if (!skip(s)) break;
  }
  return new CalendarNotCoveredError(yearOf(from), unknown);
}

/**
 * A period of `days` working days (工作日) from `trigger`: the trigger day is not counted, then
 * each Monday–Friday that is not a holiday, and each make-up working weekend day, counts one.
 * In a year the calendar does not cover, the law decides what it can; if any day counted up to
 * the last day is undecided, the count could come out otherwise and CalendarNotCoveredError is
 * thrown with every undecided day up to the latest possible last day: it never guesses.
 */
export function workingDaysPeriod(trigger: Date, days: number, opts: { timeZone: string; calendar: PrcCalendar; uncovered?: UncoveredYearMode }): PeriodResult {
  assertDays(days);
  const cal = calendarView(opts.calendar, opts.uncovered);
  const start = toLocalDate(trigger, opts.timeZone);
  // Undecided days taken as working give the earliest possible last day; the answer is certain
  // only if none was met on the way (one of them not working would move the last day later).
  let d = start;
  let undecided = false;
  for (let counted = 0; counted < days;) {
    d = addDays(d, 1);
    const s = cal.status(d);
    if (s === 'unknown') undecided = true;
    if (s === 'working' || s === 'unknown') counted++;
  }
  if (undecided) {
    // Taken as not working they give the latest possible last day: every undecided day up to it matters.
    const unknown: LocalDate[] = [];
    let e = start;
    const limit = daysBetween(start, d) + MAX_UNKNOWN_WALK_DAYS;
    for (let counted = 0, n = 0; counted < days && n < limit; n++) {
      e = addDays(e, 1);
      const s = opts.calendar.dayStatus(e);
      if (s === 'unknown') unknown.push(e);
      else if (s === 'working') counted++;
    }
    throw new CalendarNotCoveredError(yearOf(unknown[0]), unknown);
  }
  return withAssumed({ lastDay: d, dueAt: endOfLocalDay(d, opts.timeZone), rolledOver: false, originalLastDay: d }, cal.assumedYears());
}

function withAssumed(r: PeriodResult, assumedYears: number[] | undefined): PeriodResult {
  return assumedYears ? { ...r, assumedYears } : r;
}
