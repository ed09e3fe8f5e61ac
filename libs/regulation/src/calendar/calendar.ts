/**
 * The PRC working calendar: statutory holiday breaks and make-up working weekends (调休),
 * kept as data so that a new State Council notice can be loaded without a release.
 */
import { isLocalDate, isWeekend, yearOf, type LocalDate } from '../dates/local-date.js';
import { PRC_CALENDAR_DATA } from './prc-calendar.data.js';
import { statusWithoutNotice, type DayStatus } from './uncovered-days.js';

export interface CalendarYear {
  /** Every day off of each announced break, including the weekend days joined to it. */
  holidays: LocalDate[];
  /** Make-up working days (调休上班): Saturdays or Sundays that are working days. */
  workdays: LocalDate[];
  /** The notice(s) the year was taken from (free text, optional). */
  notice?: string;
}

export interface CalendarData {
  /** Keyed by year ('2024'); a year present here is "covered". Dates sit under the year they fall in. */
  years: Record<string, CalendarYear>;
  /** Where the data comes from (free text, optional). */
  source?: string;
}

/**
 * Thrown when a computation needs a day of a year the calendar data does not have and the law
 * alone cannot decide it. `year` is the year of the first such day; `unknownDates` (ascending)
 * are the days whose status only the missing notice can give and that could change the answer
 * (empty when the calendar was asked directly about a day of an uncovered year).
 */
export class CalendarNotCoveredError extends Error {
  public readonly unknownDates: readonly LocalDate[];

  constructor(
    public readonly year: number,
    unknownDates: readonly LocalDate[] = [],
  ) {
    const dates = [...new Set(unknownDates)].sort();
    super(
      `the PRC holiday calendar has no data for ${year}: load the State Council's notice for ${year} ` +
        `(CALENDAR_FILE) before computing working days or holiday roll-overs in that year` +
        (dates.length ? ` (undecided without the notice: ${dates.length === 1 ? dates[0] : `${dates.length} days, ${dates[0]} to ${dates[dates.length - 1]}`})` : ''),
    );
    this.name = 'CalendarNotCoveredError';
    this.unknownDates = dates;
  }
}

/** Thrown by validateCalendarData / parseCalendarText with every problem found. */
export class CalendarDataError extends Error {
  constructor(
    message: string,
    public readonly problems: string[],
  ) {
    super(message);
    this.name = 'CalendarDataError';
  }
}

/**
 * Checks the shape and consistency of calendar data; throws CalendarDataError listing every
 * problem (`where` prefixes the message, e.g. the file path).
 */
