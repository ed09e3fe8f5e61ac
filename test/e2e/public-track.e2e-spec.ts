import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { maskIdNumber, maskPhone } from '#libs/common';
import { canDoText } from '../../apps/gateway/src/public-track.js';
import { bearer, idNumberOf, login, seedOffice, startTestPlatform, walkIn, type TestPlatform, holdReporting } from '../support/embedded.js';

type Res = { status: number; body: any; headers: Record<string, string> };

/** Every leaf of an answer (and every key) with its path: what "asserted over every field" goes through. */
function leaves(value: unknown, path = '$', out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as object)) {
      out.push({ path: `${path}.${k} (key)`, text: k });
      leaves(v, `${path}.${k}`, out);
    }
  } else out.push({ path, text: String(value) });
  return out;
}

/**
 * Issue 13, 信访查询: the petitioner follows their case without an account, with the tracking
 * number and the query code of the receipt, rates it and asks for review within the windows, and
 * sees nothing of anyone else. Embedded mode, over HTTP.
 */
describe('the public door: a petitioner follows a case with its tracking number and query code', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  /** Every answer of the public API in this file: checked at the end for staff and other people. */
  const answers: { what: string; res: Res }[] = [];
  const as = (who: string) => bearer(tk[who]);
  const staff = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const pub = async (route: string, body: object): Promise<Res> => {
    const res = await t.http().post(`/api/v1/public/${route}`).send(body);
    answers.push({ what: `${route} ${JSON.stringify(body)}`, res });
    return res;
  };

  /** The group who came (the code's holder is the first), and someone else's case registered the same day. */
  const group = [
    { name: '覃志远', idNumber: idNumberOf('45030219750612003'), phone: '13977112233', address: '象山区文昌路 18 号 2 单元 502 室' },
    { name: '黎秀英', idNumber: idNumberOf('45030219780301004'), phone: '13877445566', address: '象山区文昌路 18 号 3 单元 101 室' },
  ];
  const other = { name: '蒙国栋', idNumber: idNumberOf('45032319690915005'), phone: '18977001122', address: '七星区穿山村委会二组 17 号' };
  const APPROVER = '住建局局长 陈明远';
  const SUPERVISION_NOTE = '请加快办理，分管领导韦副县长';
  /** The staff of this office: every name they go by (filled from the users list). */
  const staffNames: string[] = [APPROVER, '陈明远', '韦副县长'];

  let main: { id: string; trackingNo: string; queryCode: string };
  const creds = () => ({ trackingNo: main.trackingNo, queryCode: main.queryCode });

  beforeAll(async () => {
    t = await startTestPlatform({ PUBLIC_RATE_PER_ADDRESS: '10000', LATE_ENTRY_SETTLE_MINUTES: '0' });
    tk = await seedOffice(t);
    // A handler known by a real name, who does the unit's work on the case.
    await staff('/api/v1/users', 'admin', { username: 'zhang.jianguo', password: 'Zhang#Jianguo2024', displayName: '张建国', roles: ['handler'], unitCode: 'housing' }).expect(201);
    tk.zhang = await login(t, 'zhang.jianguo', 'Zhang#Jianguo2024');
    const users = (await t.http().get('/api/v1/users').set(as('admin')).expect(200)).body as { username: string; displayName: string }[];
    for (const u of users) staffNames.push(u.username, u.displayName);
    const reg = await staff('/api/v1/petitions', 'reception1', walkIn({ petitioners: group, headcount: 2, summary: '小区加装电梯补贴未发放' })).expect(201);
    main = { id: reg.body.id, trackingNo: reg.body.trackingNo, queryCode: reg.body.queryCode };
    await staff('/api/v1/petitions', 'reception1', walkIn({ petitioners: [other], category: 'labour-social-security', summary: '拖欠工资' })).expect(201);
  }, 60000);
  afterAll(() => t.stop());

  const deadline = (v: any, kind: string) => v.deadlines.find((d: { kind: string }) => d.kind === kind);

  it('follows the case through every step: the state in plain Chinese, the unit by name, the dates of each step, every deadline with its basis', async () => {
    let v = (await pub('track', creds())).body;
    expect(v).toMatchObject({
      trackingNo: main.trackingNo,
      status: 'registered',
      statusText: expect.stringContaining('已登记'),
      summary: '小区加装电梯补贴未发放',
      channel: '走访',
      unitName: null,
      opinion: null,
      canDo: [],
    });
    expect(v.steps).toEqual([{ type: 'registered', title: '信访事项登记', at: expect.stringMatching(/\+08:00$/) }]);
    expect(deadline(v, 'route')).toMatchObject({
      title: '转送交办期限',
      state: 'pending',
      stateText: '进行中',
      lastDay: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      basis: expect.stringContaining('第二十二条'),
    });
    // Case and spaces do not matter (the receipt is read out over the phone).
    expect((await pub('track', { trackingNo: ` ${main.trackingNo.toLowerCase()} `, queryCode: main.queryCode.toLowerCase().split('').join(' ') })).status).toBe(200);

    await staff(`/api/v1/petitions/${main.id}/supervise`, 'leader1', { note: SUPERVISION_NOTE }).expect(200);
    await staff(`/api/v1/petitions/${main.id}/route`, 'office1', { mode: 'assign', unitCode: 'housing' }).expect(200);
    v = (await pub('track', creds())).body;
    expect(v).toMatchObject({ status: 'routed', statusText: '已转送责任单位，等待受理', unitName: '住房和城乡建设局' });
    expect(v.steps.map((s: { title: string }) => s.title)).toEqual(['信访事项登记', '交办至住房和城乡建设局办理']);
    expect(deadline(v, 'route')).toMatchObject({ state: 'met', stateText: '已按期完成' });
    expect(deadline(v, 'acceptance-notice').basis).toContain('交办至住房和城乡建设局');

    await staff(`/api/v1/petitions/${main.id}/accept`, 'zhang').expect(200);
    await staff(`/api/v1/petitions/${main.id}/extend`, 'zhang', { days: 15, reason: '需现场核查并协调多个部门', approvedBy: APPROVER, petitionerNotice: '已电话告知' }).expect(200);
    v = (await pub('track', creds())).body;
    expect(v).toMatchObject({ status: 'accepted', statusText: '已受理，正在办理', extension: '经批准延长办理期限 15 日：需现场核查并协调多个部门', canDo: [] });
    expect(v.steps.map((s: { type: string }) => s.type)).toEqual(['registered', 'routed', 'accepted', 'extended']);
    expect(deadline(v, 'handling')).toMatchObject({ title: '办理期限', state: 'pending', basis: expect.stringMatching(/经批准延长 15 日，共 75 日.*第三十四条/) });

    await staff(`/api/v1/petitions/${main.id}/close`, 'zhang', { kind: 'substantive', outcome: 'explain', opinion: '经核实，补贴已列入本年度拨付计划，将于下月发放。' }).expect(200);
    v = (await pub('track', creds())).body;
    expect(v).toMatchObject({
      status: 'closed',
      statusText: '已办结，已出具处理意见',
      opinion: { kind: '实体性办结', outcome: '解释说明', opinion: '经核实，补贴已列入本年度拨付计划，将于下月发放。', at: expect.stringMatching(/\+08:00$/) },
      evaluationState: '待评价',
    });
    // What the petitioner can still do, each until the last day of its window (which may wait for next year's holiday notice).
    const can = (action: string, title: string, doing: string, kind: string) => {
      const d = deadline(v, kind);
      return { action, title, path: `/api/v1/public/${action}`, until: d.lastDay, dueAt: d.dueAt, text: canDoText(doing, d.lastDay) };
    };
    expect(v.canDo).toEqual([can('evaluate', '满意度评价', '进行满意度评价', 'evaluation'), can('review-request', '申请复查', '申请复查', 'review-request')]);
    expect(canDoText('申请复查', '2024-11-19')).toBe('可于 2024-11-19 前（含当日）申请复查');
    expect(deadline(v, 'review-request').basis).toContain('第三十五条');
  });

  it('rates it once, recorded as the petitioner’s own (the staff see who); a second rating is refused 409 as the staff’s would be', async () => {
    const rated = await pub('evaluate', { ...creds(), rating: 'basically-satisfied', comment: '答复清楚，希望尽快发放。' });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ evaluation: { rating: 'basically-satisfied', ratingText: '基本满意', comment: '答复清楚，希望尽快发放。' }, evaluationState: '已评价' });
    expect(rated.body.canDo.map((a: { action: string }) => a.action)).toEqual(['review-request']);
    const again = await pub('evaluate', { ...creds(), rating: 'satisfied' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CASE_STATE', message: expect.stringContaining('已评价') });
    const seen = (await t.http().get(`/api/v1/petitions/${main.id}`).set(as('office1')).expect(200)).body;
    expect(seen.evaluation).toMatchObject({ rating: 'basically-satisfied', comment: '答复清楚，希望尽快发放。' });
    expect(seen.timeline.find((e: { type: string }) => e.type === 'evaluated')).toMatchObject({ actor: '信访人本人' });
    // The staff's own /evaluate refuses it the same way.
    await staff(`/api/v1/petitions/${main.id}/evaluate`, 'reception1', { rating: 'satisfied' }).expect(409);
  });

  it('asks for review in time, then re-review after the review opinion; after re-review the matter is final and nothing more can be asked (422 citing the article)', async () => {
    // Re-review before a review: refused as the staff's would be (Art. 36).
    const early = await pub('re-review-request', creds());
    expect(early.status).toBe(422);
    expect(early.body.message).toContain('第三十六条');
    const asked = await pub('review-request', creds());
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'under-review', statusText: '已申请复查，正在复查', review: { requestedAt: expect.stringMatching(/\+08:00$/), opinion: null }, canDo: [] });
    expect(deadline(asked.body, 'review-opinion')).toMatchObject({ title: '复查意见期限', state: 'pending', basis: expect.stringContaining('第三十五条') });
    expect((await pub('review-request', creds())).status).toBe(409);
    const staffView = (await t.http().get(`/api/v1/petitions/${main.id}`).set(as('office1')).expect(200)).body;
    expect(staffView.timeline.find((e: { type: string }) => e.type === 'review-requested')).toMatchObject({ actor: '信访人本人' });

    await staff(`/api/v1/petitions/${main.id}/review-opinion`, 'office1', { kind: 'substantive', outcome: 'explain', opinion: '复查认为原处理意见正确，予以维持。' }).expect(200);
    let v = (await pub('track', creds())).body;
    expect(v).toMatchObject({ status: 'closed', review: { opinion: { kind: '实体性办结', outcome: '解释说明', opinion: '复查认为原处理意见正确，予以维持。' } } });
    expect(v.canDo).toEqual([expect.objectContaining({ action: 're-review-request', title: '申请复核', until: deadline(v, 're-review-request').lastDay })]);

    const reReview = await pub('re-review-request', creds());
    expect(reReview.status).toBe(200);
    expect(reReview.body).toMatchObject({ status: 'under-re-review', reReview: { opinion: null } });
    await staff(`/api/v1/petitions/${main.id}/re-review-opinion`, 'office1', { kind: 'procedural', outcome: 'not-support', opinion: '复核维持复查意见。' }).expect(200);
    v = (await pub('track', creds())).body;
    expect(v).toMatchObject({ status: 'final', statusText: expect.stringContaining('办理终结'), reReview: { opinion: { outcome: '不予支持', opinion: '复核维持复查意见。' } }, canDo: [] });
    expect(v.steps.map((s: { type: string }) => s.type)).toEqual([
      'registered',
      'routed',
      'accepted',
      'extended',
      'closed',
      'evaluated',
      'review-requested',
      'review-opinion',
      're-review-requested',
      're-review-opinion',
    ]);
    for (const s of v.steps) expect(Object.keys(s).sort()).toEqual(['at', 'title', 'type']);
    const final = await pub('review-request', creds());
    expect(final.status).toBe(422);
    expect(final.body).toMatchObject({ code: 'REGULATION', message: expect.stringContaining('第三十六条第三款') });
  });

  it('is refused after the window, citing the article, and nothing is written (review Art. 35, rating Art. 21)', async () => {
    const reg = await staff('/api/v1/petitions', 'admin', walkIn({ receivedAt: '2024-03-01T10:00:00+08:00', petitioners: [{ name: '逾期申请人', idNumber: idNumberOf('45030219660101006') }] })).expect(
      201,
    );
    const id = reg.body.id;
    await staff(`/api/v1/petitions/${id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: '2024-03-02T10:00:00+08:00' }).expect(200);
    await staff(`/api/v1/petitions/${id}/accept`, 'admin', { at: '2024-03-04T10:00:00+08:00' }).expect(200);
    await staff(`/api/v1/petitions/${id}/close`, 'admin', { kind: 'substantive', outcome: 'explain', opinion: '答复。', at: '2024-03-20T10:00:00+08:00' }).expect(200);
    const late = { trackingNo: reg.body.trackingNo, queryCode: reg.body.queryCode };
    const before = (await pub('track', late)).body;
    expect(before).toMatchObject({ status: 'closed', canDo: [], evaluationState: '超期未评价' });
    expect(deadline(before, 'review-request')).toMatchObject({ lastDay: '2024-04-19', stateText: '期限已过（未使用）' });
    const review = await pub('review-request', late);
    expect(review.status).toBe(422);
    expect(review.body).toMatchObject({ code: 'REGULATION', message: expect.stringContaining('第三十五条') });
    expect(review.body.message).toContain('2024-04-20T00:00:00+08:00');
    const rating = await pub('evaluate', { ...late, rating: 'satisfied' });
    expect(rating.status).toBe(422);
    expect(rating.body.message).toContain('第二十一条');
    expect((await pub('track', late)).body).toEqual(before);
  });

  it('answers a wrong code and an unknown tracking number with one and the same 404; a malformed one with 400 naming the field', async () => {
    const wrongCode = main.queryCode === '222222' ? '333333' : '222222';
    const wrong = await pub('track', { trackingNo: main.trackingNo, queryCode: wrongCode });
    const unknown = await pub('track', { trackingNo: 'XF20240101ABCDEF12', queryCode: main.queryCode });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: '信访编号或查询码不正确，请核对登记回执后重新输入' });
    for (const route of ['evaluate', 'review-request', 're-review-request']) {
      const r = await pub(route, { trackingNo: 'XF20240101ABCDEF13', queryCode: main.queryCode, ...(route === 'evaluate' ? { rating: 'satisfied' } : {}) });
      expect({ route, status: r.status, body: r.body }).toEqual({ route, status: 404, body: wrong.body });
    }
    const badCode = await pub('track', { trackingNo: main.trackingNo, queryCode: '0O1I00' });
    expect(badCode.status).toBe(400);
    expect(badCode.body.details).toEqual([{ field: 'queryCode', messages: ['查询码应为 6 位数字或字母（见登记回执）'] }]);
    const badNo = await pub('track', { trackingNo: 'XF2024', queryCode: main.queryCode });
    expect(badNo.body.details?.[0]?.field).toBe('trackingNo');
    expect((await pub('track', { ...creds(), extra: 1 })).status).toBe(400);
  });

  it('locks a tracking number after 5 wrong codes for 15 minutes: the sixth attempt is 429 even with the right code, the same for a number that does not exist', async () => {
    const reg = (await staff('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '锁定测试', idNumber: idNumberOf('45030219700707007') }] })).expect(201)).body;
    const wrongCode = reg.queryCode === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    const ghost = 'XF20240101FFFF0000';
    for (let i = 1; i <= 5; i++) {
      expect((await pub('track', { trackingNo: reg.trackingNo, queryCode: wrongCode })).status).toBe(404);
      expect((await pub('track', { trackingNo: ghost, queryCode: wrongCode })).status).toBe(404);
    }
    const locked = await pub('track', { trackingNo: reg.trackingNo, queryCode: reg.queryCode });
    const lockedGhost = await pub('track', { trackingNo: ghost, queryCode: reg.queryCode });
    for (const r of [locked, lockedGhost]) {
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/^该信访编号查询码输入错误次数过多，已暂停查询，请于 \d{2}:\d{2}（北京时间，约 15 分钟后）再试/) });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    }
    const shape = (m: string) => m.replace(/\d{2}:\d{2}/, 'HH:MM');
    expect(shape(locked.body.message)).toBe(shape(lockedGhost.body.message));
    // The acts are behind the same lock; another number is not touched.
    expect((await pub('evaluate', { trackingNo: reg.trackingNo, queryCode: reg.queryCode, rating: 'satisfied' })).status).toBe(429);
    expect((await pub('track', creds())).status).toBe(200);
    // The lock is in the security log (the number is not personal data; no code is).
    const log = (await t.http().get('/api/v1/admin/security-events').query({ event: 'track-locked' }).set(as('admin')).expect(200)).body.items;
    expect(log.map((e: { target: string }) => e.target).sort()).toEqual([`track/${ghost}`, `track/${reg.trackingNo}`].sort());
  });

  it('a right code after wrong ones (fewer than 5) starts the count again', async () => {
    const reg = (await staff('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '输错几次', idNumber: idNumberOf('45030219700808008') }] })).expect(201)).body;
    const wrongCode = reg.queryCode === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    for (let i = 0; i < 4; i++) expect((await pub('track', { trackingNo: reg.trackingNo, queryCode: wrongCode })).status).toBe(404);
    expect((await pub('track', { trackingNo: reg.trackingNo, queryCode: reg.queryCode })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await pub('track', { trackingNo: reg.trackingNo, queryCode: wrongCode })).status).toBe(404);
    expect((await pub('track', { trackingNo: reg.trackingNo, queryCode: reg.queryCode })).status).toBe(200);
  });

  it('no answer of the public API holds a staff name or anyone’s personal data, in any field (checked over every answer above)', () => {
    expect(answers.length).toBeGreaterThan(30);
    const people = [...group, other];
    const forbidden = [
      ...staffNames.filter((s) => s.length >= 2),
      ...people.flatMap((p) => [p.name, p.idNumber, p.phone, p.address, maskIdNumber(p.idNumber)!, maskPhone(p.phone)!]),
      '逾期申请人',
      '锁定测试',
      '输错几次',
      '信访人本人',
    ];
    const keys = [
      'actor',
      'by',
      'approvedBy',
      'petitioners',
      'petitioner',
      'name',
      'idNumber',
      'phone',
      'address',
      'username',
      'displayName',
      'enteredBy',
      'supervisions',
      'note',
      'petitionerNotice',
      'content',
      'timeline',
      'correction',
      'enteredAt',
    ];
    const problems: string[] = [];
    for (const { what, res } of answers) {
      for (const leaf of leaves(res.body)) {
        if (leaf.path.endsWith('(key)') && keys.includes(leaf.text)) problems.push(`${what}: ${leaf.path}`);
        for (const f of forbidden) if (leaf.text.includes(f)) problems.push(`${what}: ${leaf.path} contains ${f}`);
        // Nothing masked either: a masked value shows it is there.
        if (leaf.text.includes('*')) problems.push(`${what}: ${leaf.path} is masked: ${leaf.text}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the staff’s view of the same case does name them (what the public view leaves out is there)', async () => {
    const v = (await t.http().get(`/api/v1/petitions/${main.id}`).set(as('office1')).expect(200)).body;
    const all = JSON.stringify(v);
    for (const s of [APPROVER, SUPERVISION_NOTE, 'zhang.jianguo', group[1].name]) expect(all).toContain(s);
  });
});

