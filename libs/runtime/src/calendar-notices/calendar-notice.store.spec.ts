import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createEvent } from '#libs/contracts';
import { PRC_CALENDAR_DATA, PrcCalendar } from '#libs/regulation';
import { applyNotice, CalendarNoticeRecord, CalendarNotices1766200000000, keepNotice, keptNotices, noticeOfEvent, noticeOfRecord } from './calendar-notice.store.js';

const NOTICE_2027 = {
  year: 2027,
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
  notice: '国务院办公厅关于2027年部分节假日安排的通知',
};
const loaded = (at: string, extra: string[] = []) =>
  createEvent('calendar.notice-loaded', 'calendar-2027', { ...NOTICE_2027, holidays: [...NOTICE_2027.holidays, ...extra], loadedAt: at }, { username: 'admin', roles: ['admin'] }, new Date(at));

describe('the kept holiday notices of a service', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [CalendarNoticeRecord], migrations: [CalendarNotices1766200000000], migrationsRun: true });
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('keeps the latest load of a year; a redelivered older one does not replace it', async () => {
    const first = loaded('2026-12-03T09:00:00.000Z');
    const second = loaded('2026-12-04T09:00:00.000Z', ['2027-02-26']);
    expect(await keepNotice(ds.manager, first)).toBe(true);
    expect(await keepNotice(ds.manager, second)).toBe(true);
    expect(await keepNotice(ds.manager, first)).toBe(false);
    const rows = await keptNotices(ds.manager);
    expect(rows.map((r) => [r.year, r.eventId, r.loadedBy])).toEqual([[2027, second.eventId, 'admin']]);
    expect(noticeOfRecord(rows[0])).toEqual(noticeOfEvent(second));
  });

  it('applies a kept notice to a calendar once: the same again changes nothing', async () => {
    const cal = new PrcCalendar(PRC_CALENDAR_DATA);
    const [row] = await keptNotices(ds.manager);
    expect(applyNotice(cal, noticeOfRecord(row))).toBe(true);
    expect(cal.isHoliday('2027-02-26')).toBe(true);
    const fp = cal.fingerprint();
    expect(applyNotice(cal, noticeOfRecord(row))).toBe(false);
    expect(cal.fingerprint()).toBe(fp);
  });
});
