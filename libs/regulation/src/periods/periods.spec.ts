import { CalendarNotCoveredError, PrcCalendar } from '../calendar/calendar.js';
import { addDays } from '../dates/local-date.js';
import { formatInstant } from '../dates/time-zone.js';
import { calendarDaysPeriod, workingDaysPeriod } from './periods.js';

const calendar = PrcCalendar.default();
const timeZone = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);
const show = (d: Date) => formatInstant(d, timeZone);
const daysFrom = (first: string, n: number) => Array.from({ length: n }, (_, i) => addDays(first, i));
function catchError(run: () => unknown): CalendarNotCoveredError {
  try {
    run();
  } catch (e) {
    if (e instanceof CalendarNotCoveredError) return e;
    throw e;
  }
  throw new Error('expected a CalendarNotCoveredError');
}

describe('periods in days (Civil Code Art. 201–203)', () => {
  it('the trigger day is not counted: accepted on 2024-09-20, 60 days end on 2024-11-19 at 24:00', () => {
    const r = calendarDaysPeriod(at('2024-09-20T10:00:00+08:00'), 60, { timeZone, calendar, rollOverHolidays: false });
    expect(r).toEqual({ lastDay: '2024-11-19', dueAt: new Date('2024-11-19T16:00:00.000Z'), rolledOver: false, originalLastDay: '2024-11-19' });
    expect(show(r.dueAt)).toBe('2024-11-20T00:00:00+08:00');
  });

  it('a last day inside a holiday break moves to the day after the break when roll-over is on', () => {
    const r = calendarDaysPeriod(at('2024-12-30T15:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: true });
    expect(r.originalLastDay).toBe('2025-01-29');
    expect(r.lastDay).toBe('2025-02-05');
    expect(r.rolledOver).toBe(true);
    expect(show(r.dueAt)).toBe('2025-02-06T00:00:00+08:00');
  });

  it('and stays on the holiday when roll-over is off (the offices must act before the break)', () => {
    const r = calendarDaysPeriod(at('2024-12-30T15:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: false });
    expect(r.lastDay).toBe('2025-01-29');
    expect(r.rolledOver).toBe(false);
  });

  it('an ordinary Saturday is not a holiday: no roll-over unless weekends are asked for too', () => {
    // 2024-10-31 + 30 days = Saturday 2024-11-30, an ordinary weekend.
    const trigger = at('2024-10-31T10:00:00+08:00');
    expect(calendarDaysPeriod(trigger, 30, { timeZone, calendar, rollOverHolidays: true }).lastDay).toBe('2024-11-30');
    const weekends = calendarDaysPeriod(trigger, 30, { timeZone, calendar, rollOverHolidays: true, rollOverWeekends: true });
    expect(weekends.lastDay).toBe('2024-12-02');
    expect(weekends.rolledOver).toBe(true);
  });

  it('with weekends, a break followed by a weekend moves to the next working day; a make-up working Sunday stops it', () => {
    // 2024-09-01 + 30 = 2024-10-01 (National Day) -> 10-08 (Tue), same either way.
    expect(calendarDaysPeriod(at('2024-09-01T09:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: true, rollOverWeekends: true }).lastDay).toBe('2024-10-08');
    // 2025-12-02 + 30 = 2026-01-01; break 01-01..03, Sunday 01-04 is a make-up working day.
    expect(calendarDaysPeriod(at('2025-12-02T09:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: true, rollOverWeekends: true }).lastDay).toBe('2026-01-04');
  });

  it('counts from the local day in the office time zone, not the UTC day', () => {
    const trigger = at('2024-09-21T00:30:00+08:00'); // 2024-09-20T16:30Z
    expect(calendarDaysPeriod(trigger, 60, { timeZone, calendar, rollOverHolidays: false }).lastDay).toBe('2024-11-20');
    expect(calendarDaysPeriod(trigger, 60, { timeZone: 'UTC', calendar, rollOverHolidays: false }).lastDay).toBe('2024-11-19');
  });

  it('does not need the calendar without roll-over, even in a year it does not cover', () => {
    const r = calendarDaysPeriod(at('2098-12-20T10:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: false });
    expect(r.lastDay).toBe('2099-01-19');
  });

  it('decides a roll-over in a year the calendar does not cover when the law does: Tue 2027-01-19 is far from every statutory holiday', () => {
    const r = calendarDaysPeriod(at('2026-12-20T10:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: true });
    expect(r).toEqual({ lastDay: '2027-01-19', dueAt: new Date('2027-01-19T16:00:00.000Z'), rolledOver: false, originalLastDay: '2027-01-19' });
  });

  it('refuses a roll-over it cannot decide, naming the days only the 2027 notice can settle: Sat 2027-01-02, the day after 元旦', () => {
    const run = () => calendarDaysPeriod(at('2026-12-03T10:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: true });
    expect(run).toThrow(CalendarNotCoveredError);
    const e = catchError(run);
    expect(e.year).toBe(2027);
    // Any of them could be a day of the New Year break; Sat 2027-01-16 is the first day certainly not.
    expect(e.unknownDates).toEqual(daysFrom('2027-01-02', 14));
    expect(e.message).toContain('undecided without the notice: 14 days, 2027-01-02 to 2027-01-15');
  });

  it('a last day on a statutory holiday of an uncovered year moves on through the break, so it is refused too (2027-10-01)', () => {
    const e = catchError(() => calendarDaysPeriod(at('2027-09-01T10:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: true }));
    expect(e.unknownDates).toEqual(daysFrom('2027-10-04', 14)); // 10-01..03 off by law, then undecided to 10-17
    // With weekends rolled over too: the same days, Mon 10-18 being the first day certainly a working day.
    const w = catchError(() => calendarDaysPeriod(at('2027-09-01T10:00:00+08:00'), 30, { timeZone, calendar, rollOverHolidays: true, rollOverWeekends: true }));
    expect(w.unknownDates).toEqual(daysFrom('2027-10-04', 14));
  });

  it('rejects a negative or fractional number of days', () => {
    expect(() => calendarDaysPeriod(at('2024-09-20T10:00:00+08:00'), -1, { timeZone, calendar, rollOverHolidays: false })).toThrow(RangeError);
    expect(() => calendarDaysPeriod(at('2024-09-20T10:00:00+08:00'), 1.5, { timeZone, calendar, rollOverHolidays: false })).toThrow(RangeError);
  });
});

describe('periods in working days (工作日)', () => {
  it('5 working days from Friday 2024-09-27 skip National Day and count the make-up Sunday 09-29: 2024-10-10', () => {
    const r = workingDaysPeriod(at('2024-09-27T10:00:00+08:00'), 5, { timeZone, calendar });
    expect(r.lastDay).toBe('2024-10-10');
    expect(show(r.dueAt)).toBe('2024-10-11T00:00:00+08:00');
    expect(r.rolledOver).toBe(false);
  });

  it('refuses to count working days across days of an uncovered year the law does not settle rather than guess', () => {
    // 2026-12-28 (Mon): 12-29, 12-30, 12-31 are known, 2027-01-01 is 元旦 (off by law), then the
    // days up to 2027-01-15 are the 2027 notice's to settle: the fifth working day could be any
    // of 01-04 … 01-19.
    const e = catchError(() => workingDaysPeriod(at('2026-12-28T10:00:00+08:00'), 5, { timeZone, calendar }));
    expect(e).toEqual(new CalendarNotCoveredError(2027, daysFrom('2027-01-02', 14)));
    expect([e.year, e.unknownDates]).toEqual([2027, daysFrom('2027-01-02', 14)]);
    expect(() => workingDaysPeriod(at('2014-12-30T10:00:00+08:00'), 5, { timeZone, calendar })).toThrow(new CalendarNotCoveredError(2014, ['2014-12-31']));
  });

  it('counts working days in an uncovered year when every day counted is settled by law (mid-March 2027)', () => {
    // Wed 2027-03-10: 03-11, 03-12, 03-15, 03-16, 03-17, all far from 春节 and 清明.
    expect(workingDaysPeriod(at('2027-03-10T10:00:00+08:00'), 5, { timeZone, calendar })).toEqual({
      lastDay: '2027-03-17',
      dueAt: new Date('2027-03-17T16:00:00.000Z'),
      rolledOver: false,
      originalLastDay: '2027-03-17',
    });
    // From Mon 03-15 the fifth day would be Mon 03-22, 14 days before 清明 2027-04-05: undecided.
    const e = catchError(() => workingDaysPeriod(at('2027-03-15T10:00:00+08:00'), 5, { timeZone, calendar }));
    expect(e.unknownDates[0]).toBe('2027-03-22');
  });

  it('can be asked to assume ordinary weeks on the undecided days, and then says so', () => {
    const r = workingDaysPeriod(at('2026-12-28T10:00:00+08:00'), 5, { timeZone, calendar, uncovered: 'assume' });
    expect(r.lastDay).toBe('2027-01-05'); // 12-29, 12-30, 12-31, (01-01 元旦, off by law), 01-04 (Mon, assumed), 01-05 (Tue, assumed)
    expect(r.assumedYears).toEqual([2027]);
    const settled = workingDaysPeriod(at('2027-03-10T10:00:00+08:00'), 5, { timeZone, calendar, uncovered: 'assume' });
    expect(settled).toMatchObject({ lastDay: '2027-03-17' });
    expect(settled.assumedYears).toBeUndefined(); // nothing assumed: the law settled every day
    const covered = workingDaysPeriod(at('2024-09-27T10:00:00+08:00'), 5, { timeZone, calendar, uncovered: 'assume' });
    expect(covered.assumedYears).toBeUndefined();
  });

  it('zero working days end on the trigger day itself', () => {
    expect(workingDaysPeriod(at('2024-10-03T10:00:00+08:00'), 0, { timeZone, calendar }).lastDay).toBe('2024-10-03');
  });
});