describe('the public door’s rate limit per client address', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ PUBLIC_RATE_PER_ADDRESS: '3', PUBLIC_RATE_WINDOW_SECONDS: '60' });
  }, 60000);
  afterAll(() => t.stop());

  it('allows PUBLIC_RATE_PER_ADDRESS requests per window to all public routes together, then 429 with Retry-After; the staff’s routes are not counted', async () => {
    const body = { trackingNo: 'XF20240101ABCDEF12', queryCode: '234567' };
    expect((await t.http().post('/api/v1/public/track').send(body)).status).toBe(404);
    expect(
      (
        await t
          .http()
          .post('/api/v1/public/evaluate')
          .send({ ...body, rating: 'satisfied' })
      ).status,
    ).toBe(404);
    expect((await t.http().post('/api/v1/public/review-request').send({ trackingNo: 'bad' })).status).toBe(400);
    const over = await t.http().post('/api/v1/public/re-review-request').send(body);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('您所在的网络地址查询过于频繁') });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const admin = await login(t, 'admin', 'admin-e2e-password');
    const log = (await t.http().get('/api/v1/admin/security-events').query({ event: 'public-throttled' }).set(bearer(admin)).expect(200)).body.items;
    expect(log).toHaveLength(1);
  });
});

describe('the public door while the read model lags (its consumer held)', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  beforeAll(async () => {
    t = await startTestPlatform({ READ_YOUR_WRITES_TIMEOUT_MS: '300', PUBLIC_RATE_PER_ADDRESS: '10000' });
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('a case just registered: 503 saying to try again later (no case id); a rating saved while the view lags: 202 with the tracking number and the message', async () => {
    const held = await holdReporting(t);
    let reg: { id: string; trackingNo: string; queryCode: string };
    try {
      const res = await t
        .http()
        .post('/api/v1/petitions')
        .set(bearer(tk.reception1))
        .send(walkIn({ petitioners: [{ name: '稍后查询' }] }))
        .expect(202);
      reg = res.body;
      expect(reg.queryCode).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
      const early = await t.http().post('/api/v1/public/track').send({ trackingNo: reg.trackingNo, queryCode: reg.queryCode });
      expect(early.status).toBe(503);
      expect(early.body).toMatchObject({ code: 'UNAVAILABLE', message: '办理情况正在更新，请稍后再查询' });
      expect(JSON.stringify(early.body)).not.toContain(reg.id);
    } finally {
      await held.open();
    }
    for (const [path, who, body] of [
      ['route', 'office1', { mode: 'transfer', unitCode: 'housing' }],
      ['accept', 'housing1', {}],
      ['close', 'housing1', { kind: 'substantive', outcome: 'explain', opinion: '答复。' }],
    ] as const) {
      await t.http().post(`/api/v1/petitions/${reg!.id}/${path}`).set(bearer(tk[who])).send(body).expect(200);
    }
    const again = await holdReporting(t);
    try {
      const rated = await t.http().post('/api/v1/public/evaluate').send({ trackingNo: reg!.trackingNo, queryCode: reg!.queryCode, rating: 'satisfied' });
      expect({ status: rated.status, body: rated.body }).toEqual({
        status: 202,
        body: { trackingNo: reg!.trackingNo, status: 'accepted-pending-view', message: '已提交，办理情况稍后更新，请稍后重新查询' },
      });
    } finally {
      await again.open();
    }
    const after = await t.http().post('/api/v1/public/track').send({ trackingNo: reg!.trackingNo, queryCode: reg!.queryCode }).expect(200);
    expect(after.body.evaluation).toMatchObject({ rating: 'satisfied' });
  });
});
