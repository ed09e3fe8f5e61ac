import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalendarDataError, mergeCalendarData, PRC_CALENDAR_DATA, PrcCalendar, type CalendarData } from '#libs/regulation';
import { loadCalendarFile } from './calendar-file.js';

const cal = PrcCalendar.default();

describe('loading an updated calendar file (CALENDAR_FILE)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'regulation-calendar-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('reads a file of the same shape and, merged with the bundled data, covers the new year', () => {
    // A made-up year for the test only (not a real notice).
    const update: CalendarData = { years: { '2099': { holidays: ['2099-01-01'], workdays: ['2099-01-03'] } } };
    const loaded = loadCalendarFile(write('ok.json', JSON.stringify(update)));
    const merged = new PrcCalendar(mergeCalendarData(PRC_CALENDAR_DATA, loaded));
    expect(merged.covers(2099)).toBe(true);
    expect(merged.covers(2024)).toBe(true);
    expect(merged.isHoliday('2099-01-01')).toBe(true);
    expect(merged.isWorkingDay('2099-01-03')).toBe(true); // a Saturday made a working day
    expect(merged.isWorkingDay('2099-01-02')).toBe(true);
  });

  it('round-trips the bundled data through a JSON file', () => {
    const loaded = loadCalendarFile(write('bundled.json', JSON.stringify(PRC_CALENDAR_DATA)));
    expect(new PrcCalendar(loaded).years()).toEqual(cal.years());
  });

  it.each([
    ['a missing file', null, /cannot read calendar file/],
    ['broken JSON', '{"years": ', /not valid JSON/],
    ['no years', '{}', /"years" must be an object/],
    ['a year key that is not a year', '{"years": {"24": {"holidays": [], "workdays": []}}}', /four-digit year/],
    ['holidays that are not a list', '{"years": {"2099": {"holidays": "2099-01-01", "workdays": []}}}', /holidays must be an array/],
    ['a date that does not exist', '{"years": {"2099": {"holidays": ["2099-02-30"], "workdays": []}}}', /"2099-02-30" is not a calendar date/],
    ['a date under the wrong year', '{"years": {"2099": {"holidays": ["2098-12-31"], "workdays": []}}}', /not in 2099/],
    ['a make-up working day on a weekday', '{"years": {"2099": {"holidays": [], "workdays": ["2099-01-05"]}}}', /is a weekday/],
    ['a day both holiday and working day', '{"years": {"2099": {"holidays": ["2099-01-03"], "workdays": ["2099-01-03"]}}}', /both a holiday and a make-up working day/],
  ])('rejects %s with a clear message naming the file', (_what, content, message) => {
    const p = content === null ? join(dir, 'does-not-exist.json') : write(`bad-${Math.random()}.json`, content);
    expect(() => loadCalendarFile(p)).toThrow(CalendarDataError);
    expect(() => loadCalendarFile(p)).toThrow(message);
    expect(() => loadCalendarFile(p)).toThrow(p);
  });
});
