import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';
import { EXAMPLE_NOTICE_2027 } from '../../apps/gateway/src/calendar.js';

type Deadline = { kind: string; dueAt: string | null; lastDay: string | null; state: string; basis: string; revision: number; withheld?: boolean; awaitsCalendarYear?: number };
type Entry = { type: string; at: string; actor: string | null; detail?: Record<string, unknown> };
type YearView = { year: number; source: string; notice: string | null; holidays: string[]; workdays: string[]; loadedBy: string | null; loadedAt: string | null; result: Result | null };
type Result = {
  computed: number;
  moved: number;
  timersArmed: number;
  casesRecomputed: number;
  cases: { caseId: string; deadlines: { kind: string; change: string; lastDay: string; previousLastDay: string | null }[] }[];
};

/**
 * The office loads the 2027 State Council notice through the admin API while the platform runs
 * (issue 12): the office's clock is 2026-12-28, the bundled calendar ends with 2026, so a case
 * routed today has its 5-working-day objection window withheld (2027-01-02 … 01-04 are days only
 * the notice can settle) and a case closed today its 30-day review window (last day 2027-01-27,
 * nine days before 除夕). One upload, no restart: both computed, the objection's timer armed,
 * the timeline says so, the list names who loaded it; a wrong notice is refused with its date
 * named and nothing kept; a later notice that moves a day the law alone called certain moves the
 * deadline that ended on it.
 */
