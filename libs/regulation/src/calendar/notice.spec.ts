import { PrcCalendar, type CalendarData } from './calendar.js';
import { checkYearNotice, daysChangedBy, noticeAsCalendarData, sameDays, yearNoticeOf } from './notice.js';
import { PRC_CALENDAR_DATA } from './prc-calendar.data.js';
import { statusWithoutNotice } from './uncovered-days.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
/** A plausible 2027 notice: 元旦 01-01 to 03, 春节 除夕 02-05 to 02-13, … 13 days net of five make-up days. */
const NOTICE_2027 = {
  year: 2027,
  notice: '国务院办公厅关于2027年部分节假日安排的通知',
  holidays: [
    '2027-01-01',
    '2027-01-02',
    '2027-01-03',
    '2027-02-05',
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-02-09',
    '2027-02-10',
    '2027-02-11',
    '2027-02-12',
    '2027-02-13',
    '2027-04-03',
    '2027-04-04',
    '2027-04-05',
    '2027-05-01',
    '2027-05-02',
    '2027-05-03',
    '2027-05-04',
    '2027-05-05',
    '2027-06-09',
    '2027-09-15',
    '2027-10-01',
    '2027-10-02',
    '2027-10-03',
    '2027-10-04',
    '2027-10-05',
    '2027-10-06',
    '2027-10-07',
  ],
  workdays: ['2027-01-31', '2027-02-20', '2027-05-08', '2027-09-26', '2027-10-09'],
};
const without = (data: CalendarData, year: string): CalendarData => ({ ...data, years: Object.fromEntries(Object.entries(data.years).filter(([y]) => y !== year)) });
const problemsOf = (body: unknown) => checkYearNotice(body).problems;

describe('one year’s holiday notice as the office uploads it', () => {
  it('accepts a notice that fits the law, as {year, holidays, workdays, notice} or as the calendar file with one year', () => {
    const a = checkYearNotice(NOTICE_2027);
    expect(a.problems).toEqual([]);
    expect(a.notice).toEqual({ ...NOTICE_2027, holidays: [...NOTICE_2027.holidays].sort(), workdays: [...NOTICE_2027.workdays].sort() });
    const { year, ...entry } = NOTICE_2027;
    const b = checkYearNotice({ years: { [String(year)]: entry }, source: '国务院办公厅' });
    expect(b.notice).toEqual(a.notice);
    // Every bundled year passes as an upload of itself.
    for (const [y, e] of Object.entries(PRC_CALENDAR_DATA.years)) expect([y, problemsOf({ year: Number(y), ...e })]).toEqual([y, []]);
    // A year beyond the lunar table: fit, with the note that only the solar holidays were checked.
    const far = checkYearNotice({
      year: 2051,
      holidays: [
        '2051-01-01',
        '2051-05-01',
        '2051-05-02',
        '2051-10-01',
        '2051-10-02',
        '2051-10-03',
        '2051-10-04',
        '2051-10-05',
        '2051-10-06',
        '2051-10-09',
        '2051-10-10',
        '2051-10-11',
        '2051-10-12',
        '2051-10-13',
        '2051-10-16',
      ],
      workdays: [],
    });
    expect(far.problems).toEqual([]);
    expect(far.notes.join()).toContain('没有该年的农历数据');
  });

  it('refuses a statutory holiday left out, a weekday make-up day, a date both or twice, naming each date', () => {
    expect(problemsOf({ ...NOTICE_2027, holidays: NOTICE_2027.holidays.filter((d) => d !== '2027-02-06') })).toContainEqual({
      at: '2027-02-06',
      message: expect.stringContaining('春节（正月初一）是法定节假日'),
    });
    expect(problemsOf({ ...NOTICE_2027, workdays: [...NOTICE_2027.workdays, '2027-02-22'] })).toContainEqual({ at: '2027-02-22', message: expect.stringContaining('调休上班日只能是星期六或星期日') });
    expect(problemsOf({ ...NOTICE_2027, workdays: [...NOTICE_2027.workdays, '2027-02-13'] })).toContainEqual({ at: '2027-02-13', message: '既是放假日又是调休上班日' });
    expect(problemsOf({ ...NOTICE_2027, holidays: [...NOTICE_2027.holidays, '2027-01-01'] })).toContainEqual({ at: '2027-01-01', message: expect.stringContaining('重复出现') });
    expect(problemsOf({ ...NOTICE_2027, holidays: [...NOTICE_2027.holidays, '2026-12-31'] })).toContainEqual({ at: '2026-12-31', message: expect.stringContaining('不在 2027 年') });
    expect(problemsOf({ ...NOTICE_2027, holidays: [...NOTICE_2027.holidays, '2027-02-30'] })).toContainEqual({ at: '2027-02-30', message: expect.stringContaining('不是有效日期') });
    // Fewer days off than the law's 13, net of the make-up days.
    expect(problemsOf({ ...NOTICE_2027, workdays: [...NOTICE_2027.workdays, '2027-03-06'] })).toContainEqual({ at: '2027 年', message: expect.stringContaining('少于法定节假日的 13 天') });
  });

  it('refuses what is not one year’s notice, naming the field', () => {
    expect(problemsOf([])[0].at).toBe('body');
    expect(problemsOf({ holidays: [] })[0]).toEqual({ at: 'year', message: expect.stringContaining('缺少年份') });
    expect(problemsOf({ ...NOTICE_2027, year: '27' })[0].at).toBe('year');
    expect(problemsOf({ ...NOTICE_2027, year: 2007 })[0]).toEqual({ at: '2007 年', message: expect.stringContaining('早于 2008 年') });
    expect(problemsOf({ years: { '2027': {}, '2028': {} } })[0]).toEqual({ at: 'years', message: expect.stringContaining('一次只能上传一个年度') });
    expect(problemsOf({ years: {} })[0].at).toBe('years');
    expect(problemsOf({ ...NOTICE_2027, color: 'red' })).toContainEqual({ at: 'color', message: expect.stringContaining('未知字段') });
    expect(problemsOf({ ...NOTICE_2027, holidays: undefined })).toContainEqual({ at: '2027 年', message: expect.stringContaining('放假日期（holidays）必须是') });
    expect(problemsOf({ ...NOTICE_2027, workdays: Array.from({ length: 21 }, () => '2027-01-31') })).toContainEqual({ at: 'workdays', message: expect.stringContaining('最多 20 个') });
    expect(problemsOf({ ...NOTICE_2027, notice: 'x'.repeat(501) })).toContainEqual({ at: 'notice', message: expect.stringContaining('最多 500 个字') });
    expect(checkYearNotice({ ...NOTICE_2027, notice: null }).notice).not.toHaveProperty('notice');
  });
});

