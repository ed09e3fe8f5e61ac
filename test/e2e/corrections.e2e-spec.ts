import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Admin corrections (issue 8): a back-dated `at` lies in the past and not before the case's
 * previous step (422 naming both instants, field `at`, nothing written); every act of the
 * administrator on a case is flagged as a correction in the timeline (who, when it happened,
 * when it was entered) and in the security log.
 */
describe('admin corrections: back-dated acts in order, flagged and audited', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const get = (path: string, who: string, query: Record<string, unknown> = {}) => t.http().get(path).query(query).set(as(who));
  /** An instant `days` ago at 10:00 office time (+08:00), as the API writes it. */
  const ago = (days: number, time = '10:00:00') => {
    const d = new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
    return `${d}T${time}+08:00`;
  };
  const timelineOf = async (id: string) =>
    (await get(`/api/v1/petitions/${id}`, 'office1').expect(200)).body.timeline as { type: string; at: string; actor: string; enteredAt?: string; correction?: boolean }[];

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('refuses an `at` in the future or before the previous step, naming both instants, and writes nothing', async () => {
    const reg = (await post('/api/v1/petitions', 'reception1', walkIn({ channel: 'letter', receivedAt: ago(6), petitioners: [{ name: '更正甲' }] })).expect(201)).body;
    await post(`/api/v1/petitions/${reg.id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: ago(4) }).expect(200);
    const before = await timelineOf(reg.id);

    const future = new Date(Date.now() + 2 * 86_400_000).toISOString().replace('Z', '+00:00');
    const f = await post(`/api/v1/petitions/${reg.id}/accept`, 'admin', { at: future }).expect(422);
    expect(f.body).toMatchObject({ code: 'REGULATION', details: [{ field: 'at', messages: [expect.stringContaining('不得晚于当前时间')] }] });
    expect(f.body.message).toMatch(/补录的办理时间 \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00 晚于当前时间 \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00/);

    const early = await post(`/api/v1/petitions/${reg.id}/accept`, 'admin', { at: ago(5) }).expect(422);
    expect(early.body).toMatchObject({ code: 'REGULATION', details: [{ field: 'at', messages: [expect.stringContaining(ago(4))] }] });
    expect(early.body.message).toBe(`补录的办理时间 ${ago(5)} 早于该案件上一步办理（转送交办）的时间 ${ago(4)}，办理过程不能倒序`);

    // Nothing written: the case is still routed, its timeline as it was.
    const after = (await get(`/api/v1/petitions/${reg.id}`, 'office1').expect(200)).body;
    expect(after.status).toBe('routed');
    expect(after.timeline).toEqual(before);

    // The same instant as the previous step, and any time after it, is in order.
    await post(`/api/v1/petitions/${reg.id}/accept`, 'admin', { at: ago(4) }).expect(200);
    const closeEarly = await post(`/api/v1/petitions/${reg.id}/close`, 'admin', { kind: 'substantive', outcome: 'explain', opinion: '已答复。', at: ago(4, '09:00:00') }).expect(422);
    expect(closeEarly.body.message).toContain('上一步办理（受理）');
    await post(`/api/v1/petitions/${reg.id}/close`, 'admin', { kind: 'substantive', outcome: 'explain', opinion: '已答复。', at: ago(2) }).expect(200);
  });

  it('flags every act of the administrator as a correction in the timeline and the security log; staff acts are not', async () => {
    const reg = (await post('/api/v1/petitions', 'reception1', walkIn({ channel: 'letter', receivedAt: ago(3), petitioners: [{ name: '更正乙' }] })).expect(201)).body;
    await post(`/api/v1/petitions/${reg.id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: ago(2) }).expect(200);
    await post(`/api/v1/petitions/${reg.id}/accept`, 'admin', { at: ago(1) }).expect(200);
    await post(`/api/v1/petitions/${reg.id}/extend`, 'housing1', { days: 10, reason: '补正材料', approvedBy: '局长' }).expect(200);
    const sup = (await post(`/api/v1/petitions/${reg.id}/supervise`, 'admin', { note: '请加快办理' }).expect(200)).body;
    const tl = sup.timeline as { type: string; at: string; actor: string; enteredAt?: string; correction?: boolean }[];
    const by = (type: string) => tl.find((e) => e.type === type)!;
    expect(by('registered')).not.toHaveProperty('correction');
    expect(by('extended')).toMatchObject({ actor: 'housing1' });
    expect(by('extended')).not.toHaveProperty('correction');
    expect(by('routed')).toMatchObject({ actor: 'admin', at: ago(2), correction: true, enteredAt: expect.stringMatching(/\+08:00$/) });
    expect(by('accepted')).toMatchObject({ actor: 'admin', at: ago(1), correction: true, enteredAt: expect.stringMatching(/\+08:00$/) });
    // Not back-dated, still the administrator's: a correction, at the time it was done.
    expect(by('supervised')).toMatchObject({ actor: 'admin', correction: true });
    expect(by('supervised')).not.toHaveProperty('enteredAt');

    const log = (await get('/api/v1/admin/security-events', 'admin', { event: 'case-correction', pageSize: 200 }).expect(200)).body.items as {
      actor: string;
      target: string;
      detail: Record<string, unknown>;
    }[];
    const mine = log.filter((e) => e.target === `petitions/${reg.id}`);
    expect(mine.map((e) => [e.actor, e.detail.action, e.detail.at]).sort()).toEqual(
      [
        ['admin', 'route', ago(2)],
        ['admin', 'accept', ago(1)],
        ['admin', 'supervise', null],
      ].sort(),
    );
  });
});
