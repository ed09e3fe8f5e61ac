/**
 * The rule for a year without its State Council notice (uncovered-days.ts), derived from and
 * proved on the bundled notices 2015–2026: pretend each year's notice is missing, and every day
 * the rule calls certain must be what the real notice made it.
 */
import { addDays, daysBetween, yearOf, type LocalDate } from '../dates/local-date.js';
import { PrcCalendar, type CalendarData } from './calendar.js';
import { PRC_CALENDAR_DATA } from './prc-calendar.data.js';
import { statutoryHolidays } from './statutory-holidays.js';
import { describeDates, describeYears, NOTICE_RADIUS_DAYS, NOTICE_REACH_DAYS, statusWithoutNotice, type DayStatus } from './uncovered-days.js';

const real = PrcCalendar.default();
const BUNDLED_YEARS = real.years();

/**
 * 国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知 (2015): a one-off
 * decision, not a notice under 《全国年节及纪念日放假办法》; no rule about statutory holidays can
 * foresee it.
 */
const ANNIVERSARY_2015 = ['2015-09-03', '2015-09-04', '2015-09-05', '2015-09-06'];

function* daysOfYear(year: number): Generator<LocalDate> {
  for (let d = `${year}-01-01`; yearOf(d) === year; d = addDays(d, 1)) yield d;
}

/** The statutory holiday dates of the year before, the year and the year after. */
function lawAround(year: number): LocalDate[] {
  return [year - 1, year, year + 1].flatMap((y) => statutoryHolidays(y)!.holidays.map((h) => h.date));
}

const distanceToLaw = (d: LocalDate): number => Math.min(...lawAround(yearOf(d)).map((h) => Math.abs(daysBetween(d, h))));

/** The bundled data without `year`: the calendar as it would be had that notice never been loaded. */
function without(year: number): PrcCalendar {
  const years = { ...PRC_CALENDAR_DATA.years };
  delete years[String(year)];
  return new PrcCalendar({ ...PRC_CALENDAR_DATA, years } as CalendarData);
}

/** Days of `year` the rule (pretending the year's notice missing) calls certain but the real notice set otherwise. */
function disagreements(year: number, status: (d: LocalDate) => DayStatus): string[] {
  const out: string[] = [];
  for (const d of daysOfYear(year)) {
    const rule = status(d);
    if (rule !== 'unknown' && rule !== real.dayStatus(d)) out.push(`${d} rule:${rule} notice:${real.dayStatus(d)}`);
  }
  return out;
}

