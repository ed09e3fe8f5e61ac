import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/** Every string of a JSON answer that is an instant (date and time), with its path. */
function instantsOf(value: unknown, path = '$'): { path: string; value: string }[] {
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) ? [{ path, value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => instantsOf(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => instantsOf(v, `${path}.${k}`));
  return [];
}

/**
 * Issue 12, "Words": every instant of every answer is in the office's offset (+08:00), one format
 * — no UTC `Z` among them (review.requestedAt, decline.at, diversion.at … came back in UTC).
 */
describe('every instant in the office offset', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const answers: { where: string; body: unknown }[] = [];
  const as = (who: string) => bearer(tk[who]);
  const post = async (path: string, who: string, body: object = {}) => {
    const res = await t
      .http()
      .post(path)
      .set(as(who))
      .send(body)
      .expect((r) => expect(r.status).toBeLessThan(300));
    answers.push({ where: `POST ${path}`, body: res.body });
    return res.body;
  };
  const get = async (path: string, who: string, query: Record<string, unknown> = {}) => {
    const res = await t.http().get(path).query(query).set(as(who)).expect(200);
    answers.push({ where: `GET ${path}`, body: res.body });
    return res.body;
  };
  const register = async (extra: Record<string, unknown> = {}) => {
    n++;
    return (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: `时刻${n}`, idNumber: idNumberOf(`4503021983040${String(1000 + n).slice(-4)}`) }], ...extra }))).id as string;
  };

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('a case through routing, objection, supervision, extension, closure, rating, review and re-review; a declined and a diverted one', async () => {
    const id = await register({ assignedBy: { authority: 'provincial', reference: '桂信交〔2026〕8号' } });
    await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'labour' });
    await post(`/api/v1/petitions/${id}/object`, 'labour1', { reason: '不属于本单位职责' });
    await post(`/api/v1/petitions/${id}/supervise`, 'office1', { note: '请尽快转送' });
    await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'assign', unitCode: 'housing' });
    await post(`/api/v1/petitions/${id}/accept`, 'housing1');
    await post(`/api/v1/petitions/${id}/extend`, 'housing1', { days: 10, reason: '需要调查', approvedBy: '局长 李明' });
    await post(`/api/v1/petitions/${id}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '已解决。' });
    await post(`/api/v1/petitions/${id}/evaluate`, 'reception1', { rating: 'dissatisfied' });
    await post(`/api/v1/petitions/${id}/review-request`, 'reception1');
    await post(`/api/v1/petitions/${id}/review-opinion`, 'office1', { kind: 'substantive', outcome: 'support', opinion: '复查支持。' });
    await post(`/api/v1/petitions/${id}/re-review-request`, 'reception1');
    await post(`/api/v1/petitions/${id}/re-review-opinion`, 'office1', { kind: 'procedural', outcome: 'not-support', opinion: '复核维持。' });
    const declined = await register();
    await post(`/api/v1/petitions/${declined}/decline`, 'office1', { reason: 'out-of-scope', note: '不属于信访事项' });
    const diverted = await register();
    await post(`/api/v1/petitions/${diverted}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' });
    await post(`/api/v1/petitions/${diverted}/accept`, 'housing1');
    await post(`/api/v1/petitions/${diverted}/divert`, 'housing1', { procedure: 'litigation', note: '已告知向法院起诉' });

    for (const c of [id, declined, diverted]) await get(`/api/v1/petitions/${c}`, 'admin');
    await get('/api/v1/petitions', 'office1', { pageSize: 200 });
    await get('/api/v1/petitions', 'office1', { sort: 'urgency', pageSize: 200 });
    await get('/api/v1/reports/backlog', 'leader1');

    const view = (await get(`/api/v1/petitions/${id}`, 'admin')) as Record<string, Record<string, unknown>>;
    // The records that came back in UTC before.
    expect(view.review).toMatchObject({ requestedAt: expect.stringMatching(/\+08:00$/), opinion: { at: expect.stringMatching(/\+08:00$/) } });
    expect(view.reReview).toMatchObject({ requestedAt: expect.stringMatching(/\+08:00$/), opinion: { at: expect.stringMatching(/\+08:00$/) } });
    expect(((await get(`/api/v1/petitions/${declined}`, 'admin')) as { decline: { at: string } }).decline.at).toMatch(/\+08:00$/);
    expect(((await get(`/api/v1/petitions/${diverted}`, 'admin')) as { diversion: { at: string } }).diversion.at).toMatch(/\+08:00$/);

    const all = answers.flatMap(({ where, body }) => instantsOf(body).map((x) => ({ where, ...x })));
    expect(all.length).toBeGreaterThan(100);
    const format = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+08:00$/;
    expect(all.filter((x) => !format.test(x.value))).toEqual([]);
  });

  it('every basis names the unit by name, says the count starts the next day, and ends "至 … 24 时止"', async () => {
    const inDays = (k: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + k * 86_400_000));
    const id = await register({ assignedBy: { authority: 'central', reference: '国信交〔2026〕5号', feedbackDueAt: inDays(20) } });
    const routed = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'assign', unitCode: 'housing' });
    const accepted = await post(`/api/v1/petitions/${id}/accept`, 'housing1');
    const basis = (body: { deadlines: { kind: string; basis: string }[] }, kind: string) => body.deadlines.find((d) => d.kind === kind)!.basis;
    const today = inDays(0);
    expect(basis(routed, 'acceptance-notice')).toMatch(new RegExp(`^交办至住房和城乡建设局 ${today}，自次日起 15 日内告知受理情况（《信访工作条例》第二十三条）：至 \\d{4}-\\d\\d-\\d\\d 24 时止$`));
    expect(basis(routed, 'objection')).toContain('交办至住房和城乡建设局');
    expect(basis(accepted, 'handling')).toMatch(new RegExp(`^受理 ${today}，自次日起计算 60 日（《信访工作条例》第三十四条）：至 ${inDays(60)} 24 时止$`));
    expect(basis(accepted, 'feedback')).toBe(`上级交办 ${today}，要求于 ${inDays(20)}（含当日）前报送办理结果（《信访工作条例》第二十二条）：至 ${inDays(20)} 24 时止`);
    for (const d of (accepted as { deadlines: { basis: string; dueAt: string | null }[] }).deadlines) {
      expect(d.basis).not.toContain(' housing');
      if (d.dueAt) expect(d.basis).toMatch(/至 \d{4}-\d\d-\d\d 24 时止/);
    }
  });

  it('two feedback dates, both kept: the authority’s (owed upward) and the unit’s, which may not be later (422); the backlog answers to the authority’s', async () => {
    const inDays = (k: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + k * 86_400_000));
    const id = await register({ assignedBy: { authority: 'central', reference: '国信交〔2026〕6号', feedbackDueAt: inDays(17) } });
    const late = await t
      .http()
      .post(`/api/v1/petitions/${id}/route`)
      .set(as('office1'))
      .send({ mode: 'assign', unitCode: 'housing', feedbackDueAt: inDays(22) })
      .expect(422);
    expect(late.body).toMatchObject({ code: 'REGULATION', message: expect.stringContaining(`不得晚于上级交办机关要求的反馈期限（${inDays(17)}）`), details: [{ field: 'feedbackDueAt' }] });
    expect((await get(`/api/v1/petitions/${id}`, 'office1')).status).toBe('registered'); // nothing written
    const routed = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'assign', unitCode: 'housing', feedbackDueAt: inDays(12) });
    const kinds = Object.fromEntries((routed.deadlines as { kind: string; lastDay: string }[]).map((d) => [d.kind, d.lastDay]));
    expect(kinds).toMatchObject({ feedback: inDays(17), 'unit-feedback': inDays(12) });
    expect(routed.assignedBy).toMatchObject({ authority: 'central', feedbackDueAt: inDays(17) });
    const row = ((await get('/api/v1/reports/backlog', 'leader1')) as { id: string; dueKind: string; dueAt: string }[]).find((b) => b.id === id);
    expect(row).toMatchObject({ dueKind: 'feedback', dueAt: `${inDays(18)}T00:00:00+08:00` });
  });
});
