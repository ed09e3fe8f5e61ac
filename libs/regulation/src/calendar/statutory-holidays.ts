/**
 * The statutory holidays of 国务院《全国年节及纪念日放假办法》 and the check of a holiday-calendar
 * file against them and against the shape of the bundled data (the administrator's
 * `calendar check`). Pure: the file's parsed JSON in, the problems out, in Chinese, each naming
 * the date or the year.
 */
import { addDays, isLocalDate, isWeekend, type LocalDate } from '../dates/local-date.js';
import type { CalendarData } from './calendar.js';
import { LUNAR_HOLIDAY_DATES } from './lunar-holidays.data.js';

export interface StatutoryHoliday {
  date: LocalDate;
  /** e.g. 国庆节 */
  name: string;
}

/** The holidays of one year as the law fixes them, or what could not be fixed (no lunar data). */
export interface StatutoryYear {
  year: number;
  /** How many days the law gives in the year (11 until 2024, 13 from 2025). */
  days: number;
  /** The days the law fixes and this library can date (all of them when `lunarKnown`). */
  holidays: StatutoryHoliday[];
  /** False when the year is outside LUNAR_HOLIDAY_DATES: only the solar-dated holidays are listed. */
  lunarKnown: boolean;
}

/** The first year whose rules are known here (the 2007 amendment, in force from 2008). */
export const FIRST_STATUTORY_YEAR = 2008;

/**
 * The statutory holidays (全体公民放假的节日) of `year`:
 * - 2008–2013 (2007 amendment): 元旦 1 day, 春节 3 (除夕、正月初一、初二), 清明 1, 劳动节 1 (5月1日),
 *   端午 1, 中秋 1, 国庆 3 (10月1日至3日) — 11 days;
 * - 2014–2024 (2013 amendment): the same but 春节 正月初一至初三;
 * - from 2025 (2024 amendment): 春节 4 (除夕、正月初一至初三), 劳动节 2 (5月1日、2日) — 13 days.
 * Returns null before 2008.
 */
export function statutoryHolidays(year: number): StatutoryYear | null {
  if (!Number.isInteger(year) || year < FIRST_STATUTORY_YEAR) return null;
  const y = String(year);
  const since2025 = year >= 2025;
  const solar: StatutoryHoliday[] = [
    { date: `${y}-01-01`, name: '元旦' },
    { date: `${y}-05-01`, name: '劳动节' },
    ...(since2025 ? [{ date: `${y}-05-02`, name: '劳动节' }] : []),
    { date: `${y}-10-01`, name: '国庆节' },
    { date: `${y}-10-02`, name: '国庆节' },
    { date: `${y}-10-03`, name: '国庆节' },
  ];
  const days = since2025 ? 13 : 11;
  const lunar = LUNAR_HOLIDAY_DATES[year];
  if (!lunar) return { year, days, holidays: solar, lunarKnown: false };
  const ny = lunar.springFestival;
  const spring: StatutoryHoliday[] =
    year < 2014
      ? [
          { date: addDays(ny, -1), name: '春节（除夕）' },
          { date: ny, name: '春节（正月初一）' },
          { date: addDays(ny, 1), name: '春节（正月初二）' },
        ]
      : [
          ...(since2025 ? [{ date: addDays(ny, -1), name: '春节（除夕）' }] : []),
          { date: ny, name: '春节（正月初一）' },
          { date: addDays(ny, 1), name: '春节（正月初二）' },
          { date: addDays(ny, 2), name: '春节（正月初三）' },
        ];
  const holidays = [...solar, ...spring, { date: lunar.qingming, name: '清明节' }, { date: lunar.dragonBoat, name: '端午节（五月初五）' }, { date: lunar.midAutumn, name: '中秋节（八月十五）' }].sort(
    (a, b) => a.date.localeCompare(b.date),
  );
  return { year, days, holidays, lunarKnown: true };
}

/** One problem of a calendar file: `at` is the date (or the year, or the field) it is about. */
export interface CalendarProblem {
  at: string;
  message: string;
}

export interface CalendarCheck {
  /** Empty when the file is fit to load. */
  problems: CalendarProblem[];
  /** Said but not wrong: a year that replaces the bundled one, a year whose lunar holidays were not checked. */
  notes: string[];
  /** The years the file gives, ascending (those that could be read). */
  years: string[];
}

const KNOWN_YEAR_KEYS = new Set(['holidays', 'workdays', 'notice']);
const KNOWN_TOP_KEYS = new Set(['years', 'source']);

/**
 * Checks parsed calendar JSON the way `calendar check` reports it: the shape of the bundled data
 * (`{years: {"2025": {holidays, workdays, notice?}}}`, every date real and under its own year,
 * make-up working days on a Saturday or Sunday, no date both, no date twice) and the law: every
 * statutory holiday of each year is a holiday of the file, and the year gives at least as many
 * weekday holidays, net of its make-up working days, as the law's days (a holiday on a weekend is
 * made up on a working day). `bundled` only adds notes (a year the file replaces).
 */