describe('how far a notice reaches from the statutory holidays (derived from the bundled notices)', () => {
  const noticeDays = BUNDLED_YEARS.flatMap((y) => [...PRC_CALENDAR_DATA.years[String(y)].holidays, ...PRC_CALENDAR_DATA.years[String(y)].workdays]);

  it(`no rest day or make-up working day of 2015–2026 lies farther than ${NOTICE_REACH_DAYS} days from a statutory holiday (2024-05-11), the 2015 anniversary aside`, () => {
    expect(BUNDLED_YEARS).toEqual([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    const regular = noticeDays.filter((d) => !ANNIVERSARY_2015.includes(d));
    const reach = Math.max(...regular.map(distanceToLaw));
    expect(reach).toBe(NOTICE_REACH_DAYS);
    expect(regular.filter((d) => distanceToLaw(d) === reach)).toEqual(['2024-05-11']); // 上班: ten days after 劳动节 2024-05-01
    expect(NOTICE_RADIUS_DAYS).toBeGreaterThanOrEqual(reach);
  });

  it('the anniversary decision lies beyond any radius the notices justify: it is the exception, named', () => {
    expect(ANNIVERSARY_2015.map(distanceToLaw)).toEqual([24, 23, 22, 21]); // to 中秋节 2015-09-27
    expect(ANNIVERSARY_2015.every((d) => noticeDays.includes(d))).toBe(true);
  });
});

describe('the rule proved on every bundled year, its notice pretended missing', () => {
  it.each(BUNDLED_YEARS.map((y) => [y]))('%i: every day called certain is what the notice made it', (year) => {
    const pretended = without(year);
    expect(pretended.covers(year)).toBe(false);
    const wrong = disagreements(year, (d) => pretended.dayStatus(d));
    // Only the one-off decision of 2015 (three days off, Sunday 09-06 worked) escapes the rule.
    expect(wrong).toEqual(
      year === 2015 ? ['2015-09-03 rule:working notice:holiday', '2015-09-04 rule:working notice:holiday', '2015-09-05 rule:rest notice:holiday', '2015-09-06 rule:rest notice:working'] : [],
    );
  });

  it(`the reach is tight: a radius of ${NOTICE_REACH_DAYS - 1} days would have called 2024-05-11 an ordinary Saturday`, () => {
    const all = BUNDLED_YEARS.flatMap((y) => disagreements(y, (d) => statusWithoutNotice(d, NOTICE_REACH_DAYS - 1)));
    expect(all.filter((w) => !ANNIVERSARY_2015.some((d) => w.startsWith(d)))).toEqual(['2024-05-11 rule:rest notice:working']);
  });

  it('every statutory holiday is a day off of its notice, and the rule says so', () => {
    for (const year of BUNDLED_YEARS) {
      for (const h of statutoryHolidays(year)!.holidays) {
        expect({ d: h.date, notice: real.dayStatus(h.date), rule: statusWithoutNotice(h.date) }).toEqual({ d: h.date, notice: 'holiday', rule: 'holiday' });
      }
    }
  });
});

describe('a year without its notice: 2027', () => {
  const cal = real;

  it('is not covered; its statutory holidays are (lunar dates cross-checked against chinese-days in statutory-holidays.spec.ts)', () => {
    expect(cal.covers(2027)).toBe(false);
    expect(statutoryHolidays(2027)!.holidays.map((h) => `${h.date} ${h.name}`)).toEqual([
      '2027-01-01 元旦',
      '2027-02-05 春节（除夕）',
      '2027-02-06 春节（正月初一）',
      '2027-02-07 春节（正月初二）',
      '2027-02-08 春节（正月初三）',
      '2027-04-05 清明节',
      '2027-05-01 劳动节',
      '2027-05-02 劳动节',
      '2027-06-09 端午节（五月初五）',
      '2027-09-15 中秋节（八月十五）',
      '2027-10-01 国庆节',
      '2027-10-02 国庆节',
      '2027-10-03 国庆节',
    ]);
  });

  it(`undecided: the days within ${NOTICE_RADIUS_DAYS} days of a statutory holiday (of 2027, or 元旦 2028) that are not one`, () => {
    const unknown = [...daysOfYear(2027)].filter((d) => cal.dayStatus(d) === 'unknown');
    expect(describeDates(unknown)).toBe(
      [
        '2027-01-02 至 2027-01-15',
        '2027-01-22 至 2027-02-04',
        '2027-02-09 至 2027-02-22',
        '2027-03-22 至 2027-04-04',
        '2027-04-06 至 2027-04-30',
        '2027-05-03 至 2027-05-16',
        '2027-05-26 至 2027-06-08',
        '2027-06-10 至 2027-06-23',
        '2027-09-01 至 2027-09-14',
        '2027-09-16 至 2027-09-30',
        '2027-10-04 至 2027-10-17',
        '2027-12-18 至 2027-12-31',
      ].join('、'),
    );
  });

  it('certain: the statutory holidays off, and the rest an ordinary week', () => {
    expect(['2027-01-01', '2027-02-05', '2027-02-08', '2027-05-02', '2027-10-03'].map((d) => cal.dayStatus(d))).toEqual(['holiday', 'holiday', 'holiday', 'holiday', 'holiday']);
    // Tue 2027-01-19, Wed 2027-03-10, Sat 2027-03-13, Sun 2027-07-04, Fri 2027-12-17
    expect(['2027-01-19', '2027-03-10', '2027-03-13', '2027-07-04', '2027-12-17'].map((d) => cal.dayStatus(d))).toEqual(['working', 'working', 'rest', 'rest', 'working']);
    // The calendar itself still refuses to answer yes or no about 2027.
    expect(() => cal.isWorkingDay('2027-03-10')).toThrow();
  });

  it('in a covered year dayStatus is the notice: holiday, make-up working day, ordinary weekend', () => {
    expect(['2024-05-01', '2024-05-04', '2024-05-11', '2024-05-12', '2024-05-13'].map((d) => cal.dayStatus(d))).toEqual(['holiday', 'holiday', 'working', 'rest', 'working']);
  });
});

describe('years whose holidays cannot all be dated', () => {
  it('past the lunar table (2051) only the solar-dated statutory holidays are certain; before 2008 nothing', () => {
    expect(['2051-01-01', '2051-05-02', '2051-10-03'].map((d) => statusWithoutNotice(d))).toEqual(['holiday', 'holiday', 'holiday']);
    expect(['2051-03-15', '2051-07-15', '2050-12-31'].map((d) => statusWithoutNotice(d))).toEqual(['unknown', 'unknown', 'unknown']);
    expect(['2007-01-01', '2007-03-15'].map((d) => statusWithoutNotice(d))).toEqual(['unknown', 'unknown']);
  });
});

describe('dates for the reader', () => {
  it('joins consecutive days with 至 and the rest with 、, sorted, without repeats', () => {
    expect(describeDates(['2027-02-10', '2027-02-09', '2027-02-11', '2027-01-02', '2027-02-11', '2027-03-01'])).toBe('2027-01-02、2027-02-09 至 2027-02-11、2027-03-01');
    expect(describeDates(['2027-12-31', '2028-01-01'])).toBe('2027-12-31 至 2028-01-01');
    expect(describeDates([])).toBe('');
    expect(describeYears(['2028-01-02', '2027-12-31', '2028-01-03'])).toBe('2027、2028');
  });
});