describe('loading a year’s holiday notice through the admin API', () => {
  const officeNow = Date.parse('2026-12-28T10:00:00+08:00');
  // The unit's handling period rolls over a holiday here, so a one-off day off can move it.
  const env = () => ({ CLOCK_OFFSET_MS: String(officeNow - Date.now()), HOLIDAY_ROLLOVER: 'review-request,re-review-request,handling' });
  let t: TestPlatform;
  let tk: Record<string, string>;
  const ids: Record<'routed' | 'closed' | 'accepted', string> = { routed: '', closed: '', accepted: '' };

  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(bearer(tk[who])).send(body);
  const view = async (id: string) => (await t.http().get(`/api/v1/petitions/${id}`).set(bearer(tk.office1)).expect(200)).body as { deadlines: Deadline[]; timeline: Entry[] };
  const deadline = async (id: string, kind: string) => (await view(id)).deadlines.find((d) => d.kind === kind)!;
  const years = async () => (await t.http().get('/api/v1/admin/calendar').set(bearer(tk.admin)).expect(200)).body as { items: YearView[]; years: number[] };
  /** The case's timeline once it has `n` entries of `type` (the deadline service's events reach reporting through the bus). */
  async function timelineWith(id: string, type: string, n: number): Promise<Entry[]> {
    for (let i = 0; ; i++) {
      const tl = (await view(id)).timeline;
      if (tl.filter((e) => e.type === type).length >= n || i > 50) return tl;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await startTestPlatform(env());
    tk = await seedOffice(t);
    const register = async () => (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: `申请人${Math.random().toString(36).slice(2, 6)}` }] })).expect(201)).body.id as string;
    ids.routed = await register();
    await post(`/api/v1/petitions/${ids.routed}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    for (const stage of ['accepted', 'closed'] as const) {
      ids[stage] = await register();
      await post(`/api/v1/petitions/${ids[stage]}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
      await post(`/api/v1/petitions/${ids[stage]}/accept`, 'housing1').expect(200);
    }
    await post(`/api/v1/petitions/${ids.closed}/close`, 'housing1', { kind: 'substantive', outcome: 'explain', opinion: '已解释说明。' }).expect(200);
  }, 60_000);
  afterAll(() => t?.stop());

  it('withholds, before the notice, what only the notice can settle and computes what the law makes certain', async () => {
    expect(await deadline(ids.routed, 'objection')).toMatchObject({ dueAt: null, lastDay: null, withheld: true, awaitsCalendarYear: 2027 });
    expect(await deadline(ids.closed, 'review-request')).toMatchObject({ dueAt: null, withheld: true, awaitsCalendarYear: 2027 });
    // Accepted Mon 2026-12-28, 60 days: Fri 2027-02-26, 18 days after 初三 (02-08): an ordinary working day for certain.
    expect(await deadline(ids.accepted, 'handling')).toMatchObject({ lastDay: '2027-02-26', state: 'pending' });
    const list = await years();
    expect(list.years).not.toContain(2027);
    expect(list.items.every((i) => i.source === 'bundled' && i.loadedBy === null)).toBe(true);
  });

  it('refuses a notice that leaves a statutory holiday out, naming the date, and keeps nothing', async () => {
    const broken = { ...EXAMPLE_NOTICE_2027, holidays: EXAMPLE_NOTICE_2027.holidays.filter((d) => d !== '2027-02-06') };
    const res = await post('/api/v1/admin/calendar', 'admin', broken).expect(422);
    expect(res.body.message).toContain('2027-02-06');
    expect(res.body.message).toMatch(/春节（正月初一）是法定节假日/);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: '2027-02-06' })]));
    // A weekday as a make-up working day, and two years at once.
    const weekday = await post('/api/v1/admin/calendar', 'admin', { ...EXAMPLE_NOTICE_2027, workdays: ['2027-02-22'] }).expect(422);
    expect(weekday.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: '2027-02-22', messages: [expect.stringContaining('调休上班日只能是星期六或星期日')] })]));
    const two = await post('/api/v1/admin/calendar', 'admin', { years: { '2027': {}, '2028': {} } }).expect(422);
    expect(two.body.details[0]).toMatchObject({ field: 'years' });
    // Only an administrator.
    await post('/api/v1/admin/calendar', 'office1', EXAMPLE_NOTICE_2027).expect(403);
    expect((await years()).years).not.toContain(2027);
    expect(await deadline(ids.routed, 'objection')).toMatchObject({ dueAt: null, withheld: true });
  });

  let loaded: YearView;
  it('applies the notice at once: the withheld deadlines computed, the timer armed, the timeline and the list say so', async () => {
    const res = await post('/api/v1/admin/calendar', 'admin', EXAMPLE_NOTICE_2027).expect(200);
    loaded = res.body as YearView;
    expect(loaded).toMatchObject({ year: 2027, source: 'uploaded', loadedBy: 'admin', notice: EXAMPLE_NOTICE_2027.notice });
    expect(loaded.loadedAt).toMatch(/^2026-12-28T\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    const r = loaded.result!;
    const changes = r.cases.flatMap((c) => c.deadlines.map((d) => ({ caseId: c.caseId, ...d })));
    expect(changes).toEqual(
      expect.arrayContaining([
        // Routed Mon 12-28: working days 12-29, 12-30, 12-31, then 01-01 to 01-03 off: 01-04, 01-05.
        { caseId: ids.routed, kind: 'objection', change: 'computed', lastDay: '2027-01-05', previousLastDay: null },
        // Closed 12-28, 30 days: Wed 2027-01-27, a working day under the notice.
        { caseId: ids.closed, kind: 'review-request', change: 'computed', lastDay: '2027-01-27', previousLastDay: null },
      ]),
    );
    expect(r.computed).toBe(changes.filter((c) => c.change === 'computed').length);
    expect(r.moved).toBe(0);
    // The objection window is the unit's: its breach timer (and the warnings within the window) are armed.
    expect(r.timersArmed).toBeGreaterThanOrEqual(1);

    const objection = await deadline(ids.routed, 'objection');
    expect(objection).toMatchObject({ lastDay: '2027-01-05', dueAt: '2027-01-06T00:00:00+08:00', state: 'pending' });
    expect(objection.withheld).toBeUndefined();
    expect(await deadline(ids.closed, 'review-request')).toMatchObject({ lastDay: '2027-01-27', dueAt: '2027-01-28T00:00:00+08:00' });
    const tl = await timelineWith(ids.routed, 'deadline-recomputed', 1);
    expect(tl.find((e) => e.type === 'deadline-recomputed')).toMatchObject({ actor: 'admin', detail: { kind: 'objection', lastDay: '2027-01-05', previousLastDay: null, calendarYear: 2027 } });

    const list = await years();
    expect(list.years).toContain(2027);
    const y2027 = list.items.find((i) => i.year === 2027)!;
    expect(y2027).toMatchObject({
      source: 'uploaded',
      loadedBy: 'admin',
      loadedAt: loaded.loadedAt,
      holidays: [...EXAMPLE_NOTICE_2027.holidays].sort(),
      workdays: [...EXAMPLE_NOTICE_2027.workdays].sort(),
    });
    expect(y2027.result).toMatchObject({ computed: r.computed, moved: 0 });
    expect(list.items.find((i) => i.year === 2026)).toMatchObject({ source: 'bundled', loadedBy: null });
  });

  it('moves, on a later notice of the year, a deadline whose last day the law alone had called certain', async () => {
    // A one-off decision (as 2015-09-03): Fri 2027-02-26 a day off; the handling period rolls over it to the next
    // day that is not a holiday, Sat 02-27 (the policy rolls over holidays, not weekends).
    const decision = { ...EXAMPLE_NOTICE_2027, notice: `${EXAMPLE_NOTICE_2027.notice}；国务院关于2027年2月26日放假的决定`, holidays: [...EXAMPLE_NOTICE_2027.holidays, '2027-02-26'] };
    // As if the 5-day warning for 02-26 had gone out: it is owed again for the new last day.
    const lastWarning = (v?: string) => {
      const d = new Database(join(t.dataDir, 'deadline.sqlite'), { timeout: 5000 });
      try {
        if (v) expect(d.prepare("UPDATE deadline SET lastWarning = revision || '.5' WHERE caseId = ? AND kind = 'handling'").run(ids.accepted).changes).toBe(1);
        return (d.prepare("SELECT lastWarning FROM deadline WHERE caseId = ? AND kind = 'handling'").get(ids.accepted) as { lastWarning: string | null }).lastWarning;
      } finally {
        d.close();
      }
    };
    expect(lastWarning('sent')).toMatch(/\.5$/);
    const r = (await post('/api/v1/admin/calendar', 'admin', decision).expect(200)).body.result as Result;
    expect(lastWarning()).toBeNull();
    const moved = r.cases.flatMap((c) => c.deadlines.filter((d) => d.change === 'moved').map((d) => ({ caseId: c.caseId, ...d })));
    expect(moved).toContainEqual({ caseId: ids.accepted, kind: 'handling', change: 'moved', lastDay: '2027-02-27', previousLastDay: '2027-02-26' });
    expect(r.moved).toBe(moved.length);
    expect(r.computed).toBe(0);
    expect(await deadline(ids.accepted, 'handling')).toMatchObject({ lastDay: '2027-02-27', dueAt: '2027-02-28T00:00:00+08:00' });
    const tl = await timelineWith(ids.accepted, 'deadline-recomputed', 1);
    expect(tl.filter((e) => e.type === 'deadline-recomputed').pop()).toMatchObject({ detail: { kind: 'handling', lastDay: '2027-02-27', previousLastDay: '2027-02-26' } });
  });

  it('starts again with the uploaded notice (kept by the services, no file)', async () => {
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestPlatform(env(), dataDir);
    const list = await years();
    expect(list.items.find((i) => i.year === 2027)).toMatchObject({ source: 'uploaded', loadedBy: 'admin' });
    expect(list.items.find((i) => i.year === 2027)!.holidays).toContain('2027-02-26');
    expect(await deadline(ids.routed, 'objection')).toMatchObject({ lastDay: '2027-01-05', state: 'pending' });
    expect(await deadline(ids.accepted, 'handling')).toMatchObject({ lastDay: '2027-02-27' });
  }, 60_000);
});
