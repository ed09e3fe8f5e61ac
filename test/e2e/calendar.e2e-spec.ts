import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

type Deadline = { kind: string; dueAt: string | null; lastDay: string | null; state: string; basis: string; revision: number; withheld?: boolean; awaitsCalendarYear?: number };

/**
 * "Refuse to compute a working-day deadline in a year [the calendar] does not cover rather than
 * guess" (domain doc), deadline by deadline: the office's clock is moved to 2030-12-28, a year
 * whose State Council notice the bundled calendar cannot have. The case goes on; the objection
 * window stays uncomputed until a restart loads the year's data (CALENDAR_FILE).
 */
describe('a year the holiday calendar lacks', () => {
  const officeNow = Date.parse('2030-12-28T10:00:00+08:00');
  const env = () => ({ CLOCK_OFFSET_MS: String(officeNow - Date.now()) });
  let t: TestPlatform | undefined;
  afterAll(() => t?.stop());

  it('withholds only the working-day objection window, lets the unit object, and computes it once the data is loaded', async () => {
    t = await startTestPlatform(env());
    const tk = await seedOffice(t);
    const post = (path: string, who: string, body: object = {}) => t!.http().post(path).set(bearer(tk[who])).send(body);
    const view = async (id: string) => (await t!.http().get(`/api/v1/petitions/${id}`).set(bearer(tk.office1)).expect(200)).body as { deadlines: Deadline[]; overdue: boolean };

    const id = (await post('/api/v1/petitions', 'reception1', walkIn()).expect(201)).body.id as string;
    const routed = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    const kinds = (routed.body.deadlines as Deadline[]).map((d) => `${d.kind}:${d.state}:${d.lastDay}`);
    expect(kinds).toEqual(['route:met:2031-01-12', 'acceptance-notice:pending:2031-01-12', 'objection:pending:null']);
    const objection = (routed.body.deadlines as Deadline[]).find((d) => d.kind === 'objection')!;
    expect(objection).toMatchObject({ dueAt: null, withheld: true, awaitsCalendarYear: 2030, revision: 1 });
    expect(objection.basis).toContain('无法计算：2030 年节假日安排尚未收录');

    // Never called late on a guess: the unit's objection goes through.
    const back = await post(`/api/v1/petitions/${id}/object`, 'housing1', { reason: '属于人社部门职责' }).expect(200);
    expect(back.body.status).toBe('registered');
    expect((back.body.deadlines as Deadline[]).find((d) => d.kind === 'objection')).toMatchObject({ state: 'met', dueAt: null, withheld: true });
    expect(back.body.overdue).toBe(false);

    // The notices for 2030 and 2031 arrive; the office loads them and restarts.
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    const file = join(dataDir, 'calendar-2030.json');
    writeFileSync(file, JSON.stringify({ years: { '2030': { holidays: ['2030-12-31'], workdays: [] }, '2031': { holidays: ['2031-01-01'], workdays: [] } } }));
    t = await startTestPlatform({ ...env(), CALENDAR_FILE: file }, dataDir);
    const after = (await view(id)).deadlines.find((d) => d.kind === 'objection')!;
    // Routed Sat 2030-12-28: working days 12-30, 01-02, 01-03, 01-06, 01-07 (12-31 and 01-01 off).
    expect(after).toMatchObject({ state: 'met', lastDay: '2031-01-07', revision: 1 });
    expect(after.withheld).toBeUndefined();
    expect(after.dueAt).toBe('2031-01-08T00:00:00+08:00');
  }, 60_000);
});
