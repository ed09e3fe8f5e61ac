import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays } from '#libs/regulation';
import { chinaToday } from '#libs/common';
import { bearer, idNumberOf, seedOffice, serviceCommand, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Issue 8, "validation at the door, and again where a fact enters the domain": one test per
 * class of bad input. Each is refused with its status, the field it names and a zh-CN message,
 * and writes nothing (cases, contacts, sessions, units counted before and after; a case's state
 * and timeline compared). At the end the platform still answers its lists and reports.
 */
describe('input validation at the door and in the commands', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const today = chinaToday();
  const year = Number(today.slice(0, 4));

  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object) => t.http().post(path).set(as(who)).send(body);
  const postRaw = (path: string, who: string, json: string) => t.http().post(path).set(as(who)).set('content-type', 'application/json').send(json);
  const get = (path: string, who: string, query: Record<string, unknown> = {}) => t.http().get(path).set(as(who)).query(query);
  let n = 0;
  /** A registration of a new person (no repeat of an earlier case). */
  const fresh = (overrides: Record<string, unknown> = {}, petitioner: Record<string, unknown> = {}) => walkIn({ petitioners: [{ name: `验证${++n}`, ...petitioner }], ...overrides });

  /** What a refused request must leave as it was. */
  async function written() {
    const cases = (await get('/api/v1/petitions', 'office1', { pageSize: 1 }).expect(200)).body.total as number;
    const summary = (await get('/api/v1/reports/summary', 'office1', { from: '2005-01-01', to: `${year + 1}-12-31` }).expect(200)).body;
    const sessions = (await get('/api/v1/reception-sessions', 'office1', { from: '2005-01-01', to: `${year + 1}-12-31` }).expect(200)).body.length as number;
    const units = (await get('/api/v1/units', 'admin').expect(200)).body.length as number;
    return { cases, contacts: summary.received.contacts as number, sessions, units };
  }
  /** A case as its page shows it, minus what the deadline service may still be adding. */
  async function caseState(id: string) {
    const c = (await get(`/api/v1/petitions/${id}`, 'office1').expect(200)).body;
    return { status: c.status, unitCode: c.unitCode, routeMode: c.routeMode, assignedBy: c.assignedBy, timeline: c.timeline.map((e: { type: string }) => e.type) };
  }

  interface ErrorBody {
    statusCode: number;
    code: string;
    message: string;
    details?: { field: string; messages: string[] }[];
  }
  /** The response is `status`, FIELD_INVALID for a 400, and names `field` with exactly `message`. */
  function expectRefused(res: { status: number; body: ErrorBody }, status: number, field: string, message: string | RegExp) {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code: status === 400 ? 'FIELD_INVALID' : 'REGULATION' });
    const byField = Object.fromEntries((res.body.details ?? []).map((d) => [d.field, d.messages]));
    expect(Object.keys(byField)).toContain(field);
    expect(byField[field]).toContainEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('impossible calendar dates: registration, routing, reception session, summary query', async () => {
    const id = (await post('/api/v1/petitions', 'reception1', fresh()).expect(201)).body.id as string;
    const before = await written();
    const caseBefore = await caseState(id);

    for (const date of ['2024-02-30', '2024-13-45', '2023-02-29']) {
      const reg = await post('/api/v1/petitions', 'reception1', fresh({ assignedBy: { authority: 'provincial', reference: '桂交〔2024〕1号', feedbackDueAt: date } }));
      expectRefused(reg, 400, 'assignedBy.feedbackDueAt', `反馈期限不是真实存在的日期：${date}`);
      const route = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'assign', unitCode: 'housing', feedbackDueAt: date });
      expectRefused(route, 400, 'feedbackDueAt', `反馈期限不是真实存在的日期：${date}`);
      const session = await post('/api/v1/reception-sessions', 'office1', { kind: 'leader-day', leader: '张副县长', date });
      expectRefused(session, 400, 'date', `接访日期不是真实存在的日期：${date}`);
      const summary = await get('/api/v1/reports/summary', 'leader1', { from: date, to: '2024-12-31' });
      expectRefused(summary, 400, 'from', `起始日期不是真实存在的日期：${date}`);
    }
    const shape = await get('/api/v1/reports/summary', 'leader1', { from: '2024-01-01', to: '2024/12/31' });
    expectRefused(shape, 400, 'to', '结束日期格式应为 YYYY-MM-DD');

    expect(await written()).toEqual(before);
    expect(await caseState(id)).toEqual(caseBefore);
  });

  it('instants without an offset, or not real, on registration and on a back-dated action', async () => {
    const id = (await post('/api/v1/petitions', 'reception1', fresh()).expect(201)).body.id as string;
    const before = await written();
    const caseBefore = await caseState(id);
    for (const receivedAt of ['2024-09-18T09:30:00', '2024-09-18 09:30:00+08:00', '2024-09-18']) {
      expectRefused(await post('/api/v1/petitions', 'reception1', fresh({ receivedAt })), 400, 'receivedAt', '收信/来访时间必须是带时区的时间，如 2024-09-18T09:30:00+08:00');
    }
    expectRefused(await post('/api/v1/petitions', 'reception1', fresh({ receivedAt: '2024-02-30T09:30:00+08:00' })), 400, 'receivedAt', '收信/来访时间不是真实存在的日期或时间');
    const at = await post(`/api/v1/petitions/${id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: `${today}T09:30:00` });
    expectRefused(at, 400, 'at', '行为时间必须是带时区的时间，如 2024-09-18T09:30:00+08:00');
    expect(await written()).toEqual(before);
    expect(await caseState(id)).toEqual(caseBefore);
  });

  it('identity numbers that fail GB 11643: check character, future or impossible birth date, 15-digit date; never echoed', async () => {
    const before = await written();
    const cases: [string, string][] = [
      ['45030219800101123X', '身份证号校验码不正确，请逐位核对（GB 11643）'], // the old README example: its check character is 8
      ['450302198001011234', '身份证号校验码不正确，请逐位核对（GB 11643）'],
      [idNumberOf(`450302${year + 1}0101123`), '身份证号中的出生日期晚于今天，请逐位核对'],
      [idNumberOf('45030219800230123'), '身份证号中的出生日期不存在，请逐位核对'],
      [idNumberOf('45030219801301123'), '身份证号中的出生日期不存在，请逐位核对'],
      ['450302801301123', '身份证号中的出生日期不存在，请逐位核对'],
      ['450302800230123', '身份证号中的出生日期不存在，请逐位核对'],
      ['4503021980010112', '身份证号格式不正确（18 位，末位可为 X；或 15 位数字）'],
    ];
    for (const [idNumber, message] of cases) {
      const res = await post('/api/v1/petitions', 'reception1', fresh({}, { idNumber }));
      expectRefused(res, 400, 'petitioners.0.idNumber', message);
      expect(JSON.stringify(res.body)).not.toContain(idNumber);
      const lookup = await get('/api/v1/petitioners/cases', 'reception1', { idNumber });
      expectRefused(lookup, 400, 'idNumber', message);
    }
    expect(await written()).toEqual(before);
    // The same kinds, valid: accepted, the lower-case x taken as X.
    const ok = await post('/api/v1/petitions', 'reception1', fresh({}, { idNumber: '11010519491231002x' })).expect(201);
    expect(ok.body.petitioners[0].idNumber).toBe('110105********002X');
    await post('/api/v1/petitions', 'reception1', fresh({}, { idNumber: '450302800101123' })).expect(201);
    expect((await written()).cases).toBe(before.cases + 2);
  });

  it('phones no one can call are refused; a mobile, a landline and the 12345 hotline are not', async () => {
    const before = await written();
    for (const phone of ['+++++', '123', '5812345', '1381234567', '138-1234-567a', '13812345678 13912345678']) {
      const res = await post('/api/v1/petitions', 'reception1', fresh({}, { phone }));
      expectRefused(res, 400, 'petitioners.0.phone', '联系电话应为手机号、带区号的固定电话（如 0771-5812345）或 12345 等服务号码');
    }
    expectRefused(await get('/api/v1/petitioners/cases', 'reception1', { name: '验证', phone: '+++++' }), 400, 'phone', /^联系电话应为手机号/);
    expect(await written()).toEqual(before);
    const mobile = await post('/api/v1/petitions', 'reception1', fresh({}, { phone: '+86 139 0000 2345' })).expect(201);
    expect(mobile.body.petitioners[0].phone).toBe('139****2345'); // stored as the bare 11 digits
    await post('/api/v1/petitions', 'reception1', fresh({}, { phone: '0771-5812345-8001' })).expect(201);
    await post('/api/v1/petitions', 'reception1', fresh({}, { phone: '12345' })).expect(201);
    expect((await written()).cases).toBe(before.cases + 3);
  });

  it('blank, whitespace-only, NUL, control and bidi-override text is refused; text is trimmed', async () => {
    const before = await written();
    const refusedText: [Record<string, unknown>, Record<string, unknown>, string, string][] = [
      [{ summary: '   ' }, {}, 'summary', '信访事项摘要不能为空'],
      [{ content: '\n\t \n' }, {}, 'content', '主要诉求及事实不能为空'],
      [{}, { name: '\u3000\u3000' }, 'petitioners.0.name', '信访人姓名不能为空'],
      [{}, { name: '张\u0000三' }, 'petitioners.0.name', '信访人姓名含有不允许的控制字符（U+0000）'],
      [{ summary: '补贴\u0000未发放' }, {}, 'summary', '信访事项摘要含有不允许的控制字符（U+0000）'],
      [{ summary: '补贴\u202E放发未' }, {}, 'summary', '信访事项摘要含有不允许的文字方向控制字符（U+202E）'],
      [{ content: '事实\u2067隔离\u2069' }, {}, 'content', '主要诉求及事实含有不允许的文字方向控制字符（U+2067）'],
      [{ summary: '第一行\n第二行' }, {}, 'summary', '信访事项摘要含有不允许的控制字符（U+000A）'],
      [{}, { address: '阳和街道\u0085' }, 'petitioners.0.address', '住址含有不允许的控制字符（U+0085）'],
      [{ assignedBy: { authority: 'central', reference: ' \t ' } }, {}, 'assignedBy.reference', '交办文号不能为空'],
    ];
    for (const [overrides, petitioner, field, message] of refusedText) {
      expectRefused(await post('/api/v1/petitions', 'reception1', fresh(overrides, petitioner)), 400, field, message);
    }
    expectRefused(await post('/api/v1/reception-sessions', 'office1', { kind: 'leader-day', leader: '  ', date: today }), 400, 'leader', '接访领导不能为空');
    expectRefused(await post('/api/v1/units', 'admin', { code: 'blank-unit', name: ' \u3000 ' }), 400, 'name', '单位名称不能为空');
    expectRefused(await post('/api/v1/units', 'admin', { code: 'bidi-unit', name: '住建\u202D局' }), 400, 'name', '单位名称含有不允许的文字方向控制字符（U+202D）');
    expect(await written()).toEqual(before);

    const ok = await post('/api/v1/petitions', 'reception1', fresh({ summary: '  物业费争议  ', content: '第一段。\r\n第二段：\t细节。' }, { name: ' 李\u3000 ' })).expect(201);
    expect(ok.body).toMatchObject({ summary: '物业费争议', content: '第一段。\r\n第二段：\t细节。', petitioners: [{ name: '李' }] });
  });

  it('__proto__, constructor and prototype keys are refused at the top and nested, in bodies and queries', async () => {
    const id = (await post('/api/v1/petitions', 'reception1', fresh()).expect(201)).body.id as string;
    const before = await written();
    const caseBefore = await caseState(id);
    const body = JSON.stringify(fresh()).slice(1); // the rest of a valid registration after "{"
    const raws: [string, string][] = [
      [`{"__proto__":{"isAdmin":true},${body}`, '__proto__'],
      [`{"constructor":{"prototype":{"x":1}},${body}`, 'constructor'],
      [`{"petitioners":[{"name":"原型","__proto__":{"x":1}}],${body.replace(/"petitioners":\[[^\]]*\],/, '')}`, 'petitioners.0.__proto__'],
      [`{"assignedBy":{"authority":"central","reference":"中交1号","constructor":{}},${body}`, 'assignedBy.constructor'],
      [`{"assignedBy":{"authority":"central","reference":"中交1号","prototype":1},${body}`, 'assignedBy.prototype'],
    ];
    for (const [json, field] of raws) {
      const res = await postRaw('/api/v1/petitions', 'reception1', json);
      expectRefused(res, 400, field, `不接受字段 ${field.split('.').at(-1)}`);
    }
    expectRefused(await postRaw(`/api/v1/petitions/${id}/route`, 'office1', '{"mode":"transfer","unitCode":"housing","__proto__":{"unitCode":"labour"}}'), 400, '__proto__', '不接受字段 __proto__');
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const query = await t.http().get(`/api/v1/reports/summary?from=2024-01-01&to=2024-12-31&${key}=x`).set(as('leader1'));
      expectRefused(query, 400, key, `不接受字段 ${key}`);
    }
    expect(await written()).toEqual(before);
    expect(await caseState(id)).toEqual(caseBefore);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('a body nested 5,000 levels deep is a 400, not a 500; so is one level past the bound', async () => {
    const before = await written();
    const deep = (levels: number) => '{"a":'.repeat(levels) + '{}' + '}'.repeat(levels);
    const rest = JSON.stringify(fresh()).slice(1);
    const res = await postRaw('/api/v1/petitions', 'reception1', `{"x":${deep(5000)},${rest}`);
    expectRefused(res, 400, 'x', '请求体嵌套过深（超过 32 层）');
    expect(res.body.message).toBe('请求体嵌套过深');
    const arrays = await postRaw('/api/v1/petitions', 'reception1', `{"petitioners":${'['.repeat(5000)}${']'.repeat(5000)},${rest.replace(/"petitioners":\[[^\]]*\],/, '')}`);
    expectRefused(arrays, 400, 'petitioners', '请求体嵌套过深（超过 32 层）');
    // 32 levels in all (the body itself is the first): past the whitelist, but not past the depth bound
    const atBound = await postRaw('/api/v1/petitions', 'reception1', `{"x":${deep(30)},${rest}`);
    expectRefused(atBound, 400, 'x', '不接受字段 x');
    const pastBound = await postRaw('/api/v1/petitions', 'reception1', `{"x":${deep(31)},${rest}`);
    expectRefused(pastBound, 400, 'x', '请求体嵌套过深（超过 32 层）');
    expect(await written()).toEqual(before);
  });

  it('a receipt before 2005 or in the future is refused, and so is an assigning body’s feedback date before the receipt', async () => {
    const before = await written();
    expectRefused(await post('/api/v1/petitions', 'reception1', fresh({ receivedAt: '2004-12-31T23:59:59+08:00' })), 400, 'receivedAt', '收信/来访时间不得早于 2005-01-01');
    expectRefused(await post('/api/v1/petitions', 'reception1', fresh({ receivedAt: '1024-09-18T09:30:00+08:00' })), 400, 'receivedAt', /^收信\/来访时间/);
    const tomorrow = `${addDays(today, 1)}T09:30:00+08:00`;
    expectRefused(await post('/api/v1/petitions', 'reception1', fresh({ receivedAt: tomorrow })), 400, 'receivedAt', '收信/来访时间不得晚于当前时间');
    const early = fresh({ receivedAt: '2024-09-18T10:00:00+08:00', assignedBy: { authority: 'provincial', reference: '桂交〔2024〕9号', feedbackDueAt: '2024-09-17' } });
    expectRefused(await post('/api/v1/petitions', 'reception1', early), 400, 'assignedBy.feedbackDueAt', '反馈期限（2024-09-17）不得早于收信/来访日期（2024-09-18）');
    expect(await written()).toEqual(before);
    // the first day is a receipt day
    await post('/api/v1/petitions', 'reception1', fresh({ receivedAt: '2005-01-01T00:00:00+08:00' })).expect(201);
    expect((await written()).cases).toBe(before.cases + 1);
  });

  it('routing with a feedback date before the routing day (or the receipt) is refused and leaves the case as it was', async () => {
    const received = addDays(today, -10);
    const id = (await post('/api/v1/petitions', 'reception1', fresh({ receivedAt: `${received}T10:00:00+08:00` })).expect(201)).body.id as string;
    const before = await written();
    const caseBefore = await caseState(id);
    const yesterday = addDays(today, -1);
    const route = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'assign', unitCode: 'housing', feedbackDueAt: yesterday });
    expectRefused(route, 400, 'feedbackDueAt', `反馈期限（${yesterday}）不得早于转送之日（${today}）`);
    const beforeReceipt = addDays(received, -1);
    const back = await post(`/api/v1/petitions/${id}/route`, 'admin', { mode: 'assign', unitCode: 'housing', feedbackDueAt: beforeReceipt, at: `${received}T15:00:00+08:00` });
    expectRefused(back, 400, 'feedbackDueAt', `反馈期限（${beforeReceipt}）不得早于收信/来访日期（${received}）`);
    expect(await written()).toEqual(before);
    expect(await caseState(id)).toEqual(caseBefore);
    // the routing day itself is a valid feedback date
    const ok = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'assign', unitCode: 'housing', feedbackDueAt: today }).expect(200);
    expect(ok.body).toMatchObject({ status: 'routed', routeMode: 'assign', unitCode: 'housing' });
  });

  it('behind the door, the services refuse an impossible date themselves (a command that did not come through the gateway’s DTOs)', async () => {
    const reception = { username: 'reception1', roles: ['reception' as const] };
    const office = { username: 'office1', roles: ['office' as const] };
    const id = (await post('/api/v1/petitions', 'reception1', fresh()).expect(201)).body.id as string;
    const before = await written();
    const caseBefore = await caseState(id);
    const fieldOf = (e: unknown) => e as { status: number; details: { field: string; messages: string[] }[] };
    const refusedBy = async (p: Promise<unknown>) =>
      fieldOf(
        await p.then(
          () => {
            throw new Error('accepted');
          },
          (e: unknown) => e,
        ),
      );

    const reg = await refusedBy(
      serviceCommand(t, 'intake', 'register-petition')({ actor: reception, body: fresh({ assignedBy: { authority: 'central', reference: '中交1号', feedbackDueAt: '2024-02-30' } }) }),
    );
    expect(reg).toMatchObject({ status: 400, details: [{ field: 'assignedBy.feedbackDueAt', messages: ['反馈期限不是真实存在的日期：2024-02-30'] }] });
    const late = await refusedBy(serviceCommand(t, 'intake', 'register-petition')({ actor: reception, body: fresh({ receivedAt: 'yesterday' }) }));
    expect(late).toMatchObject({ status: 400, details: [{ field: 'receivedAt', messages: ['收信/来访时间不是有效的时间'] }] });
    const session = await refusedBy(serviceCommand(t, 'intake', 'create-reception-session')({ actor: office, body: { kind: 'leader-day', leader: '张副县长', date: '2024-13-45' } }));
    expect(session).toMatchObject({ status: 400, details: [{ field: 'date', messages: ['接访日期不是真实存在的日期：2024-13-45'] }] });
    const route = await refusedBy(serviceCommand(t, 'assignment', 'route')({ caseId: id, actor: office, body: { mode: 'assign', unitCode: 'housing', feedbackDueAt: '2024-02-30' } }));
    expect(route).toMatchObject({ status: 400, details: [{ field: 'feedbackDueAt', messages: ['反馈期限不是真实存在的日期：2024-02-30'] }] });

    expect(await written()).toEqual(before);
    expect(await caseState(id)).toEqual(caseBefore);
  });

  it('after all that, the platform still answers: list, summary, annual report, backlog', async () => {
    const list = await get('/api/v1/petitions', 'office1', { pageSize: 200 }).expect(200);
    expect(list.body.total).toBeGreaterThan(0);
    await get('/api/v1/petitions', 'office1', { sort: 'urgency' }).expect(200);
    await get('/api/v1/reports/summary', 'leader1', { from: '2005-01-01', to: today }).expect(200);
    for (const format of ['text', 'csv', 'xlsx']) await get('/api/v1/reports/annual', 'leader1', { year, format }).expect(200);
    await get('/api/v1/reports/annual', 'leader1', { year: 2005 }).expect(200);
    await get('/api/v1/reports/backlog', 'leader1').expect(200);
    for (const item of list.body.items as { id: string }[]) await get(`/api/v1/petitions/${item.id}`, 'office1').expect(200);
  });
});
