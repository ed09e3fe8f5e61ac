import { createRequire } from 'node:module';
import { addDays, dayOfWeek, isWeekend } from '../dates/local-date.js';
import { CalendarDataError, CalendarNotCoveredError, mergeCalendarData, parseCalendarText, PrcCalendar, validateCalendarData, type CalendarData } from './calendar.js';
import { PRC_CALENDAR_DATA } from './prc-calendar.data.js';

const cal = PrcCalendar.default();

function* daysOf(from: string, to: string): Generator<string> {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d;
}

/**
 * Written out by hand from the State Council notices, independently of prc-calendar.data.ts:
 * the Spring Festival break, the National Day break (merged with Mid-Autumn where the notice
 * merged them) and every make-up working weekend day (调休上班) of the year.
 */
const NOTICES: Record<number, { springFestival: [string, string]; nationalDay: [string, string]; makeUpWorkdays: string[] }> = {
  2015: { springFestival: ['2015-02-18', '2015-02-24'], nationalDay: ['2015-10-01', '2015-10-07'], makeUpWorkdays: ['2015-01-04', '2015-02-15', '2015-02-28', '2015-09-06', '2015-10-10'] },
  2016: {
    springFestival: ['2016-02-07', '2016-02-13'],
    nationalDay: ['2016-10-01', '2016-10-07'],
    makeUpWorkdays: ['2016-02-06', '2016-02-14', '2016-06-12', '2016-09-18', '2016-10-08', '2016-10-09'],
  },
  2017: { springFestival: ['2017-01-27', '2017-02-02'], nationalDay: ['2017-10-01', '2017-10-08'], makeUpWorkdays: ['2017-01-22', '2017-02-04', '2017-04-01', '2017-05-27', '2017-09-30'] },
  2018: {
    springFestival: ['2018-02-15', '2018-02-21'],
    nationalDay: ['2018-10-01', '2018-10-07'],
    makeUpWorkdays: ['2018-02-11', '2018-02-24', '2018-04-08', '2018-04-28', '2018-09-29', '2018-09-30', '2018-12-29'],
  },
  2019: {
    springFestival: ['2019-02-04', '2019-02-10'],
    nationalDay: ['2019-10-01', '2019-10-07'],
    makeUpWorkdays: ['2019-02-02', '2019-02-03', '2019-04-28', '2019-05-05', '2019-09-29', '2019-10-12'],
  },
  2020: {
    springFestival: ['2020-01-24', '2020-02-02'],
    nationalDay: ['2020-10-01', '2020-10-08'],
    makeUpWorkdays: ['2020-01-19', '2020-04-26', '2020-05-09', '2020-06-28', '2020-09-27', '2020-10-10'],
  },
  2021: {
    springFestival: ['2021-02-11', '2021-02-17'],
    nationalDay: ['2021-10-01', '2021-10-07'],
    makeUpWorkdays: ['2021-02-07', '2021-02-20', '2021-04-25', '2021-05-08', '2021-09-18', '2021-09-26', '2021-10-09'],
  },
  2022: {
    springFestival: ['2022-01-31', '2022-02-06'],
    nationalDay: ['2022-10-01', '2022-10-07'],
    makeUpWorkdays: ['2022-01-29', '2022-01-30', '2022-04-02', '2022-04-24', '2022-05-07', '2022-10-08', '2022-10-09'],
  },
  2023: {
    springFestival: ['2023-01-21', '2023-01-27'],
    nationalDay: ['2023-09-29', '2023-10-06'],
    makeUpWorkdays: ['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08'],
  },
  2024: {
    springFestival: ['2024-02-10', '2024-02-17'],
    nationalDay: ['2024-10-01', '2024-10-07'],
    makeUpWorkdays: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  2025: { springFestival: ['2025-01-28', '2025-02-04'], nationalDay: ['2025-10-01', '2025-10-08'], makeUpWorkdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'] },
  2026: {
    springFestival: ['2026-02-15', '2026-02-23'],
    nationalDay: ['2026-10-01', '2026-10-07'],
    makeUpWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};
const YEARS = Object.keys(NOTICES).map(Number);

describe('the bundled PRC calendar', () => {
  it('covers every year from 2015 to 2026, the latest year the State Council has announced in this data', () => {
    expect(cal.years()).toEqual(YEARS);
    expect(YEARS).toEqual([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
  });

  describe.each(YEARS)('%i', (year) => {
    const n = NOTICES[year];

    it('the Spring Festival break is a run of holidays with working days on both sides', () => {
      for (const d of daysOf(...n.springFestival)) expect([d, cal.isHoliday(d), cal.isWorkingDay(d)]).toEqual([d, true, false]);
      const before = addDays(n.springFestival[0], -1);
      const after = addDays(n.springFestival[1], 1);
      expect([before, cal.isHoliday(before), cal.isWorkingDay(before)]).toEqual([before, false, true]);
      expect([after, cal.isHoliday(after), cal.isWorkingDay(after)]).toEqual([after, false, true]);
    });

    it('the National Day break is a run of holidays with working days on both sides', () => {
      for (const d of daysOf(...n.nationalDay)) expect([d, cal.isHoliday(d), cal.isWorkingDay(d)]).toEqual([d, true, false]);
      const before = addDays(n.nationalDay[0], -1);
      const after = addDays(n.nationalDay[1], 1);
      expect([before, cal.isWorkingDay(before)]).toEqual([before, true]);
      expect([after, cal.isWorkingDay(after)]).toEqual([after, true]);
    });

    it('exactly the make-up Saturdays and Sundays of the notice are working weekend days', () => {
      for (const d of n.makeUpWorkdays) expect([d, isWeekend(d), cal.isMakeUpWorkday(d), cal.isHoliday(d)]).toEqual([d, true, true, false]);
      const workingWeekendDays = [...daysOf(`${year}-01-01`, `${year}-12-31`)].filter((d) => isWeekend(d) && cal.isWorkingDay(d));
      expect(workingWeekendDays).toEqual(n.makeUpWorkdays);
    });
  });

  it('marks New Year breaks that begin in December under the year they fall in (2016-12-31, 2022-12-31, 2023-12-30/31)', () => {
    expect(cal.isHoliday('2016-12-31')).toBe(true);
    expect(cal.isHoliday('2022-12-31')).toBe(true);
    expect(cal.isHoliday('2023-12-30')).toBe(true);
    expect(cal.isHoliday('2023-12-31')).toBe(true);
    expect(cal.isWorkingDay('2018-12-29')).toBe(true); // Saturday before the 2019 New Year break
    expect(cal.isHoliday('2018-12-31')).toBe(true);
  });

  it('keeps the extraordinary breaks: Victory Day 2015-09-03..05 and the Spring Festival extended to 2020-02-02', () => {
    for (const d of ['2015-09-03', '2015-09-04', '2015-09-05']) expect(cal.isHoliday(d)).toBe(true);
    expect(cal.isWorkingDay('2015-09-06')).toBe(true);
    for (const d of ['2020-01-31', '2020-02-01', '2020-02-02']) expect(cal.isHoliday(d)).toBe(true);
    expect(cal.isWorkingDay('2020-02-01')).toBe(false); // the make-up Saturday was cancelled by the extension
    expect(cal.isWorkingDay('2020-02-03')).toBe(true);
  });

  it('counts the joined weekend days of a break as holidays (清明 2016-04-04 joined to 04-02/03)', () => {
    expect(cal.isHoliday('2016-04-02')).toBe(true);
    expect(cal.isHoliday('2016-04-03')).toBe(true);
    expect(cal.isHoliday('2016-04-09')).toBe(false); // an ordinary Saturday is a rest day, not a holiday
    expect(cal.isWorkingDay('2016-04-09')).toBe(false);
  });

  it('an ordinary Monday is a working day, an ordinary Saturday is not', () => {
    expect(dayOfWeek('2024-11-04')).toBe(1);
    expect(cal.isWorkingDay('2024-11-04')).toBe(true);
    expect(cal.isWorkingDay('2024-11-09')).toBe(false);
    expect(cal.isHoliday('2024-11-09')).toBe(false);
  });

  it('passes its own validation', () => {
    expect(() => validateCalendarData(PRC_CALENDAR_DATA)).not.toThrow();
  });
});

describe('cross-check against the chinese-days package', () => {
  // chinese-days lists the days the notice names as 放假 and the make-up workdays. It leaves out
  // some ordinary weekend days joined to a break (与周末连休), which this calendar counts as part
  // of the break; so its holidays are widened to the whole run of rest days around each of them
  // before comparing. Any other difference fails.
  const require = createRequire(import.meta.url);
  const cd = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };
  const theirRest = (d: string) => d in cd.holidays || (isWeekend(d) && !(d in cd.workdays));
  const theirBreaks = new Set<string>();
  for (const h of Object.keys(cd.holidays)) {
    for (let d = h; theirRest(d); d = addDays(d, -1)) theirBreaks.add(d);
    for (let d = h; theirRest(d); d = addDays(d, 1)) theirBreaks.add(d);
  }
  const first = `${cal.years()[0]}-01-01`;
  const last = `${cal.years()[cal.years().length - 1]}-12-31`;

  it('has data for every year this calendar covers', () => {
    for (const y of cal.years()) expect([y, Object.keys(cd.holidays).some((d) => d.startsWith(`${y}-`))]).toEqual([y, true]);
  });

  it('agrees on every make-up working day from 2015 to the latest covered year', () => {
    const mismatches = [...daysOf(first, last)].filter((d) => cal.isMakeUpWorkday(d) !== d in cd.workdays);
    expect(mismatches).toEqual([]);
  });

  it('agrees on every holiday from 2015 to the latest covered year', () => {
    const mismatches = [...daysOf(first, last)].filter((d) => cal.isHoliday(d) !== theirBreaks.has(d));
    expect(mismatches).toEqual([]);
  });

  it('agrees on every working day from 2015 to the latest covered year', () => {
    const theirWorking = (d: string) => d in cd.workdays || (!(d in cd.holidays) && !isWeekend(d));
    const mismatches = [...daysOf(first, last)].filter((d) => cal.isWorkingDay(d) !== theirWorking(d));
    expect(mismatches).toEqual([]);
  });
});

describe('years the calendar does not cover', () => {
  it('does not cover 2014, and refuses to say whether a 2014 day is a working day', () => {
    expect(cal.covers(2014)).toBe(false);
    expect(() => cal.isWorkingDay('2014-12-31')).toThrow(CalendarNotCoveredError);
    expect(() => cal.isHoliday('2014-10-01')).toThrow(CalendarNotCoveredError);
    try {
      cal.isWorkingDay('2014-12-31');
    } catch (e) {
      expect((e as CalendarNotCoveredError).year).toBe(2014);
      expect((e as Error).message).toMatch(/2014/);
    }
  });

  it('does not cover the year after the latest notice, nor a far future year', () => {
    const next = cal.years()[cal.years().length - 1] + 1;
    expect(cal.covers(next)).toBe(false);
    expect(() => cal.isWorkingDay(`${next}-01-04`)).toThrow(CalendarNotCoveredError);
    expect(cal.covers(2099)).toBe(false);
    expect(() => cal.isWorkingDay('2099-06-01')).toThrow(new CalendarNotCoveredError(2099));
  });
});

describe('a calendar file’s text (parseCalendarText; the file is read by libs/runtime)', () => {
  it('parses a file of the same shape and, merged with the bundled data, covers the new year', () => {
    // A made-up year for the test only (not a real notice).
    const update: CalendarData = { years: { '2099': { holidays: ['2099-01-01'], workdays: ['2099-01-03'] } } };
    const merged = new PrcCalendar(mergeCalendarData(PRC_CALENDAR_DATA, parseCalendarText(JSON.stringify(update), 'test')));
    expect(merged.covers(2099)).toBe(true);
    expect(merged.isHoliday('2099-01-01')).toBe(true);
  });

  it('names the source in every refusal', () => {
    expect(() => parseCalendarText('{"years": ', 'calendar file x.json')).toThrow(/calendar file x.json is not valid JSON/);
    expect(() => parseCalendarText('{}', 'calendar file x.json')).toThrow(/x.json/);
  });

  it('the constructor validates too', () => {
    expect(() => new PrcCalendar({ years: { '2099': { holidays: ['2099-13-01'], workdays: [] } } })).toThrow(CalendarDataError);
  });
});
