/**
 * One year's State Council holiday notice (国务院办公厅关于部分节假日安排的通知) as the office
 * uploads it: read, checked against the law and the shape of the calendar data
 * (checkCalendarData), and compared with what a calendar answered before it. Pure.
 */
import { addDays, isWeekend, yearOf, type LocalDate } from '../dates/local-date.js';
import type { CalendarData, CalendarYear, PrcCalendar } from './calendar.js';
import { checkCalendarData, statutoryHolidays, type CalendarProblem } from './statutory-holidays.js';

/** One year of the calendar data, with its year: what an upload carries and the event spreads. */
export interface YearNotice {
  year: number;
  holidays: LocalDate[];
  workdays: LocalDate[];
  notice?: string;
}

export interface YearNoticeCheck {
  /** The notice, when it is fit to load (no problems). */
  notice: YearNotice | null;
  /** Each problem naming its date, year or field, in Chinese; empty when fit to load. */
  problems: CalendarProblem[];
  /** Said but not wrong (a year beyond the lunar table: only its solar holidays were checked). */
  notes: string[];
}

/** The most dates a year's notice can list (a year has at most about 40 days off and 10 make-up days). */
const MAX_HOLIDAYS = 80;
const MAX_WORKDAYS = 20;
const MAX_NOTICE_CHARS = 500;
const YEAR_KEYS = new Set(['year', 'holidays', 'workdays', 'notice']);

/**
 * Reads an upload of one year's notice, in either of two shapes:
 * - `{"year": 2027, "holidays": [...], "workdays": [...], "notice": "…"}`;
 * - the calendar file's own shape with exactly one year: `{"years": {"2027": {"holidays": [...], "workdays": [...], "notice": "…"}}}`
 *   (what `npm run admin -- calendar export` writes, cut to one year).
 * Then checks it as `calendar check` checks a file (every statutory holiday of the year inside a
 * break, make-up working days on weekends, no date both or twice, at least the law's days) and a
 * little more: a year the law's holidays can be dated for (2008 on), and bounded lists.
 */
export function checkYearNotice(body: unknown): YearNoticeCheck {
  const problems: CalendarProblem[] = [];
  const fail = (at: string, message: string): YearNoticeCheck => ({ notice: null, problems: [...problems, { at, message }], notes: [] });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('body', '内容必须是一个对象：{"year": 2027, "holidays": [...], "workdays": [...], "notice": "…"}');
  let key: string;
  let entry: unknown;
  if ('years' in body) {
    const years = (body as { years?: unknown }).years;
    if (typeof years !== 'object' || years === null || Array.isArray(years)) return fail('years', 'years 必须是以年份为键的对象');
    const keys = Object.keys(years);
    if (keys.length !== 1)
      return fail('years', `一次只能上传一个年度的节假日安排，文件中有 ${keys.length} 个年度${keys.length ? `（${keys.slice(0, 5).join('、')}${keys.length > 5 ? '…' : ''}）` : ''}`);
    for (const k of Object.keys(body)) if (k !== 'years' && k !== 'source') problems.push({ at: k, message: `未知字段「${k}」（只能有 years 和 source）` });
    key = keys[0];
    entry = (years as Record<string, unknown>)[key];
  } else {
    const year = (body as { year?: unknown }).year;
    if (year === undefined) return fail('year', '缺少年份（year），例如 "year": 2027');
    if (!(typeof year === 'number' && Number.isInteger(year)) && !(typeof year === 'string' && /^\d{4}$/.test(year))) return fail('year', `年份「${String(year)}」必须是四位数字，例如 2027`);
    for (const k of Object.keys(body)) if (!YEAR_KEYS.has(k)) problems.push({ at: k, message: `未知字段「${k}」（只能有 year、holidays、workdays 和 notice）` });
    key = String(year);
    const { year: _year, ...rest } = body as Record<string, unknown>;
    entry = rest;
  }
  if (!/^\d{4}$/.test(key)) return fail('year', `年份「${key}」必须是四位数字，例如 2027`);
  const law = statutoryHolidays(Number(key));
  if (!law) return fail(`${key} 年`, `早于 2008 年，无法按《全国年节及纪念日放假办法》核对，不能上传`);
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const e = { ...(entry as Record<string, unknown>) };
    entry = e;
    if (Array.isArray(e.holidays) && e.holidays.length > MAX_HOLIDAYS) problems.push({ at: 'holidays', message: `放假日期（holidays）最多 ${MAX_HOLIDAYS} 个，收到 ${e.holidays.length} 个` });
    if (Array.isArray(e.workdays) && e.workdays.length > MAX_WORKDAYS) problems.push({ at: 'workdays', message: `调休上班日期（workdays）最多 ${MAX_WORKDAYS} 个，收到 ${e.workdays.length} 个` });
    if (typeof e.notice === 'string' && e.notice.length > MAX_NOTICE_CHARS) problems.push({ at: 'notice', message: `通知名称（notice）最多 ${MAX_NOTICE_CHARS} 个字，收到 ${e.notice.length} 个` });
    if (e.notice === null) delete e.notice;
  }
  const checked = checkCalendarData({ years: { [key]: entry } });
  problems.push(...checked.problems);
  if (problems.length) return { notice: null, problems, notes: checked.notes };
  const e = entry as CalendarYear;
  const notice: YearNotice = { year: Number(key), holidays: [...e.holidays].sort(), workdays: [...e.workdays].sort(), ...(e.notice ? { notice: e.notice.trim() } : {}) };
  return { notice, problems: [], notes: checked.notes };
}

/** The notice as calendar data (to apply to a PrcCalendar). */
export function noticeAsCalendarData(n: YearNotice): CalendarData {
  return { years: { [String(n.year)]: { holidays: [...n.holidays], workdays: [...n.workdays], ...(n.notice ? { notice: n.notice } : {}) } } };
}

/** The year of `cal` as a notice, or null when the year is not covered. */
export function yearNoticeOf(cal: PrcCalendar, year: number): YearNotice | null {
  const e = cal.yearData(year);
  return e ? { year, holidays: [...e.holidays].sort(), workdays: [...e.workdays].sort(), ...(e.notice ? { notice: e.notice } : {}) } : null;
}

/** Whether two notices set the same days (the notice text aside). */
export function sameDays(a: Pick<YearNotice, 'holidays' | 'workdays'> | null | undefined, b: Pick<YearNotice, 'holidays' | 'workdays'> | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  const eq = (x: string[], y: string[]) => x.length === y.length && [...x].sort().every((d, i) => d === [...y].sort()[i]);
  return eq(a.holidays, b.holidays) && eq(a.workdays, b.workdays);
}

/**
 * The days of the notice's year whose answer the notice changes in `before` (the calendar as it
 * was): in a year without a notice the days only the notice could settle ('unknown') and the
 * days the law alone had called certain and the notice makes otherwise (a one-off decision such
 * as 2015-09-03); in a covered year, the days that differ. Ascending.
 */
export function daysChangedBy(before: PrcCalendar, n: YearNotice): LocalDate[] {
  const holidays = new Set(n.holidays);
  const workdays = new Set(n.workdays);
  const out: LocalDate[] = [];
  for (let d = `${n.year}-01-01`; yearOf(d) === n.year; d = addDays(d, 1)) {
    const after = workdays.has(d) ? 'working' : holidays.has(d) ? 'holiday' : isWeekend(d) ? 'rest' : 'working';
    if (before.dayStatus(d) !== after) out.push(d);
  }
  return out;
}
