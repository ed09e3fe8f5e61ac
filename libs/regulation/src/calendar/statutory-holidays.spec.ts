import { createRequire } from 'node:module';
import { addDays, isWeekend } from '../dates/local-date.js';
import { PRC_CALENDAR_DATA } from './prc-calendar.data.js';
import { LUNAR_HOLIDAY_DATES } from './lunar-holidays.data.js';
import { checkCalendarData, statutoryHolidays, type CalendarProblem } from './statutory-holidays.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const at = (problems: CalendarProblem[]) => problems.map((p) => p.at);

describe('the statutory holidays of 《全国年节及纪念日放假办法》', () => {
  it('from 2025 (2024 amendment): 13 days, 春节 除夕 to 初三, 劳动节 5月1日、2日', () => {
    const y = statutoryHolidays(2025)!;
    expect(y.days).toBe(13);
    expect(y.lunarKnown).toBe(true);
    expect(y.holidays.map((h) => `${h.date} ${h.name}`)).toEqual([
      '2025-01-01 元旦',
      '2025-01-28 春节（除夕）',
      '2025-01-29 春节（正月初一）',
      '2025-01-30 春节（正月初二）',
      '2025-01-31 春节（正月初三）',
      '2025-04-04 清明节',
      '2025-05-01 劳动节',
      '2025-05-02 劳动节',
      '2025-05-31 端午节（五月初五）',
      '2025-10-01 国庆节',
      '2025-10-02 国庆节',
      '2025-10-03 国庆节',
      '2025-10-06 中秋节（八月十五）',
    ]);
  });

  it('2014–2024 (2013 amendment): 11 days, 春节 初一 to 初三, 劳动节 one day; 2008–2013: 春节 除夕 to 初二; none before 2008', () => {
    const y = statutoryHolidays(2024)!;
    expect([y.days, y.holidays.length]).toEqual([11, 11]);
    expect(y.holidays.filter((h) => h.name.startsWith('春节')).map((h) => h.date)).toEqual(['2024-02-10', '2024-02-11', '2024-02-12']);
    expect(y.holidays.filter((h) => h.name === '劳动节').map((h) => h.date)).toEqual(['2024-05-01']);
    expect(
      statutoryHolidays(2013)!
        .holidays.filter((h) => h.name.startsWith('春节'))
        .map((h) => h.date),
    ).toEqual(['2013-02-09', '2013-02-10', '2013-02-11']);
    expect(statutoryHolidays(2007)).toBeNull();
  });

  it('a year without lunar data: only the solar-dated holidays, marked so', () => {
    const y = statutoryHolidays(2051)!;
    expect(y.lunarKnown).toBe(false);
    expect(y.days).toBe(13);
    expect(y.holidays.map((h) => h.date)).toEqual(['2051-01-01', '2051-05-01', '2051-05-02', '2051-10-01', '2051-10-02', '2051-10-03']);
  });

  it('the lunar table agrees with the chinese-days package for every year it has', () => {
    const cd = createRequire(import.meta.url)('chinese-days') as {
      getSolarDateFromLunar(d: string): { date: string };
      getSolarTermDate(y: number, m: number, term: string): string;
      getLunarDate(d: string): { lunarMon: number; lunarDay: number };
    };
    const years = Object.keys(LUNAR_HOLIDAY_DATES).map(Number);
    expect(years[0]).toBe(2008);
    expect(years.at(-1)).toBe(2050);
    for (const y of years) {
      const t = LUNAR_HOLIDAY_DATES[y];
      expect([y, t.springFestival, t.dragonBoat, t.midAutumn, t.qingming]).toEqual([
        y,
        cd.getSolarDateFromLunar(`${y}-01-01`).date,
        cd.getSolarDateFromLunar(`${y}-05-05`).date,
        cd.getSolarDateFromLunar(`${y}-08-15`).date,
        cd.getSolarTermDate(y, 4, 'pure_brightness'),
      ]);
      expect(cd.getLunarDate(t.midAutumn)).toMatchObject({ lunarMon: 8, lunarDay: 15 });
    }
  });
});

