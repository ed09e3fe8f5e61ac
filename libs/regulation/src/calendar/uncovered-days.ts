/**
 * The days of a year whose State Council holiday notice (国务院办公厅关于部分节假日安排的通知)
 * is not in the calendar data, classified by what the law alone makes certain.
 *
 * The statutory holidays (《全国年节及纪念日放假办法》, statutoryHolidays()) are off in every
 * year, notice or not. A notice only joins rest days to a break and moves working days onto
 * weekends (调休) near those holidays: in the bundled notices 2015–2026 no day was ever set
 * farther than NOTICE_REACH_DAYS from the nearest statutory holiday (2024-05-11, a make-up
 * Saturday ten days after 劳动节), the one exception being the one-off decision for the 70th
 * anniversary of the victory (2015-09-03 to 09-06), which no rule can foresee.
 * uncovered-days.spec.ts derives that reach from the data and proves the rule year by year.
 *
 * So, in a year without a notice, a day is
 * - 'holiday': a statutory holiday, off for certain;
 * - 'working' / 'rest': farther than NOTICE_RADIUS_DAYS from every statutory holiday: an
 *   ordinary Monday–Friday (working) or Saturday/Sunday (rest), for certain;
 * - 'unknown': in between; only the notice can say.
 */
import { addDays, daysBetween, isWeekend, yearOf, type LocalDate } from '../dates/local-date.js';
import { statutoryHolidays } from './statutory-holidays.js';

/** What a day is: a day off of a holiday break, a working day, an ordinary weekend rest day, or not known. */
export type DayStatus = 'holiday' | 'working' | 'rest' | 'unknown';

/**
 * The farthest any bundled notice (2015–2026) set a rest day or a make-up working day from the
 * nearest statutory holiday, in days (2024-05-11). Derived and checked in uncovered-days.spec.ts.
 */
export const NOTICE_REACH_DAYS = 10;

/**
 * Days from the nearest statutory holiday within which a day without a notice is 'unknown':
 * NOTICE_REACH_DAYS plus a margin of 4 days for a future notice reaching a little farther than
 * any so far (the Sunday after a make-up Saturday, or the same arrangement around a holiday
 * falling on another day of the week). The margin is cheap where it errs: a deadline withheld
 * waits only for the notice (published late in the year before), a day wrongly called certain
 * would be a wrong legal deadline. At 14 days, 180 of the 365 days of 2027 are undecided.
 */
export const NOTICE_RADIUS_DAYS = NOTICE_REACH_DAYS + 4;

const byYear = new Map<string, ReadonlyMap<LocalDate, DayStatus> | null>();

/** The statutory holiday dates of `year`, or null when they cannot all be dated (before 2008, past the lunar table). */
function statutoryDates(year: number): LocalDate[] | null {
  const law = statutoryHolidays(year);
  return law && law.lunarKnown ? law.holidays.map((h) => h.date) : null;
}

/** Every day of `year` classified, or null when the law's holidays of the year or its neighbours cannot be dated. */
function classifyYear(year: number, radius: number): ReadonlyMap<LocalDate, DayStatus> | null {
  const key = `${radius}:${year}`;
  if (byYear.has(key)) return byYear.get(key)!;
  const around = [year - 1, year, year + 1].map(statutoryDates);
  let result: Map<LocalDate, DayStatus> | null = null;
  if (around.every((dates) => dates !== null)) {
    const holidays = [...new Set(around.flat() as LocalDate[])].sort();
    const own = new Set(holidays);
    result = new Map();
    for (let d = `${year}-01-01`; yearOf(d) === year; d = addDays(d, 1)) {
      if (own.has(d)) {
        result.set(d, 'holiday');
        continue;
      }
      const distance = Math.min(...holidays.map((h) => Math.abs(daysBetween(d, h))));
      result.set(d, distance > radius ? (isWeekend(d) ? 'rest' : 'working') : 'unknown');
    }
  }
  byYear.set(key, result);
  return result;
}

/**
 * The status of `d` as the law alone fixes it, for a year whose notice is not loaded (see the
 * module comment). `radius` is for the spec only. Days of a year whose statutory holidays cannot
 * all be dated (before 2008, or past the lunar table) are 'unknown' unless they are a solar-dated
 * statutory holiday.
 */
export function statusWithoutNotice(d: LocalDate, radius: number = NOTICE_RADIUS_DAYS): DayStatus {
  const year = yearOf(d);
  const known = classifyYear(year, radius);
  if (known) return known.get(d)!;
  return statutoryHolidays(year)?.holidays.some((h) => h.date === d) ? 'holiday' : 'unknown';
}

/**
 * Dates written as ranges for a reader (zh-CN): consecutive days joined with 至, the rest with 、,
 * e.g. "2027-01-22 至 2027-02-04、2027-02-09". Sorts and drops repeats.
 */
export function describeDates(dates: readonly LocalDate[]): string {
  const sorted = [...new Set(dates)].sort();
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && addDays(sorted[j], 1) === sorted[j + 1]) j++;
    parts.push(i === j ? sorted[i] : `${sorted[i]} 至 ${sorted[j]}`);
    i = j + 1;
  }
  return parts.join('、');
}

/** The years of `dates`, ascending, joined for a reader: "2030、2031". */
export function describeYears(dates: readonly LocalDate[]): string {
  return [...new Set(dates.map(yearOf))].sort((a, b) => a - b).join('、');
}