export function validateCalendarData(data: unknown, where = 'calendar data'): CalendarData {
  const problems: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push('must be an object {"years": {"2024": {"holidays": [...], "workdays": [...]}}}');
  } else {
    const years = (data as { years?: unknown }).years;
    if (typeof years !== 'object' || years === null || Array.isArray(years)) {
      problems.push('"years" must be an object keyed by year, e.g. {"2024": {"holidays": [], "workdays": []}}');
    } else {
      const yearKeys = Object.keys(years);
      if (yearKeys.length === 0) problems.push('"years" is empty');
      for (const key of yearKeys) {
        const at = `years["${key}"]`;
        if (!/^\d{4}$/.test(key)) {
          problems.push(`${at}: the key must be a four-digit year`);
          continue;
        }
        const entry = (years as Record<string, unknown>)[key];
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
          problems.push(`${at} must be an object with "holidays" and "workdays" arrays`);
          continue;
        }
        const seen = new Map<string, string>();
        for (const list of ['holidays', 'workdays'] as const) {
          const dates = (entry as Record<string, unknown>)[list];
          if (!Array.isArray(dates)) {
            problems.push(`${at}.${list} must be an array of YYYY-MM-DD dates`);
            continue;
          }
          dates.forEach((d: unknown, i: number) => {
            const here = `${at}.${list}[${i}]`;
            if (!isLocalDate(d)) {
              problems.push(`${here}: ${JSON.stringify(d)} is not a calendar date written YYYY-MM-DD`);
              return;
            }
            if (d.slice(0, 4) !== key) problems.push(`${here}: ${d} is not in ${key} (list each date under its own year)`);
            if (list === 'workdays' && !isWeekend(d)) {
              problems.push(`${here}: ${d} is a weekday; make-up working days (调休上班) are Saturdays or Sundays`);
            }
            const other = seen.get(d);
            if (other === list) problems.push(`${here}: ${d} is listed twice`);
            else if (other) problems.push(`${here}: ${d} is both a holiday and a make-up working day`);
            seen.set(d, list);
          });
        }
        const notice = (entry as Record<string, unknown>).notice;
        if (notice !== undefined && typeof notice !== 'string') problems.push(`${at}.notice must be a string`);
      }
    }
  }
  if (problems.length > 0) {
    throw new CalendarDataError(`invalid ${where}: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; … (${problems.length} problems)` : ''}`, problems);
  }
  return data as CalendarData;
}

/**
 * Parses the text of a calendar JSON file of the CalendarData shape (for example the bundled data
 * plus a newly announced year) and validates it. `where` names the source in every message
 * (e.g. "calendar file /etc/petition/calendar.json"). Throws CalendarDataError. Pure: reading
 * the file is the caller's (libs/runtime loadCalendarFile).
 */
export function parseCalendarText(text: string, where: string): CalendarData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CalendarDataError(`${where} is not valid JSON: ${(e as Error).message}`, [(e as Error).message]);
  }
  return validateCalendarData(json, where);
}

function copyYear(e: CalendarYear): CalendarYear {
  return { holidays: [...e.holidays], workdays: [...e.workdays], ...(e.notice !== undefined ? { notice: e.notice } : {}) };
}

/**
 * Merges calendars: years in `update` replace the same years of `base` (whole years, never
 * single dates), other years are kept.
 */
export function mergeCalendarData(base: CalendarData, update: CalendarData): CalendarData {
  return { source: update.source ?? base.source, years: { ...base.years, ...update.years } };
}

export class PrcCalendar {
  // Replaced together (never mutated in place) when a year's notice is applied: a computation
  // running meanwhile reads one calendar or the other, never a mix.
  private holidays = new Set<LocalDate>();
  private workdays = new Set<LocalDate>();
  private covered: ReadonlySet<number> = new Set();
  private current: CalendarData = { years: {} };
  private static bundled: PrcCalendar | undefined;

  /**
   * `sealed`: the calendar cannot be changed after construction (the bundled one that
   * PrcCalendar.default() shares; a service holds its own copy, see apply()).
   */
  constructor(
    data: CalendarData,
    private readonly sealed = false,
  ) {
    this.replace(validateCalendarData(data));
  }

  /** The calendar bundled with the library (2015–2026), shared and sealed. */
  static default(): PrcCalendar {
    PrcCalendar.bundled ??= new PrcCalendar(PRC_CALENDAR_DATA, true);
    return PrcCalendar.bundled;
  }

  /**
   * Applies later notices in place: each year of `update` replaces the same year (whole years,
   * as mergeCalendarData), the others stay. What a service does when the office loads a year's
   * notice: every holder of this instance computes with it from the next call on. Throws on the
   * sealed bundled calendar and on data that is not valid.
   */
  apply(update: CalendarData): void {
    if (this.sealed) throw new Error('the bundled calendar is shared and cannot be changed: hold a copy (new PrcCalendar(data))');
    this.replace(mergeCalendarData(this.current, validateCalendarData(update)));
  }

  /** The data this calendar answers from (a copy). */
  data(): CalendarData {
    return { ...(this.current.source !== undefined ? { source: this.current.source } : {}), years: Object.fromEntries(Object.entries(this.current.years).map(([y, e]) => [y, copyYear(e)])) };
  }

  /** One year's data (a copy), or undefined when the year is not covered. */
  yearData(year: number): CalendarYear | undefined {
    const e = this.current.years[String(year)];
    return e ? copyYear(e) : undefined;
  }

  private replace(data: CalendarData): void {
    const holidays = new Set<LocalDate>();
    const workdays = new Set<LocalDate>();
    const covered = new Set<number>();
    for (const [key, entry] of Object.entries(data.years)) {
      covered.add(Number(key));
      for (const d of entry.holidays) holidays.add(d);
      for (const d of entry.workdays) workdays.add(d);
    }
    this.holidays = holidays;
    this.workdays = workdays;
    this.covered = covered;
    this.current = { ...(data.source !== undefined ? { source: data.source } : {}), years: Object.fromEntries(Object.entries(data.years).map(([y, e]) => [y, copyYear(e)])) };
  }

  covers(year: number): boolean {
    return this.covered.has(year);
  }

  /** The data in one string (covered years, days off, make-up days): equal exactly when two calendars answer alike. */
  fingerprint(): string {
    return JSON.stringify([this.years(), [...this.holidays].sort(), [...this.workdays].sort()]);
  }

  /** Covered years, ascending. */
  years(): number[] {
    return [...this.covered].sort((a, b) => a - b);
  }

  /**
   * A day off of a statutory holiday break (法定节假日), including the weekend days joined to the
   * break. Throws CalendarNotCoveredError when the year is not covered.
   */
  isHoliday(d: LocalDate): boolean {
    this.requireCovered(d);
    return this.holidays.has(d);
  }

  /** A make-up working Saturday/Sunday (调休上班). Throws when the year is not covered. */
  isMakeUpWorkday(d: LocalDate): boolean {
    this.requireCovered(d);
    return this.workdays.has(d);
  }

  /**
   * Monday–Friday that is not a holiday, or a make-up working weekend day. Throws
   * CalendarNotCoveredError when the year is not covered (it never guesses).
   */
  isWorkingDay(d: LocalDate): boolean {
    this.requireCovered(d);
    if (this.workdays.has(d)) return true;
    if (this.holidays.has(d)) return false;
    return !isWeekend(d);
  }

  /**
   * What `d` is, never throwing: in a covered year 'holiday' (a day off of a break), 'working'
   * (isWorkingDay) or 'rest' (an ordinary weekend day); in a year without its notice, what the
   * law alone makes certain, else 'unknown' (statusWithoutNotice in uncovered-days.ts).
   */
  dayStatus(d: LocalDate): DayStatus {
    if (!this.covered.has(yearOf(d))) return statusWithoutNotice(d);
    if (this.workdays.has(d)) return 'working';
    if (this.holidays.has(d)) return 'holiday';
    return isWeekend(d) ? 'rest' : 'working';
  }

  private requireCovered(d: LocalDate): void {
    const year = yearOf(d);
    if (!this.covered.has(year)) throw new CalendarNotCoveredError(year);
  }
}

// One year's notice as the office uploads it (re-exported here, so '#libs/regulation' has it).
export { checkYearNotice, daysChangedBy, noticeAsCalendarData, sameDays, yearNoticeOf, type YearNotice, type YearNoticeCheck } from './notice.js';