describe('a service’s calendar takes a notice in place', () => {
  it('answers the new year at once, for every holder of the instance, whole years replaced', () => {
    const cal = new PrcCalendar(PRC_CALENDAR_DATA);
    const holder = { calendar: cal };
    const before = cal.fingerprint();
    expect(cal.covers(2027)).toBe(false);
    expect(cal.dayStatus('2027-01-04')).toBe('unknown');
    cal.apply(noticeAsCalendarData(checkYearNotice(NOTICE_2027).notice!));
    expect(holder.calendar.covers(2027)).toBe(true);
    expect(holder.calendar.isWorkingDay('2027-01-04')).toBe(true);
    expect(holder.calendar.isHoliday('2027-02-12')).toBe(true);
    expect(holder.calendar.isMakeUpWorkday('2027-02-20')).toBe(true);
    expect(cal.fingerprint()).not.toBe(before);
    expect(sameDays(yearNoticeOf(cal, 2027), NOTICE_2027)).toBe(true);
    // A second notice of the year replaces it whole (the make-up day 02-20 is gone, 02-26 is off).
    cal.apply({ years: { '2027': { holidays: [...NOTICE_2027.holidays, '2027-02-26'], workdays: ['2027-01-31'] } } });
    expect(cal.isMakeUpWorkday('2027-02-20')).toBe(false);
    expect(cal.isHoliday('2027-02-26')).toBe(true);
    // The other years stay; the bundled data itself is untouched.
    expect(cal.isHoliday('2026-02-17')).toBe(true);
    expect(PRC_CALENDAR_DATA.years['2027']).toBeUndefined();
  });

  it('refuses to change the shared bundled calendar, and refuses bad data leaving the calendar as it was', () => {
    expect(() => PrcCalendar.default().apply(noticeAsCalendarData(checkYearNotice(NOTICE_2027).notice!))).toThrow(/bundled calendar is shared/);
    expect(PrcCalendar.default().covers(2027)).toBe(false);
    const cal = new PrcCalendar(PRC_CALENDAR_DATA);
    const before = cal.fingerprint();
    expect(() => cal.apply({ years: { '2027': { holidays: ['2027-02-30'], workdays: [] } } })).toThrow();
    expect(cal.fingerprint()).toBe(before);
    // What it hands out is a copy.
    cal.data().years['2026'].holidays.push('2026-03-03');
    cal.yearData(2026)!.holidays.push('2026-03-03');
    expect(cal.isHoliday('2026-03-03')).toBe(false);
  });

  it('names the days a notice changes: the undecided ones, and a one-off decision the law could not foresee (2015-09-03)', () => {
    const cal = new PrcCalendar(without(PRC_CALENDAR_DATA, '2015'));
    const notice = { year: 2015, ...clone(PRC_CALENDAR_DATA.years['2015']) };
    const changed = daysChangedBy(cal, notice);
    expect(changed).toEqual(expect.arrayContaining(['2015-09-03', '2015-09-04', '2015-09-06']));
    // Of the days the law alone called certain, only the anniversary's differ.
    const certain = changed.filter((d) => statusWithoutNotice(d) !== 'unknown');
    expect(certain).toEqual(['2015-09-03', '2015-09-04', '2015-09-05', '2015-09-06']);
    // Once the year is covered, the same notice changes nothing.
    cal.apply(noticeAsCalendarData(notice));
    expect(daysChangedBy(cal, notice)).toEqual([]);
  });
});
