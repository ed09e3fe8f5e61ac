/**
 * Periods in a year without its notice, proved on the bundled years: with each year's notice
 * pretended missing, every period computed from the law alone (a holiday roll-over, a
 * working-day count) equals the one the real notice gives; the others are refused, naming the
 * days only the notice could settle. The 2015 anniversary decision (a one-off, not a notice, see
 * calendar/uncovered-days.ts) is taken out of the truth for 2015.
 */
import { CalendarNotCoveredError, PrcCalendar, type CalendarData } from '../calendar/calendar.js';
import { PRC_CALENDAR_DATA } from '../calendar/prc-calendar.data.js';
import { addDays, yearOf, type LocalDate } from '../dates/local-date.js';
import { calendarDaysPeriod, workingDaysPeriod, type PeriodResult } from './periods.js';

const timeZone = 'Asia/Shanghai';
const ANNIVERSARY_2015 = new Set(['2015-09-03', '2015-09-04', '2015-09-05', '2015-09-06']);
const YEARS = PrcCalendar.default().years();

function data(change: (years: CalendarData['years']) => void): PrcCalendar {
  const years = JSON.parse(JSON.stringify(PRC_CALENDAR_DATA.years)) as CalendarData['years'];
  change(years);
  return new PrcCalendar({ ...PRC_CALENDAR_DATA, years });
}

/** The regular notices: the bundled data without the anniversary decision of 2015. */
const truth = data((years) => {
  years['2015'].holidays = years['2015'].holidays.filter((d) => !ANNIVERSARY_2015.has(d));
  years['2015'].workdays = years['2015'].workdays.filter((d) => !ANNIVERSARY_2015.has(d));
});

type Compute = (trigger: Date, calendar: PrcCalendar) => PeriodResult;
const PERIODS: Array<[string, Compute]> = [
  ['30 days, holiday roll-over', (t, calendar) => calendarDaysPeriod(t, 30, { timeZone, calendar, rollOverHolidays: true })],
  ['30 days, holiday and weekend roll-over', (t, calendar) => calendarDaysPeriod(t, 30, { timeZone, calendar, rollOverHolidays: true, rollOverWeekends: true })],
  ['5 working days', (t, calendar) => workingDaysPeriod(t, 5, { timeZone, calendar })],
  ['20 working days', (t, calendar) => workingDaysPeriod(t, 20, { timeZone, calendar })],
];

describe.each(YEARS.map((y) => [y]))('%i with its notice pretended missing', (year) => {
  const pretended = data((years) => {
    delete years[String(year)];
  });

  it.each(PERIODS)('%s: every period computed agrees with the notice; every refusal names undecided days, some of them in the year', (_name, compute) => {
    const wrong: string[] = [];
    let computed = 0;
    let refused = 0;
    // Every trigger whose period can reach into the year.
    for (let d: LocalDate = addDays(`${year}-01-01`, -45); d <= `${year}-12-31`; d = addDays(d, 1)) {
      const trigger = new Date(`${d}T10:00:00+08:00`);
      let expected: PeriodResult;
      try {
        expected = compute(trigger, truth);
      } catch (e) {
        if (e instanceof CalendarNotCoveredError) continue; // reaches 2014 or 2027: no notice to compare with
        throw e;
      }
      let got: PeriodResult;
      try {
        got = compute(trigger, pretended);
      } catch (e) {
        if (!(e instanceof CalendarNotCoveredError)) throw e;
        refused++;
        if (e.year !== yearOf(e.unknownDates[0] ?? '0000-01-01') || !e.unknownDates.some((u) => yearOf(u) === year) || e.unknownDates.some((u) => pretended.dayStatus(u) !== 'unknown')) {
          wrong.push(`${d}: refused with ${e.year} ${e.unknownDates.join(',')}`);
        }
        continue;
      }
      computed++;
      if (got.lastDay !== expected.lastDay || got.rolledOver !== expected.rolledOver) wrong.push(`${d}: ${got.lastDay}, the notice gives ${expected.lastDay}`);
    }
    expect(wrong).toEqual([]);
    // Both happen: the rule decides many periods and refuses some.
    expect(computed).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(20);
  });
});