export function checkCalendarData(data: unknown, bundled?: CalendarData): CalendarCheck {
  const problems: CalendarProblem[] = [];
  const notes: string[] = [];
  const problem = (at: string, message: string) => problems.push({ at, message });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problem('文件', '内容必须是一个对象：{"years": {"2025": {"holidays": [...], "workdays": [...]}}}');
    return { problems, notes, years: [] };
  }
  for (const key of Object.keys(data)) if (!KNOWN_TOP_KEYS.has(key)) problem(key, `未知字段「${key}」（只能有 years 和 source）`);
  const source = (data as { source?: unknown }).source;
  if (source !== undefined && typeof source !== 'string') problem('source', 'source 必须是文字');
  const years = (data as { years?: unknown }).years;
  if (typeof years !== 'object' || years === null || Array.isArray(years)) {
    problem('years', '缺少 years，或 years 不是以年份为键的对象');
    return { problems, notes, years: [] };
  }
  const keys = Object.keys(years).sort();
  if (!keys.length) problem('years', 'years 中没有任何年份');
  const good: string[] = [];
  for (const key of keys) {
    if (!/^\d{4}$/.test(key)) {
      problem(key, `年份「${key}」必须是四位数字`);
      continue;
    }
    good.push(key);
    const entry = (years as Record<string, unknown>)[key];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problem(`${key} 年`, '必须是含 holidays 和 workdays 两个日期列表的对象');
      continue;
    }
    for (const k of Object.keys(entry)) if (!KNOWN_YEAR_KEYS.has(k)) problem(`${key} 年`, `未知字段「${k}」（只能有 holidays、workdays 和 notice）`);
    const notice = (entry as { notice?: unknown }).notice;
    if (notice !== undefined && typeof notice !== 'string') problem(`${key} 年`, 'notice 必须是文字');
    const lists: Record<'holidays' | 'workdays', Set<string>> = { holidays: new Set(), workdays: new Set() };
    let complete = true;
    for (const list of ['holidays', 'workdays'] as const) {
      const label = list === 'holidays' ? '放假日期（holidays）' : '调休上班日期（workdays）';
      const dates = (entry as Record<string, unknown>)[list];
      if (!Array.isArray(dates)) {
        problem(`${key} 年`, `${label}必须是 YYYY-MM-DD 日期的列表`);
        complete = false;
        continue;
      }
      for (const d of dates) {
        if (!isLocalDate(d)) {
          problem(typeof d === 'string' ? d : JSON.stringify(d), `${label}中的「${String(d)}」不是有效日期（应为真实存在的日期，写作 YYYY-MM-DD）`);
          continue;
        }
        if (d.slice(0, 4) !== key) problem(d, `列在 ${key} 年下，但不在 ${key} 年（每个日期列在其所在的年份下）`);
        if (lists[list].has(d)) problem(d, `在${label}中重复出现`);
        lists[list].add(d);
        if (list === 'workdays' && !isWeekend(d)) problem(d, '是周一至周五，调休上班日只能是星期六或星期日');
      }
    }
    for (const d of lists.holidays) if (lists.workdays.has(d)) problem(d, '既是放假日又是调休上班日');
    if (!complete) continue;

    const law = statutoryHolidays(Number(key));
    if (!law) {
      notes.push(`${key} 年：早于 ${FIRST_STATUTORY_YEAR} 年，未按《全国年节及纪念日放假办法》核对`);
      continue;
    }
    for (const h of law.holidays) {
      if (lists.workdays.has(h.date)) continue; // already said: a statutory day cannot be a make-up working day
      if (!lists.holidays.has(h.date)) problem(h.date, `${h.name}是法定节假日（《全国年节及纪念日放假办法》），但不在 ${key} 年的放假日期中`);
    }
    for (const h of law.holidays) if (lists.workdays.has(h.date)) problem(h.date, `${h.name}是法定节假日，不能是调休上班日`);
    // A statutory day on a weekend is made up on a working day: the weekdays off, net of the
    // weekend days worked, are at least the law's days.
    const weekdaysOff = [...lists.holidays].filter((d) => d.slice(0, 4) === key && !isWeekend(d)).length;
    const worked = [...lists.workdays].filter((d) => d.slice(0, 4) === key).length;
    if (weekdaysOff - worked < law.days) {
      // Two holidays on one day (中秋节 on 10月1日, as in 2020 and 2031) are still two days off.
      const same = law.holidays.filter((h, i) => law.holidays.findIndex((o) => o.date === h.date) !== i);
      const coincide = same.map((h) => `${h.date} ${law.holidays.find((o) => o.date === h.date)!.name}与${h.name}同日`).join('，');
      problem(
        `${key} 年`,
        `工作日放假 ${weekdaysOff} 天、调休上班 ${worked} 天，净放假 ${weekdaysOff - worked} 天，少于法定节假日的 ${law.days} 天（节日逢周末${coincide ? `或两节同日（${coincide}）` : ''}应在工作日补假）`,
      );
    }
    if (!law.lunarKnown) notes.push(`${key} 年：没有该年的农历数据，只核对了元旦、劳动节、国庆节的日期和全年天数，未核对春节、清明节、端午节、中秋节的日期`);
    const theirs = bundled?.years[key];
    if (theirs) {
      const same = (a: string[], b: Set<string>) => a.length === b.size && a.every((d) => b.has(d));
      if (!same(theirs.holidays, lists.holidays) || !same(theirs.workdays, lists.workdays)) notes.push(`${key} 年：与内置日历不同，加载后以本文件为准（整年替换）`);
    }
  }
  problems.sort((a, b) => a.at.localeCompare(b.at));
  return { problems, notes, years: good };
}
