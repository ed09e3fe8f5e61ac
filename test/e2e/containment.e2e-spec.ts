import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * A bad fact never takes down more than its own case (issue 8): rows no API would write are
 * planted straight into each service's SQLite database while the platform runs (a feedback date
 * of 2024-02-30 in the facts the deadlines are computed from, records that do not parse, a
 * sealed value that does not open, a state no machine knows). Lists, the case page, the
 * summary, the annual report in every format, the backlog and the breakdowns still answer for
 * everyone; the planted case is shown with an error marker; a command on it is a 422 naming it
 * with nothing committed; every other case goes on, commands and deadlines included.
 */
describe('a planted bad case is contained to itself', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const get = (path: string, who: string, query: Record<string, unknown> = {}) => t.http().get(path).query(query).set(as(who));
  const year = new Date().getFullYear();
  const db = (service: string) => new Database(join(t.dataDir, `${service}.sqlite`), { timeout: 5000 });
  const plant = (service: string, sql: string, ...params: unknown[]) => {
    const d = db(service);
    try {
      expect(d.prepare(sql).run(...params).changes).toBe(1);
    } finally {
      d.close();
    }
  };
  const read = <T>(service: string, sql: string, ...params: unknown[]): T[] => {
    const d = db(service);
    try {
      return d.prepare(sql).all(...params) as T[];
    } finally {
      d.close();
    }
  };

  async function register(extra: Record<string, unknown> = {}) {
    n++;
    const body = walkIn({ petitioners: [{ name: `隔离${n}`, idNumber: idNumberOf(`4503021982030${String(1000 + n).slice(-4)}`), phone: '13812345678' }], ...extra });
    return (await post('/api/v1/petitions', 'reception1', body).expect(201)).body as { id: string; trackingNo: string };
  }
  const route = (id: string) => post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' });

  /** Every read that lists, counts or reports cases, as each role reads it: none may fail. */
  async function everyReadAnswers() {
    for (const who of ['office1', 'leader1', 'admin']) {
      await get('/api/v1/petitions', who).expect(200);
      await get('/api/v1/petitions', who, { sort: 'urgency' }).expect(200);
      await get('/api/v1/petitions', who, { overdue: true }).expect(200);
      await get('/api/v1/petitions', who, { overdue: false }).expect(200);
      await get('/api/v1/reports/summary', who, { from: `${year}-01-01`, to: `${year}-12-31` }).expect(200);
      await get('/api/v1/reports/backlog', who).expect(200);
      for (const by of ['unit', 'category', 'channel', 'authority', 'month']) await get('/api/v1/reports/breakdown', who, { by, from: `${year}-01-01`, to: `${year}-12-31` }).expect(200);
    }
    await get('/api/v1/petitions', 'housing1').expect(200);
    for (const format of ['text', 'csv', 'xlsx']) await get('/api/v1/reports/annual', 'leader1', { year, format }).expect(200);
    await get('/api/v1/reports/annual', 'leader1', { year }).expect(200);
  }

  /** A case registered, routed, accepted and closed after the plants: the platform goes on. */
  async function aWholeCaseStillWorks() {
    const c = await register();
    await route(c.id).expect(200);
    await post(`/api/v1/petitions/${c.id}/accept`, 'housing1').expect(200);
    const closed = (await post(`/api/v1/petitions/${c.id}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '已解决。' }).expect(200)).body;
    expect(closed).toMatchObject({ status: 'closed', renderError: null });
    expect(closed.deadlines.map((d: { kind: string }) => d.kind)).toEqual(expect.arrayContaining(['handling', 'evaluation', 'review-request']));
    return c;
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('reporting: an impossible date in the facts, records that do not parse, a sealed value that does not open', async () => {
    const good = await register();
    await route(good.id).expect(200);
    const [badDate, badExtra, badPii, badTimeline] = [
      await register({ assignedBy: { authority: 'central', reference: '国信转〔2026〕1号', feedbackDueAt: `${year + 1}-01-20` }, backlog: true }),
      await register(),
      await register(),
      await register(),
    ];
    for (const c of [badDate, badExtra]) await route(c.id).expect(200);

    // The original bug: 2024-02-30 in the facts the deadlines are computed from.
    const [{ facts }] = read<{ facts: string }>('reporting', 'SELECT facts FROM rpt_case WHERE id = ?', badDate.id);
    const planted = (JSON.parse(facts) as Record<string, unknown>[]).map((f) => (f.type === 'registered' ? { ...f, feedbackDueDate: '2024-02-30' } : f));
    plant('reporting', 'UPDATE rpt_case SET facts = ? WHERE id = ?', JSON.stringify(planted), badDate.id);
    plant('reporting', 'UPDATE rpt_case SET extra = \'{"evaluation": \' WHERE id = ?', badExtra.id);
    plant('reporting', 'UPDATE rpt_case SET petitioners = \'[{"name":"x","idNumber":"pii:v1:zz:AAAAAAAAAAAAAAAA:AAAA:AAAAAAAAAAAAAAAAAAAAAA"}]\' WHERE id = ?', badPii.id);
    plant('reporting', "UPDATE rpt_case SET timeline = 'not json' WHERE id = ?", badTimeline.id);
    // The reports read columns the projection derives from the history as each event arrives: the
    // next event of the case meets the planted date (as an event carrying it would) and marks the case.
    await post(`/api/v1/petitions/${badDate.id}/supervise`, 'office1', { note: '请加快办理' }).expect(200);

    await everyReadAnswers();

    // The lists show every case, the planted ones with their marker, in every order and filter.
    const all = (await get('/api/v1/petitions', 'office1', { pageSize: 200 }).expect(200)).body;
    const byId = new Map(all.items.map((i: { id: string }) => [i.id, i]));
    const marked = (c: { id: string; trackingNo: string }) => ({
      id: c.id,
      trackingNo: c.trackingNo,
      renderError: { code: 'CASE_DATA_INVALID', message: expect.stringContaining(c.trackingNo) },
      nextDeadline: null,
    });
    for (const c of [badDate, badExtra, badTimeline]) expect(byId.get(c.id)).toMatchObject(marked(c));
    // A sealed value no key opens is shown as such, to the administrator too; the rest of the case as usual.
    expect(byId.get(badPii.id)).toMatchObject({ renderError: null });
    await get('/api/v1/petitions', 'admin', { pageSize: 200 }).expect(200);
    expect(byId.get(good.id)).toMatchObject({ renderError: null, nextDeadline: { kind: 'acceptance-notice' } });
    const urgent = (await get('/api/v1/petitions', 'office1', { sort: 'urgency', pageSize: 200 }).expect(200)).body.items.map((i: { id: string }) => i.id);
    expect(urgent).toEqual(expect.arrayContaining([good.id, badDate.id, badExtra.id, badPii.id, badTimeline.id]));
    expect(urgent.indexOf(good.id)).toBeLessThan(urgent.indexOf(badDate.id));
    // The detail says what failed, for the administrator, without personal data.
    expect(JSON.stringify(all.items)).not.toMatch(/4503021982/);

    // The case page answers with what the columns hold, the marker, and no actions.
    const page = (await get(`/api/v1/petitions/${badDate.id}`, 'office1').expect(200)).body;
    expect(page).toMatchObject({
      id: badDate.id,
      status: 'routed',
      unitCode: 'housing',
      deadlines: [],
      allowedActions: [],
      renderError: { code: 'CASE_DATA_INVALID', detail: expect.stringContaining('2024-02-30') },
    });
    expect((await get(`/api/v1/petitions/${badPii.id}`, 'admin').expect(200)).body).toMatchObject({ petitioners: [{ name: 'x', idNumber: '[无法解密]' }], renderError: null });
    expect((await get(`/api/v1/petitions/${badTimeline.id}`, 'office1').expect(200)).body).toMatchObject({ timeline: [], renderError: { code: 'CASE_DATA_INVALID' } });
    expect((await get(`/api/v1/petitions/${good.id}`, 'office1').expect(200)).body).toMatchObject({ renderError: null, allowedActions: ['decline', 'supervise'] });
    // A preview of an action on it: 422 naming the case, not a 500.
    const preview = await get(`/api/v1/petitions/${badDate.id}/preview`, 'housing1', { action: 'accept' }).expect(422);
    expect(preview.body).toMatchObject({ code: 'CASE_DATA_INVALID', message: expect.stringContaining(badDate.trackingNo) });

    // The summary counts what the columns say and names the cases it left out of the rest.
    const summary = (await get('/api/v1/reports/summary', 'leader1', { from: `${year}-01-01`, to: `${year}-12-31` }).expect(200)).body;
    expect(summary.received.cases).toBe(n);
    // The date: the figures read no records, timeline or petitioners (the list and the case page do, above).
    expect(summary.unrenderable).toEqual({ cases: 1, items: [{ id: badDate.id, trackingNo: badDate.trackingNo }] });
    expect(summary.rates.timelyAcceptance.denominator).toBeLessThanOrEqual(n - 1);
    const drill = (await get('/api/v1/reports/cases', 'leader1', { from: `${year}-01-01`, to: `${year}-12-31`, figure: 'timelyAcceptance', part: 'denominator', pageSize: 200 }).expect(200)).body;
    expect(drill.items.map((i: { id: string }) => i.id)).not.toContain(badDate.id);
    // The backlog lists the planted case assigned from above, marked, without a due date.
    const backlog = (await get('/api/v1/reports/backlog', 'leader1').expect(200)).body;
    expect(backlog.find((b: { id: string }) => b.id === badDate.id)).toMatchObject({ authority: 'central', dueAt: null, overdue: false, renderError: { code: 'CASE_DATA_INVALID' } });
    // The annual report says which cases it could not count, in words and in the spreadsheet rows.
    const text = (await get('/api/v1/reports/annual', 'leader1', { year, format: 'text' }).expect(200)).text;
    expect(text).toContain('1件案件数据异常');
    expect(text).toContain(badDate.trackingNo);
    const csv = (await get('/api/v1/reports/annual', 'leader1', { year, format: 'csv' }).expect(200)).text;
    expect(csv).toContain('数据异常、未计入期限类指标的案件（件）');

    await aWholeCaseStillWorks();
  }, 120000);

  it('assignment, closure and deadline: a command on the planted case is a 422 naming it, nothing committed; the others go on', async () => {
    const [toRoute, toClose, toAccept] = [await register(), await register(), await register()];
    for (const c of [toClose, toAccept]) await route(c.id).expect(200);
    await post(`/api/v1/petitions/${toClose.id}/accept`, 'housing1').expect(200);

    // assignment: a state no machine knows, in the row the routing is decided from.
    plant('assignment', "UPDATE assignment_case SET status = 'bogus' WHERE id = ?", toRoute.id);
    // closure: the history its windows are computed from does not parse.
    plant('closure', 'UPDATE closure_case SET facts = \'[{"type":\' WHERE id = ?', toClose.id);
    // deadline: the facts the deadline service recomputes from do not parse.
    plant('deadline', "UPDATE deadline_case SET facts = '{' WHERE caseId = ?", toAccept.id);
    const beforeClose = read('closure', 'SELECT * FROM closure_case WHERE id = ?', toClose.id);

    expect((await route(toRoute.id).expect(422)).body).toMatchObject({ code: 'CASE_DATA_INVALID', message: expect.stringContaining('「bogus」') });
    const refusedClose = await post(`/api/v1/petitions/${toClose.id}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '已解决。' }).expect(422);
    expect(refusedClose.body).toMatchObject({ code: 'CASE_DATA_INVALID', message: expect.stringContaining(toClose.id) });
    expect(refusedClose.body.message).toContain('办结服务');
    expect(read('closure', 'SELECT * FROM closure_case WHERE id = ?', toClose.id)).toEqual(beforeClose);
    expect((await get(`/api/v1/petitions/${toClose.id}`, 'office1').expect(200)).body.status).toBe('accepted');

    // The deadline service cannot follow the accepted case; the acceptance itself is the
    // assignment service's and stands, and the deadline service goes on with every other case.
    await post(`/api/v1/petitions/${toAccept.id}/accept`, 'housing1').expect(200);
    const other = await aWholeCaseStillWorks();
    const kinds = () => read<{ kind: string }>('deadline', 'SELECT kind FROM deadline WHERE caseId = ?', other.id).map((r) => r.kind);
    for (let i = 0; i < 100 && !kinds().includes('evaluation'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(kinds()).toEqual(expect.arrayContaining(['handling', 'evaluation']));
    // ... while the planted case's acceptance never reached its deadlines there.
    expect(read<{ kind: string }>('deadline', 'SELECT kind FROM deadline WHERE caseId = ?', toAccept.id).map((r) => r.kind)).not.toContain('handling');
    await everyReadAnswers();
  }, 120000);

  it('intake: a petitioner row whose sealed values do not open; registrations and the person search go on', async () => {
    const c = await register();
    plant(
      'intake',
      "UPDATE intake_petitioner SET idNumber = 'pii:v1:zz:AAAAAAAAAAAAAAAA:AAAA:AAAAAAAAAAAAAAAAAAAAAA', phone = 'pii:v1:zz:AAAAAAAAAAAAAAAA:AAAA:AAAAAAAAAAAAAAAAAAAAAA' WHERE caseId = ?",
      c.id,
    );
    plant('intake', "UPDATE intake_case SET receivedAt = 'garbage' WHERE id = ?", c.id);
    // The same person again: found by the blind index, joins the case as a repeat contact.
    const again = (
      await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: `隔离${n}`, idNumber: idNumberOf(`4503021982030${String(1000 + n).slice(-4)}`), phone: '13812345678' }] })).expect(
        200,
      )
    ).body;
    expect(again.id).toBe(c.id);
    const found = (await get('/api/v1/petitioners/cases', 'reception1', { idNumber: idNumberOf(`4503021982030${String(1000 + n).slice(-4)}`) }).expect(200)).body;
    expect(found.items.map((i: { id: string }) => i.id)).toContain(c.id);
    await aWholeCaseStillWorks();
    await everyReadAnswers();
  }, 120000);
});
