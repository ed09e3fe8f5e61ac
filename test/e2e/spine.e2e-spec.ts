import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * The spine, through the HTTP contract: a clerk registers a walk-in petition, the petition
 * office routes it to the housing bureau, the bureau's handler accepts and closes it, and the
 * leader sees it in the summary.
 */
describe('embedded spine', () => {
  let t: TestPlatform;
  let tokens: Record<string, string>;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    tokens = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('answers health with the embedded mode, without a token', async () => {
    const res = await t.http().get('/api/v1/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', mode: 'embedded' });
  });

  it('refuses calls without a token (401) and a wrong password at login (401)', async () => {
    const res = await t.http().get('/api/v1/petitions').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED' });
    const wrong = await t.http().post('/api/v1/auth/login').send({ username: 'admin', password: 'nope' }).expect(401);
    expect(wrong.body).toMatchObject({ code: 'UNAUTHENTICATED', message: '用户名或密码错误' });
  });

  it('registers a walk-in petition as a new case (201), with the identity number masked', async () => {
    const res = await t.http().post('/api/v1/petitions').set(bearer(tokens.reception1)).send(walkIn()).expect(201);
    caseId = res.body.id;
    expect(res.body).toMatchObject({ status: 'registered', channel: 'visit', purpose: 'appeal', headcount: 1, groupVisit: false, repeatContacts: 0 });
    expect(res.body.trackingNo).toMatch(/^XF\d{8}[0-9A-F]{8}$/);
    expect(res.body.petitioners[0].idNumber).toBe('450302********122X');
    expect(res.body.petitioners[0].phone).toBe('138****5678');
    expect(JSON.stringify(res.body)).not.toContain('45030219800101122X');
    expect(res.body.receivedAt).toMatch(/\+08:00$/);
    expect(res.body.deadlines.find((d: { kind: string }) => d.kind === 'route')).toMatchObject({ state: 'pending', article: expect.stringContaining('二十二') });
    expect(res.body.timeline[0]).toMatchObject({ type: 'registered', actor: 'reception1' });
  });

  it('shows the admin the full identity number', async () => {
    const res = await t.http().get(`/api/v1/petitions/${caseId}`).set(bearer(tokens.admin)).expect(200);
    expect(res.body.petitioners[0].idNumber).toBe('45030219800101122X');
  });

  it('links a repeat contact of the same person on the same matter to the open case (200, Art. 19(3))', async () => {
    const res = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(tokens.reception1))
      .send(walkIn({ channel: 'phone' }))
      .expect(200);
    expect(res.body.id).toBe(caseId);
    expect(res.body.repeatContacts).toBe(1);
  });

  it('refuses bad input with 400 naming each field, and writes nothing', async () => {
    const before = (await t.http().get('/api/v1/petitions').set(bearer(tokens.office1)).expect(200)).body.total;
    const res = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(tokens.reception1))
      .send({ channel: 'pigeon', petitioners: [], purpose: 'appeal', category: 'nope', summary: 'x'.repeat(201), content: '' })
      .expect(400);
    expect(res.body.statusCode).toBe(400);
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['channel', 'petitioners', 'category', 'summary', 'content']));
    expect(res.body.code).toBe('FIELD_INVALID');
    const messages = (field: string) => res.body.details.find((d: { field: string }) => d.field === field).messages;
    expect(messages('summary')).toContain('信访事项摘要不得超过 200 个字');
    expect(messages('category').join()).toContain('内容分类');
    expect(messages('content')).toContain('主要诉求及事实不能为空');
    const after = (await t.http().get('/api/v1/petitions').set(bearer(tokens.office1)).expect(200)).body.total;
    expect(after).toBe(before);
  });

  it('lets only the petition office route (403 for reception), to a known unit (400)', async () => {
    await t.http().post(`/api/v1/petitions/${caseId}/route`).set(bearer(tokens.reception1)).send({ mode: 'transfer', unitCode: 'housing' }).expect(403);
    const bad = await t.http().post(`/api/v1/petitions/${caseId}/route`).set(bearer(tokens.office1)).send({ mode: 'transfer', unitCode: 'nowhere' }).expect(400);
    expect(bad.body.details[0].field).toBe('unitCode');
    expect(bad.body.details[0].messages[0]).toContain('责任单位');
  });

  it('answers 404 for an unknown case and 400 for a malformed id', async () => {
    await t.http().get('/api/v1/petitions/00000000-0000-4000-8000-000000000000').set(bearer(tokens.office1)).expect(404);
    await t.http().get('/api/v1/petitions/not-a-uuid').set(bearer(tokens.office1)).expect(400);
  });

  it('routes the case to the housing bureau (transfer 转送)', async () => {
    const res = await t.http().post(`/api/v1/petitions/${caseId}/route`).set(bearer(tokens.office1)).send({ mode: 'transfer', unitCode: 'housing', at: undefined }).expect(200);
    expect(res.body).toMatchObject({ status: 'routed', unitCode: 'housing' });
    expect(res.body.deadlines.find((d: { kind: string }) => d.kind === 'route').state).toBe('met');
  });

  it('refuses a back-dated action from anyone but admin (403)', async () => {
    await t.http().post(`/api/v1/petitions/${caseId}/accept`).set(bearer(tokens.housing1)).send({ at: '2024-09-20T09:00:00+08:00' }).expect(403);
  });

  it('lets only a handler of the case’s unit accept (403 for another unit)', async () => {
    await t.http().post(`/api/v1/petitions/${caseId}/accept`).set(bearer(tokens.labour1)).send({}).expect(403);
  });

  it('accepts the case, which starts the 60-day handling period (Art. 34)', async () => {
    const res = await t.http().post(`/api/v1/petitions/${caseId}/accept`).set(bearer(tokens.housing1)).send({}).expect(200);
    expect(res.body.status).toBe('accepted');
    const handling = res.body.deadlines.find((d: { kind: string }) => d.kind === 'handling');
    expect(handling).toMatchObject({ state: 'pending', article: expect.stringContaining('三十四') });
    const days = (Date.parse(handling.dueAt) - Date.parse(res.body.acceptedAt)) / 86_400_000;
    expect(days).toBeGreaterThan(60);
    expect(days).toBeLessThanOrEqual(61);
  });

  it('answers 409 naming the state when the action does not fit it', async () => {
    const res = await t.http().post(`/api/v1/petitions/${caseId}/accept`).set(bearer(tokens.housing1)).send({}).expect(409);
    expect(res.body.code).toBe('CASE_STATE');
    expect(res.body.message).toBe('该案件当前状态为「已受理」，不能再受理');
  });

  it('lets a handler see only the cases of its own unit', async () => {
    await t.http().get(`/api/v1/petitions/${caseId}`).set(bearer(tokens.labour1)).expect(403);
    const mine = await t.http().get('/api/v1/petitions').set(bearer(tokens.housing1)).expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    const theirs = await t.http().get('/api/v1/petitions').set(bearer(tokens.labour1)).expect(200);
    expect(theirs.body.total).toBe(0);
  });

  it('closes the case substantively with a written opinion', async () => {
    const res = await t
      .http()
      .post(`/api/v1/petitions/${caseId}/close`)
      .set(bearer(tokens.housing1))
      .send({ kind: 'substantive', outcome: 'support', opinion: '经核实，补贴已于本月拨付到位。' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'closed', closure: { kind: 'substantive', outcome: 'support' } });
    expect(res.body.deadlines.find((d: { kind: string }) => d.kind === 'handling').state).toBe('met');
  });

  it('counts the case in the leader’s summary for the period', async () => {
    await t.http().get('/api/v1/reports/summary?from=2024-01-01&to=2030-12-31').set(bearer(tokens.housing1)).expect(403);
    const res = await t.http().get('/api/v1/reports/summary').query({ from: '2024-01-01', to: '2030-12-31' }).set(bearer(tokens.leader1)).expect(200);
    expect(res.body.received).toMatchObject({ cases: 1, contacts: 2, persons: 2, byChannel: { visit: 1, phone: 1, letter: 0, online: 0, fax: 0 } });
    expect(res.body.closed).toMatchObject({ total: 1, substantive: 1, procedural: 0, onTime: 1 });
    expect(res.body.rates.repeat).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    expect(res.body.rates.resolution).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });

  it('keeps paper records entered later by admin on their real dates: accepted 2024-09-20, due 2024-11-19', async () => {
    const admin = bearer(tokens.admin);
    const reg = await t
      .http()
      .post('/api/v1/petitions')
      .set(admin)
      .send(walkIn({ channel: 'letter', receivedAt: '2024-09-18T10:00:00+08:00', petitioners: [{ name: '赵六' }], category: 'labour-social-security' }))
      .expect(201);
    const id = reg.body.id;
    expect(reg.body.trackingNo).toMatch(/^XF20240918[0-9A-F]{8}$/);
    expect(reg.body.receivedAt).toBe('2024-09-18T10:00:00+08:00');
    // Art. 22: route within 15 days of receipt: 2024-09-18 + 15 days = 2024-10-03, ending at 24:00.
    expect(reg.body.deadlines.find((d: { kind: string }) => d.kind === 'route')).toMatchObject({ dueAt: '2024-10-04T00:00:00+08:00', state: 'breached' });
    expect(reg.body.timeline[0].enteredAt).toBeDefined();
    await t.http().post(`/api/v1/petitions/${id}/route`).set(admin).send({ mode: 'assign', unitCode: 'labour', at: '2024-09-19T09:00:00+08:00' }).expect(200);
    const acc = await t.http().post(`/api/v1/petitions/${id}/accept`).set(admin).send({ at: '2024-09-20T09:00:00+08:00' }).expect(200);
    const handling = acc.body.deadlines.find((d: { kind: string }) => d.kind === 'handling');
    expect(handling).toMatchObject({ dueAt: '2024-11-20T00:00:00+08:00', lastDay: '2024-11-19' });
    expect(handling.basis).toContain('2024-11-19');
    const accepted = acc.body.timeline.find((e: { type: string }) => e.type === 'accepted');
    expect(accepted).toMatchObject({ at: '2024-09-20T09:00:00+08:00', actor: 'admin' });
    expect(accepted.enteredAt).toBeDefined();
    const closed = await t
      .http()
      .post(`/api/v1/petitions/${id}/close`)
      .set(admin)
      .send({ kind: 'procedural', outcome: 'explain', opinion: '已书面答复并告知复查途径。', at: '2024-11-19T23:59:00+08:00' })
      .expect(200);
    expect(closed.body.deadlines.find((d: { kind: string }) => d.kind === 'handling').state).toBe('met');
    const year = await t.http().get('/api/v1/reports/summary').query({ from: '2024-01-01', to: '2024-12-31' }).set(bearer(tokens.leader1)).expect(200);
    expect(year.body.received).toMatchObject({ cases: 1, contacts: 1, byChannel: { letter: 1 } });
    expect(year.body.closed).toEqual({ total: 1, substantive: 0, procedural: 1, diverted: 0, onTime: 1 });
  });

  it('publishes the OpenAPI document and its UI', async () => {
    const ui = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/petitions', '/api/v1/petitions/{id}/accept', '/api/v1/reports/summary']));
  });
});