describe('checkCalendarData: a holiday-calendar file against the bundled shape and the law', () => {
  it('the bundled data (2015–2026) has no problem and replaces nothing', () => {
    const r = checkCalendarData(clone(PRC_CALENDAR_DATA), PRC_CALENDAR_DATA);
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual([]);
    expect(r.years).toEqual(Object.keys(PRC_CALENDAR_DATA.years));
  });

  it('a National Day moved, a date both holiday and working day, 2025-02-30: one problem each, naming the date', () => {
    const data = clone(PRC_CALENDAR_DATA);
    const y = data.years['2025'];
    y.holidays = y.holidays.filter((d) => d !== '2025-10-01').concat('2025-10-09');
    y.holidays.push('2025-02-08', '2025-02-30');
    const r = checkCalendarData(data, PRC_CALENDAR_DATA);
    expect(r.problems).toEqual([
      { at: '2025-02-08', message: '既是放假日又是调休上班日' },
      { at: '2025-02-30', message: expect.stringContaining('不是有效日期') },
      { at: '2025-10-01', message: expect.stringMatching(/^国庆节是法定节假日.*不在 2025 年的放假日期中$/) },
    ]);
  });

  it('a lunar holiday left out (2026 中秋节 九月廿五 → 2026-09-25) and a make-up working day on a weekday', () => {
    const data = clone(PRC_CALENDAR_DATA);
    const y = data.years['2026'];
    expect(y.holidays).toContain('2026-09-25');
    y.holidays = y.holidays.filter((d) => d !== '2026-09-25');
    y.workdays.push('2026-09-24');
    const r = checkCalendarData(data);
    expect(at(r.problems)).toEqual(['2026 年', '2026-09-24', '2026-09-25']);
    expect(r.problems[0].message).toMatch(/净放假 11 天，少于法定节假日的 13 天/);
    expect(r.problems[1].message).toContain('调休上班日只能是星期六或星期日');
    expect(r.problems[2].message).toContain('中秋节');
  });

  it('the shape: a date under the wrong year, a bad year key, lists that are not lists, unknown fields, twice the same date', () => {
    const r = checkCalendarData({ years: { '25': { holidays: [], workdays: [] }, '2027': { holidays: ['2026-12-31', '2027-01-01', '2027-01-01'], workdays: 'none', extra: 1 } }, when: 'now' });
    expect(r.problems.map((p) => `${p.at} ${p.message}`)).toEqual([
      expect.stringMatching(/^2026-12-31 列在 2027 年下/),
      expect.stringMatching(/^2027 年 未知字段「extra」/),
      expect.stringMatching(/^2027 年 调休上班日期（workdays）必须是/),
      expect.stringMatching(/^2027-01-01 在放假日期（holidays）中重复出现/),
      expect.stringMatching(/^25 年份「25」必须是四位数字/),
      expect.stringMatching(/^when 未知字段/),
    ]);
    expect(checkCalendarData([]).problems).toHaveLength(1);
    expect(checkCalendarData({}).problems).toEqual([{ at: 'years', message: expect.stringContaining('缺少 years') }]);
  });

  it('a year past the lunar table: solar holidays and the count are checked, the lunar ones said not to be', () => {
    const ok = {
      years: {
        '2051': {
          holidays: [
            '2051-01-01',
            '2051-05-01',
            '2051-05-02',
            '2051-10-02',
            '2051-10-03',
            '2051-10-04',
            '2051-10-05',
            '2051-10-06',
            '2051-02-13',
            '2051-02-14',
            '2051-02-15',
            '2051-02-16',
            '2051-04-05',
            '2051-06-01',
            '2051-09-18',
          ],
          workdays: [],
        },
      },
    };
    const r = checkCalendarData(ok);
    expect(r.problems).toEqual([{ at: '2051-10-01', message: expect.stringContaining('国庆节') }]);
    expect(r.notes).toEqual([expect.stringMatching(/^2051 年：没有该年的农历数据.*未核对春节、清明节、端午节、中秋节/)]);
  });

  it('two holidays on one day (2031: 中秋节 on 10月1日) still count as two days off', () => {
    const law = statutoryHolidays(2031)!;
    expect(law.holidays.filter((h) => h.date === '2031-10-01').map((h) => h.name)).toEqual(['国庆节', '中秋节（八月十五）']);
    // Every statutory day off, the weekend ones made up on the next free weekday — but the coinciding day not made up.
    const days = new Set(law.holidays.map((h) => h.date));
    for (const d of [...days].sort()) {
      if (!isWeekend(d)) continue;
      let lieu = addDays(d, 1);
      while (isWeekend(lieu) || days.has(lieu)) lieu = addDays(lieu, 1);
      days.add(lieu);
    }
    const short = checkCalendarData({ years: { '2031': { holidays: [...days], workdays: [] } } });
    expect(short.problems).toEqual([
      { at: '2031 年', message: expect.stringMatching(/净放假 12 天，少于法定节假日的 13 天（节日逢周末或两节同日（2031-10-01 国庆节与中秋节（八月十五）同日）应在工作日补假）/) },
    ]);
    days.add('2031-10-06');
    expect(checkCalendarData({ years: { '2031': { holidays: [...days], workdays: [] } } }).problems).toEqual([]);
  });

  it('a year the file changes is noted as replacing the bundled one', () => {
    const data = clone(PRC_CALENDAR_DATA);
    data.years['2026'].holidays.push('2026-11-02');
    const r = checkCalendarData(data, PRC_CALENDAR_DATA);
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual(['2026 年：与内置日历不同，加载后以本文件为准（整年替换）']);
  });
});
