/**
 * Periods under the Civil Code (《民法典》) Art. 201–204, which the 信访工作条例 leaves to the
 * general rule:
 * - Art. 201: the day of the triggering event is not counted; counting starts the next day.
 * - Art. 203(2): the period ends at 24:00 of its last day.
 * - Art. 203(1): if the last day is a statutory holiday, the day after the holiday is the last
 *   day (applied only when asked: `rollOverHolidays`).
 * Days are days of the office's wall calendar (`timeZone`), whatever the instant's UTC date.
 */
import type { PrcCalendar } from '../calendar/calendar.js';
import { addDays, isWeekend, yearOf, type LocalDate } from '../dates/local-date.js';
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
   * Years the calendar does not cover whose days were assumed ordinary (Mon–Fri working, no
   * holiday) because `uncovered: 'assume'` was asked. Absent when nothing was assumed.
   */
  assumedYears?: number[];
}

/**
 * What to do when a day to look at is in a year the calendar does not cover: 'throw'
 * (CalendarNotCoveredError, the default: never guess) or 'assume' an ordinary week there and
 * report it in `assumedYears` (for provisional figures only).
 */
export type UncoveredYearMode = 'throw' | 'assume';

/** Wraps the calendar so that uncovered years either throw or are assumed ordinary. */
function calendarView(calendar: PrcCalendar, mode: UncoveredYearMode | undefined) {
  const assumed = new Set<number>();
  const covered = (d: LocalDate): boolean => {
    if (mode !== 'assume') return true; // let the calendar throw
    const y = yearOf(d);
    if (calendar.covers(y)) return true;
    assumed.add(y);
    return false;
  };
  return {
    isHoliday: (d: LocalDate) => (covered(d) ? calendar.isHoliday(d) : false),
    isWorkingDay: (d: LocalDate) => (covered(d) ? calendar.isWorkingDay(d) : !isWeekend(d)),
    assumedYears: (): number[] | undefined => (assumed.size ? [...assumed].sort((a, b) => a - b) : undefined),
  };
}

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
 * A period of `days` calendar days (日) from `trigger`. With roll-over, throws
 * CalendarNotCoveredError when the last day (or a day of the break it falls in) is in a year the
 * calendar does not cover; without roll-over the calendar is not consulted.
 */
export function calendarDaysPeriod(trigger: Date, days: number, opts: CalendarDaysOptions): PeriodResult {
  assertDays(days);
  const originalLastDay = addDays(toLocalDate(trigger, opts.timeZone), days);
  let lastDay = originalLastDay;
  const cal = calendarView(opts.calendar, opts.uncovered);
  if (opts.rollOverHolidays) {
    const skip = opts.rollOverWeekends ? (d: LocalDate) => !cal.isWorkingDay(d) : (d: LocalDate) => cal.isHoliday(d);
    while (skip(lastDay)) lastDay = addDays(lastDay, 1);
  }
  return withAssumed(
    { lastDay, dueAt: endOfLocalDay(lastDay, opts.timeZone), rolledOver: lastDay !== originalLastDay, originalLastDay },
    cal.assumedYears(),
  );
}

/**
 * A period of `days` working days (工作日) from `trigger`: the trigger day is not counted, then
 * each Monday–Friday that is not a holiday, and each make-up working weekend day, counts one.
 * Throws CalendarNotCoveredError when a day it has to look at is in a year the calendar does not
 * cover: it never guesses.
 */
export function workingDaysPeriod(
  trigger: Date,
  days: number,
  opts: { timeZone: string; calendar: PrcCalendar; uncovered?: UncoveredYearMode },
): PeriodResult {
  assertDays(days);
  const cal = calendarView(opts.calendar, opts.uncovered);
  let d = toLocalDate(trigger, opts.timeZone);
  for (let counted = 0; counted < days; ) {
    d = addDays(d, 1);
    if (cal.isWorkingDay(d)) counted++;
  }
  return withAssumed(
    { lastDay: d, dueAt: endOfLocalDay(d, opts.timeZone), rolledOver: false, originalLastDay: d },
    cal.assumedYears(),
  );
}

function withAssumed(r: PeriodResult, assumedYears: number[] | undefined): PeriodResult {
  return assumedYears ? { ...r, assumedYears } : r;
}
