import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

type Deadline = { kind: string; dueAt: string | null; lastDay: string | null; state: string };
const handling = (ds: Deadline[]) => ds.find((d) => d.kind === 'handling')!;

/** GET /petitions/{id}/preview: what the action's dialog says about the deadlines before it is sent. */
describe('preview of an action’s effect on the deadlines', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const preview = (id: string, who: string, query: Record<string, unknown>) => t.http().get(`/api/v1/petitions/${id}/preview`).query(query).set(as(who));
  let id: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    id = (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '预览', idNumber: '450302198001011115' }] })).expect(201)).body.id;
  }, 60000);
  afterAll(() => t.stop());

  it('routing: the unit has 15 days to answer, and the deadlines show it', async () => {
    const res = await preview(id, 'office1', { action: 'route' }).expect(200);
    expect(res.body.action).toBe('route');
    const notice = res.body.deadlines.find((d: Deadline) => d.kind === 'acceptance-notice');
    expect(res.body.effect).toBe(`转送后责任单位应在 15 日内告知受理（至 ${notice.lastDay}，第二十三条）`);
    const routed = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    expect(routed.body.deadlines.find((d: Deadline) => d.kind === 'acceptance-notice').lastDay).toBe(notice.lastDay);
  });

  it('acceptance: the 60-day handling period and its last day, which the real acceptance then has', async () => {
    const res = await preview(id, 'housing1', { action: 'accept' }).expect(200);
    const m = /^受理后办理期限 60 日，至 (\d{4}-\d{2}-\d{2})（《信访工作条例》第三十四条）$/.exec(res.body.effect);
    expect(m).not.toBeNull();
    expect(handling(res.body.deadlines)).toMatchObject({ lastDay: m![1], state: 'pending' });
    const accepted = await post(`/api/v1/petitions/${id}/accept`, 'housing1').expect(200);
    expect(handling(accepted.body.deadlines).lastDay).toBe(m![1]);
  });

  it('extension: the new last day and the days used of 30, as the real extension gives', async () => {
    const res = await preview(id, 'housing1', { action: 'extend', days: 10 }).expect(200);
    const m = /^延期 10 日后办理期限至 (\d{4}-\d{2}-\d{2})（延期合计 10 日，最多 30 日，第三十四条）$/.exec(res.body.effect);
    expect(m).not.toBeNull();
    const extended = await post(`/api/v1/petitions/${id}/extend`, 'housing1', { days: 10, reason: '需调查', approvedBy: '局长' }).expect(200);
    expect(handling(extended.body.deadlines).lastDay).toBe(m![1]);
    expect(handling(res.body.deadlines)).toEqual(handling(extended.body.deadlines));
    expect((await preview(id, 'housing1', { action: 'extend', days: 5 }).expect(200)).body.effect).toContain('延期合计 15 日');
  });

  it('refuses as the action would: 409 naming the state, 422 citing the article', async () => {
    const state = await preview(id, 'housing1', { action: 'accept' }).expect(409);
    expect(state.body).toMatchObject({ code: 'CASE_STATE', message: '该案件当前状态为「已受理」，不能再受理' });
    const rule = await preview(id, 'housing1', { action: 'extend', days: 21 }).expect(422);
    expect(rule.body).toMatchObject({ code: 'REGULATION', message: expect.stringContaining('第三十四条') });
  });

  it('validates its query in Chinese and lets only those who may read the case ask', async () => {
    expect((await preview(id, 'housing1', { action: 'extend' }).expect(400)).body).toMatchObject({ code: 'FIELD_INVALID', details: [{ field: 'days', messages: ['延期天数不能为空'] }] });
    expect((await preview(id, 'housing1', { action: 'close', days: 3 }).expect(400)).body.details[0].field).toBe('days');
    expect((await preview(id, 'housing1', { action: 'dance' }).expect(400)).body.details[0]).toMatchObject({ field: 'action', messages: ['操作不是有效的案件操作'] });
    expect((await preview(id, 'labour1', { action: 'close' }).expect(403)).body.code).toBe('WRONG_UNIT');
    expect((await preview('00000000-0000-4000-8000-000000000000', 'office1', { action: 'close' }).expect(404)).body.code).toBe('NOT_FOUND');
    const close = await preview(id, 'leader1', { action: 'close' }).expect(200);
    // Either the window's last day, or (when it needs a year the holiday calendar lacks) that it cannot be computed yet.
    expect(close.body.effect).toMatch(/^办结后办理期限即告履行；(信访人可在 30 日内申请复查（至 \d{4}-\d{2}-\d{2}，第三十五条）|申请复查期限暂无法计算：\d{4} 年节假日安排尚未载入（第三十五条）)$/);
    const window = close.body.deadlines.find((d: Deadline & { withheld?: boolean }) => d.kind === 'review-request');
    expect(close.body.effect.includes('暂无法计算')).toBe(!!window.withheld);
  });
});
