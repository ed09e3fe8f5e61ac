import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

type Deadline = { kind: string; dueAt: string; lastDay: string; state: string; revision: number; basis: string };
const deadline = (body: { deadlines: Deadline[] }, kind: string) => body.deadlines.find((d) => d.kind === kind)!;
const dayDiff = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;

/** The whole lifecycle of the 2022 Regulations through the HTTP contract (embedded mode). */
describe('case lifecycle', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  /** A fresh case of a fresh petitioner, optionally routed to housing and accepted there. */
  async function newCase(stage: 'registered' | 'routed' | 'accepted' | 'closed' = 'registered', extra: Record<string, unknown> = {}): Promise<string> {
    n++;
    const id = (
      await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: `申请人${n}`, idNumber: idNumberOf(`4503021980010${String(1000 + n).slice(-4)}`) }], ...extra })).expect(201)
    ).body.id;
    if (stage === 'registered') return id;
    await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    if (stage === 'routed') return id;
    await post(`/api/v1/petitions/${id}/accept`, 'housing1').expect(200);
    if (stage === 'accepted') return id;
    await post(`/api/v1/petitions/${id}/close`, 'housing1', { kind: 'substantive', outcome: 'explain', opinion: '已解释说明。' }).expect(200);
    return id;
  }

  beforeAll(async () => {
    t = await startTestPlatform({ ESCALATE_AFTER_HOURS: '1', LATE_ENTRY_SETTLE_MINUTES: '0' });
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('the petition office declines an unrouted case; nothing more can be done with it (409 naming the state)', async () => {
    const id = await newCase();
    const res = await post(`/api/v1/petitions/${id}/decline`, 'office1', { reason: 'out-of-scope', note: '不属于信访事项' }).expect(200);
    expect(res.body).toMatchObject({ status: 'declined', decline: { reason: 'out-of-scope' } });
    const again = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(409);
    expect(again.body.code).toBe('CASE_STATE');
    expect(again.body.message).toContain('「不予受理」');
  });

  it('a handler may decline only a case routed to its own unit', async () => {
    const id = await newCase();
    // Not yet routed: not the unit's case at all.
    expect((await post(`/api/v1/petitions/${id}/decline`, 'housing1', { reason: 'pending-elsewhere' }).expect(403)).body.code).toBe('WRONG_UNIT');
    await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    expect((await post(`/api/v1/petitions/${id}/decline`, 'labour1', { reason: 'pending-elsewhere' }).expect(403)).body.code).toBe('WRONG_UNIT');
    const res = await post(`/api/v1/petitions/${id}/decline`, 'housing1', { reason: 'pending-elsewhere' }).expect(200);
    expect(res.body.status).toBe('declined');
  });

  it('a unit sends a wrong transfer back within 5 working days; the office routes it again (Art. 23(3))', async () => {
    const id = await newCase('routed');
    const back = await post(`/api/v1/petitions/${id}/object`, 'housing1', { reason: '属于人社部门职责' }).expect(200);
    expect(back.body).toMatchObject({ status: 'registered', unitCode: null, objections: [{ unitCode: 'housing', reason: '属于人社部门职责' }] });
    expect(back.body.objections[0].at).toMatch(/\+08:00$/);
    expect(deadline(back.body, 'route').revision).toBe(2);
    const rerouted = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'labour' }).expect(200);
    expect(rerouted.body).toMatchObject({ status: 'routed', unitCode: 'labour' });
    await post(`/api/v1/petitions/${id}/accept`, 'labour1').expect(200);
  });

  it('refuses an objection after the 5 working days (422 citing Art. 23)', async () => {
    const reg = await post('/api/v1/petitions', 'admin', walkIn({ receivedAt: '2024-09-25T10:00:00+08:00', petitioners: [{ name: '迟到' }] })).expect(201);
    await post(`/api/v1/petitions/${reg.body.id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: '2024-09-27T10:00:00+08:00' }).expect(200);
    const res = await post(`/api/v1/petitions/${reg.body.id}/object`, 'housing1', { reason: '不属于本单位' }).expect(422);
    expect(res.body.code).toBe('REGULATION');
    expect(res.body.message).toContain('第二十三条');
    // 2024-09-27 + 5 working days, across National Day (and the make-up Saturday 10-12): 10-10, ending 24:00.
    expect(res.body.message).toContain('2024-10-11T00:00:00+08:00');
  });

  it('extends the handling period with the head’s approval, at most 30 days in total (Art. 34)', async () => {
    const id = await newCase('accepted');
    const before = (await t.http().get(`/api/v1/petitions/${id}`).set(as('housing1')).expect(200)).body;
    const ext = await post(`/api/v1/petitions/${id}/extend`, 'housing1', { days: 20, reason: '需实地调查', approvedBy: '局长 李明', petitionerNotice: '电话告知' }).expect(200);
    expect(ext.body.extension).toEqual({ days: 20, reason: '需实地调查', approvedBy: '局长 李明', petitionerNotice: '电话告知' });
    const h1 = deadline(before, 'handling');
    const h2 = deadline(ext.body, 'handling');
    expect(dayDiff(h1.dueAt, h2.dueAt)).toBe(20);
    expect(h2.revision).toBe(h1.revision + 1);
    const tooMuch = await post(`/api/v1/petitions/${id}/extend`, 'housing1', { days: 11, reason: '仍需调查', approvedBy: '局长 李明' }).expect(422);
    expect(tooMuch.body.code).toBe('REGULATION');
    expect(tooMuch.body.message).toContain('第三十四条');
    const rest = await post(`/api/v1/petitions/${id}/extend`, 'housing1', { days: 10, reason: '仍需调查', approvedBy: '局长 李明' }).expect(200);
    expect(rest.body.extension.days).toBe(30);
    const invalid = await post(`/api/v1/petitions/${id}/extend`, 'housing1', { days: 31, reason: 'x', approvedBy: 'y' }).expect(400);
    expect(invalid.body).toMatchObject({ code: 'FIELD_INVALID', details: [{ field: 'days', messages: ['延期天数不得大于 30'] }] });
  });

  it('diverts a case that belongs to litigation (Art. 31)', async () => {
    const id = await newCase('accepted');
    const res = await post(`/api/v1/petitions/${id}/divert`, 'housing1', { procedure: 'litigation', note: '已告知向法院起诉' }).expect(200);
    expect(res.body).toMatchObject({ status: 'diverted', diversion: { procedure: 'litigation' } });
  });

  it('records the petitioner’s evaluation once', async () => {
    const id = await newCase('closed');
    const pending = (await t.http().get(`/api/v1/petitions/${id}`).set(as('office1')).expect(200)).body;
    expect(pending.evaluationState).toBe('待评价');
    const res = await post(`/api/v1/petitions/${id}/evaluate`, 'reception1', { rating: 'basically-satisfied' }).expect(200);
    expect(res.body.evaluation).toMatchObject({ rating: 'basically-satisfied' });
    expect(res.body.evaluationState).toBe('已评价');
    expect((await post(`/api/v1/petitions/${id}/evaluate`, 'reception1', { rating: 'satisfied' }).expect(409)).body).toMatchObject({ code: 'CASE_STATE', message: expect.stringContaining('已评价') });
    expect((await post(`/api/v1/petitions/${id}/evaluate`, 'housing1', { rating: 'satisfied' }).expect(403)).body.code).toBe('FORBIDDEN');
  });

  it('goes through review and re-review; after re-review the matter is final and not accepted again (Art. 35–36)', async () => {
    const id = await newCase('closed');
    await post(`/api/v1/petitions/${id}/re-review-request`, 'reception1').expect(422);
    const asked = await post(`/api/v1/petitions/${id}/review-request`, 'reception1').expect(200);
    expect(asked.body.status).toBe('under-review');
    expect(deadline(asked.body, 'review-opinion').state).toBe('pending');
    const reviewed = await post(`/api/v1/petitions/${id}/review-opinion`, 'office1', { kind: 'substantive', outcome: 'support', opinion: '复查支持。' }).expect(200);
    expect(reviewed.body).toMatchObject({ status: 'closed', review: { opinion: { outcome: 'support' } }, closure: { outcome: 'support' } });
    await post(`/api/v1/petitions/${id}/review-request`, 'reception1').expect(409);
    const again = await post(`/api/v1/petitions/${id}/re-review-request`, 'reception1').expect(200);
    expect(again.body.status).toBe('under-re-review');
    const final = await post(`/api/v1/petitions/${id}/re-review-opinion`, 'office1', { kind: 'procedural', outcome: 'not-support', opinion: '复核维持。', hearingDays: 3 }).expect(200);
    expect(final.body.status).toBe('final');
    const refused = await post(`/api/v1/petitions/${id}/review-request`, 'reception1').expect(422);
    expect(refused.body.code).toBe('REGULATION');
    expect(refused.body.message).toContain('第三十六条第三款');
    // The same person comes back on the same matter: a new case, marked as already re-reviewed…
    const same = await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: `申请人${n}`, idNumber: idNumberOf(`4503021980010${String(1000 + n).slice(-4)}`) }] })).expect(201);
    expect(same.body.priorFinalCase).toMatchObject({ id });
    // …which the petition office does not accept again (不再受理).
    const declined = await post(`/api/v1/petitions/${same.body.id}/decline`, 'office1', { reason: 'exhausted' }).expect(200);
    expect(declined.body).toMatchObject({ status: 'declined', decline: { reason: 'exhausted' } });
  });

  it('refuses a review asked for after the 30-day window (422 citing Art. 35)', async () => {
    const reg = await post('/api/v1/petitions', 'admin', walkIn({ receivedAt: '2024-03-01T10:00:00+08:00', petitioners: [{ name: '逾期复查' }] })).expect(201);
    const id = reg.body.id;
    await post(`/api/v1/petitions/${id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: '2024-03-02T10:00:00+08:00' }).expect(200);
    await post(`/api/v1/petitions/${id}/accept`, 'admin', { at: '2024-03-04T10:00:00+08:00' }).expect(200);
    await post(`/api/v1/petitions/${id}/close`, 'admin', { kind: 'substantive', outcome: 'explain', opinion: '答复。', at: '2024-03-20T10:00:00+08:00' }).expect(200);
    const res = await post(`/api/v1/petitions/${id}/review-request`, 'reception1').expect(422);
    expect(res.body.code).toBe('REGULATION');
    expect(res.body.message).toContain('第三十五条');
  });

  it('supervision by the office or a leader (督办); not by reception, not on a final case', async () => {
    const id = await newCase('accepted');
    await post(`/api/v1/petitions/${id}/supervise`, 'reception1', { note: '请加快' }).expect(403);
    const res = await post(`/api/v1/petitions/${id}/supervise`, 'leader1', { note: '请于本周内办结' }).expect(200);
    expect(res.body.supervised).toBe(true);
    expect(res.body.supervisions).toEqual([expect.objectContaining({ note: '请于本周内办结', automatic: false, by: 'leader1' })]);
  });

  it('announces a missed deadline and escalates it to supervision automatically', async () => {
    // Received 20 days ago and never routed: the 15-day routing period (Art. 22) has run out.
    const received = new Date(Date.now() - 20 * 86_400_000).toISOString();
    const reg = await post('/api/v1/petitions', 'admin', walkIn({ receivedAt: received, petitioners: [{ name: '逾期未转' }] })).expect(201);
    const deadlineFor = async () => (await t.http().get(`/api/v1/petitions/${reg.body.id}`).set(as('office1')).expect(200)).body;
    let view = await deadlineFor();
    for (let i = 0; i < 50 && !view.supervised; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await deadlineFor();
    }
    expect(view.overdue).toBe(true);
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['deadline-breached', 'supervised']));
    expect(view.supervisions[0]).toMatchObject({ automatic: true, by: null });
    expect(view.supervisions[0].at).toMatch(/\+08:00$/);
    const list = await t.http().get('/api/v1/petitions').query({ overdue: 'true' }).set(as('office1')).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(reg.body.id);
  });

  it('flags a visit of 5 or more people as a group visit', async () => {
    const res = await post('/api/v1/petitions', 'reception1', walkIn({ headcount: 5, petitioners: [{ name: '集体访代表' }] })).expect(201);
    expect(res.body.groupVisit).toBe(true);
  });

  it('registers visits under a leadership reception session and counts them', async () => {
    await post('/api/v1/reception-sessions', 'reception1', { kind: 'leader-day', leader: '王县长', date: '2031-06-15' }).expect(403);
    const s = await post('/api/v1/reception-sessions', 'office1', { kind: 'leader-day', leader: '王县长', date: '2031-06-15' }).expect(201);
    expect(s.body).toMatchObject({ id: expect.any(String), kind: 'leader-day', leader: '王县长', date: '2031-06-15' });
    const bad = await post('/api/v1/petitions', 'reception1', walkIn({ receptionSessionId: '00000000-0000-4000-8000-000000000000', petitioners: [{ name: '无此场次' }] })).expect(400);
    expect(bad.body.details[0].field).toBe('receptionSessionId');
    await post('/api/v1/petitions', 'reception1', walkIn({ receptionSessionId: s.body.id, headcount: 3, petitioners: [{ name: '接访甲' }] })).expect(201);
    const sum = await t.http().get('/api/v1/reports/summary').query({ from: '2031-06-01', to: '2031-06-30' }).set(as('leader1')).expect(200);
    expect(sum.body.reception).toMatchObject({ sessions: 1, persons: 3, cases: 1 });
  });

  it('lists open cases assigned from above in the backlog report, and drops them once closed', async () => {
    const id = (
      await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '交办件' }], assignedBy: { authority: 'central', reference: '国信交〔2026〕1号' }, backlog: true })).expect(201)
    ).body.id;
    // No date from above: the date the office set for the unit is the one it answers to.
    await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'assign', unitCode: 'housing', feedbackDueAt: '2099-12-31' }).expect(200);
    const res = await t.http().get('/api/v1/reports/backlog').query({ authority: 'central' }).set(as('leader1')).expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({ id, authority: 'central', unitCode: 'housing', dueKind: 'unit-feedback', dueAt: '2100-01-01T00:00:00+08:00', overdue: false, supervised: false }),
    ]);
    await post(`/api/v1/petitions/${id}/accept`, 'housing1').expect(200);
    await post(`/api/v1/petitions/${id}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '已解决。' }).expect(200);
    expect((await t.http().get('/api/v1/reports/backlog').query({ authority: 'central' }).set(as('leader1')).expect(200)).body).toEqual([]);
    await t.http().get('/api/v1/reports/backlog').set(as('housing1')).expect(403);
  });
});
