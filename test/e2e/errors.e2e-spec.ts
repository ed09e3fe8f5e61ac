import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

const CJK = /[\u4e00-\u9fff]/;

/** Every error body: {statusCode, error, code, message, details?}, the message (and each field message) in zh-CN. */
describe('errors in the users’ language', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const as = (who: string) => bearer(tk[who]);

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  const expectBody = (body: { statusCode: number; code: string; message: string; details?: { messages: string[] }[] }, status: number, code: string) => {
    expect(body).toMatchObject({ statusCode: status, error: expect.any(String), code, message: expect.stringMatching(CJK) });
    for (const d of body.details ?? []) for (const m of d.messages) expect(m).toMatch(CJK);
  };

  it('400 FIELD_INVALID names nested fields by their API path and Chinese label', async () => {
    const res = await t
      .http()
      .post('/api/v1/petitions')
      .set(as('reception1'))
      .send(walkIn({ petitioners: [{ name: '甲', idNumber: '12345' }], assignedBy: { authority: 'central', reference: '' }, headcount: 0 }))
      .expect(400);
    expectBody(res.body, 400, 'FIELD_INVALID');
    const by = Object.fromEntries(res.body.details.map((d: { field: string; messages: string[] }) => [d.field, d.messages]));
    expect(by['petitioners.0.idNumber']).toEqual(['身份证号格式不正确（18 位，末位可为 X；或 15 位数字）']);
    expect(by['assignedBy.reference']).toEqual(['交办文号不能为空']);
    expect(by.headcount).toEqual(['人数不得小于 1']);
  });

  it('400 for an unknown field, a bad enum value, a body that is not JSON', async () => {
    const unknown = await t
      .http()
      .post('/api/v1/petitions')
      .set(as('reception1'))
      .send(walkIn({ colour: 'red', channel: 'pigeon' }))
      .expect(400);
    const by = Object.fromEntries(unknown.body.details.map((d: { field: string; messages: string[] }) => [d.field, d.messages]));
    expect(by.colour).toEqual(['不接受字段 colour']);
    expect(by.channel[0]).toMatch(/^来源渠道取值无效，可选值：visit、letter/);
    const bad = await t.http().post('/api/v1/petitions').set(as('reception1')).set('content-type', 'application/json').send('{"channel":').expect(400);
    expectBody(bad.body, 400, 'FIELD_INVALID');
    expect(bad.body.message).toBe('请求体不是有效的 JSON');
  });

  it('401 UNAUTHENTICATED: no token, a bad token, a wrong password; login fields validated in Chinese', async () => {
    expectBody((await t.http().get('/api/v1/petitions').expect(401)).body, 401, 'UNAUTHENTICATED');
    expectBody((await t.http().get('/api/v1/petitions').set(bearer('nonsense')).expect(401)).body, 401, 'UNAUTHENTICATED');
    expect((await t.http().post('/api/v1/auth/login').send({ username: 'office1', password: 'wrong-pass' }).expect(401)).body.message).toBe('用户名或密码错误');
    expect((await t.http().post('/api/v1/auth/login').send({ username: '', password: 'x' }).expect(400)).body.details[0].messages).toContain('用户名不能为空');
  });

  it('403 FORBIDDEN names the roles that may; back-dating is for admin only', async () => {
    const res = await t.http().post('/api/v1/units').set(as('office1')).send({ code: 'x', name: '某局' }).expect(403);
    expectBody(res.body, 403, 'FORBIDDEN');
    expect(res.body.message).toContain('系统管理员');
    const id = (
      await t
        .http()
        .post('/api/v1/petitions')
        .set(as('reception1'))
        .send(walkIn({ petitioners: [{ name: '补录' }] }))
        .expect(201)
    ).body.id;
    const at = await t.http().post(`/api/v1/petitions/${id}/route`).set(as('office1')).send({ mode: 'transfer', unitCode: 'housing', at: '2024-01-01T10:00:00+08:00' }).expect(403);
    expect(at.body).toMatchObject({ code: 'FORBIDDEN', message: '只有系统管理员可以补录行为时间（at）' });
  });

  it('404 NOT_FOUND for an unknown case or route', async () => {
    expectBody((await t.http().get('/api/v1/petitions/00000000-0000-4000-8000-000000000000').set(as('office1')).expect(404)).body, 404, 'NOT_FOUND');
    expectBody((await t.http().get('/api/v1/nowhere').set(as('office1')).expect(404)).body, 404, 'NOT_FOUND');
  });

  it('409 DUPLICATE for a unit or user that exists; 400 for a handler without a unit', async () => {
    const unit = await t.http().post('/api/v1/units').set(as('admin')).send({ code: 'housing', name: '住建局' }).expect(409);
    expect(unit.body).toMatchObject({ code: 'DUPLICATE', message: '单位代码 housing 已存在' });
    const user = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ username: 'office1', password: 'long-enough', displayName: '重复', roles: ['office'] })
      .expect(409);
    expect(user.body).toMatchObject({ code: 'DUPLICATE', message: '用户名 office1 已存在' });
    const handler = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ username: 'nounit', password: 'long-enough', displayName: '无单位', roles: ['handler'] })
      .expect(400);
    expect(handler.body).toMatchObject({ code: 'FIELD_INVALID', details: [{ field: 'unitCode', messages: ['责任单位经办人必须填写所属单位'] }] });
    const short = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ username: 'shorty', password: 'short', displayName: '短', roles: ['office'] })
      .expect(400);
    expect(short.body.details[0]).toEqual({ field: 'password', messages: ['密码不得少于 10 个字符'] });
  });
});
