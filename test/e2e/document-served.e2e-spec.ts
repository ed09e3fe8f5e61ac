import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Issue 13, serving a document (已送达): the acceptance notice meets the `acceptance-notice`
 * deadline (Art. 23) when it is marked served — on the day served — not when the unit accepts,
 * nor when the notice is rendered. Only a rendered document is served, once, on a day neither
 * before the date it bears nor after today; the documents list and the case timeline say when and
 * how; the timely-acceptance rate counts the served day.
 */
describe('documents served on the petitioner (已送达)', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(bearer(tk[who])).send(body);
  const view = async (id: string, who = 'office1') => (await t.http().get(`/api/v1/petitions/${id}`).set(bearer(tk[who])).expect(200)).body;
  const notice = async (id: string) => (await view(id)).deadlines.find((d: { kind: string }) => d.kind === 'acceptance-notice');
  const render = (id: string, kind: string, who = 'office1') => t.http().get(`/api/v1/petitions/${id}/documents/${kind}`).query({ format: 'html' }).set(bearer(tk[who])).expect(200);
  const serve = (id: string, kind: string, who: string, body: object) => post(`/api/v1/petitions/${id}/documents/${kind}/served`, who, body);
  /** A petition of a petitioner of its own (the same person on the same matter would be a repeat contact). */
  let people = 0;
  const petition = (overrides: Record<string, unknown> = {}) => {
    people += 1;
    return walkIn({ petitioners: [{ name: `信访人${people}`, idNumber: idNumberOf(`45030219800101${String(100 + people).slice(-3)}`), phone: '13812345678', address: '阳和街道' }], ...overrides });
  };
  const documents = async (id: string, who = 'office1') => (await t.http().get(`/api/v1/petitions/${id}/documents`).set(bearer(tk[who])).expect(200)).body.items;

  /** A case on paper (every act back-dated by the administrator): received 08-01, transferred to housing 08-02, accepted 08-05. */
  async function paperCase(): Promise<string> {
    const reg = await post('/api/v1/petitions', 'reception1', petition({ receivedAt: '2024-08-01T10:00:00+08:00' })).expect(201);
    await post(`/api/v1/petitions/${reg.body.id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: '2024-08-02T10:00:00+08:00' }).expect(200);
    await post(`/api/v1/petitions/${reg.body.id}/accept`, 'admin', { at: '2024-08-05T10:00:00+08:00' }).expect(200);
    return reg.body.id as string;
  }

  let onTime: string;
  let late: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    onTime = await paperCase();
    late = await paperCase();
  }, 60000);
  afterAll(() => t.stop());

  it('accepting alone does not tell the petitioner: the acceptance notice stays unmet and, past its last day, breached', async () => {
    // Transferred 08-02: 15 days from the next day, the last day 08-17.
    expect(await notice(onTime)).toMatchObject({ kind: 'acceptance-notice', lastDay: '2024-08-17', state: 'breached' });
    expect((await notice(onTime)).metAt ?? null).toBeNull();
  });

  it('refuses to mark served a notice never rendered (409), a bad day or way (400 naming the field), a day before the notice’s date or after today (422), and writes nothing', async () => {
    const unrendered = await serve(onTime, 'acceptance-notice', 'admin', { servedOn: '2024-08-06', method: 'in-person' }).expect(409);
    expect(unrendered.body.message).toContain('尚未出具');
    await render(onTime, 'acceptance-notice');
    const badDay = await serve(onTime, 'acceptance-notice', 'admin', { servedOn: '2024-02-30', method: 'in-person' }).expect(400);
    expect(badDay.body.details.map((d: { field: string }) => d.field)).toEqual(['servedOn']);
    const badWay = await serve(onTime, 'acceptance-notice', 'admin', { servedOn: '2024-08-06', method: 'pigeon' }).expect(400);
    expect(badWay.body.details.map((d: { field: string }) => d.field)).toEqual(['method']);
    expect(badWay.body.message).toContain('直接送达');
    // The notice bears the day of acceptance, 2024-08-05.
    const early = await serve(onTime, 'acceptance-notice', 'admin', { servedOn: '2024-08-04', method: 'in-person' }).expect(422);
    expect(early.body.details).toEqual([{ field: 'servedOn', messages: ['不得早于 2024-08-05'] }]);
    const future = await serve(onTime, 'acceptance-notice', 'admin', { servedOn: '2099-01-01', method: 'in-person' }).expect(422);
    expect(future.body.details[0].field).toBe('servedOn');
    expect((await view(onTime)).timeline.filter((e: { type: string }) => e.type === 'document-served')).toEqual([]);
    expect((await documents(onTime)).find((d: { kind: string }) => d.kind === 'acceptance-notice').served).toBeNull();
  });

  it('served on 08-06 (within its 15 days) meets the deadline on that day; the list and the timeline say when, how and who; a second mark is refused', async () => {
    const res = await serve(onTime, 'acceptance-notice', 'admin', { servedOn: '2024-08-06', method: 'post', at: '2024-08-06T09:30:00+08:00' }).expect(200);
    expect(res.body.deadlines.find((d: { kind: string }) => d.kind === 'acceptance-notice')).toMatchObject({ state: 'met', metAt: '2024-08-06T09:30:00+08:00' });
    const item = (await documents(onTime)).find((d: { kind: string }) => d.kind === 'acceptance-notice');
    expect(item.served).toEqual({ on: '2024-08-06', method: 'post', methodName: '邮寄送达', by: 'admin', at: '2024-08-06T09:30:00+08:00' });
    const entry = (await view(onTime)).timeline.find((e: { type: string }) => e.type === 'document-served');
    expect(entry).toMatchObject({
      type: 'document-served',
      at: '2024-08-06T09:30:00+08:00',
      actor: 'admin',
      detail: { kind: 'acceptance-notice', number: item.number, servedOn: '2024-08-06', method: 'post' },
    });
    const again = await serve(onTime, 'acceptance-notice', 'admin', { servedOn: '2024-08-07', method: 'post' }).expect(409);
    expect(again.body.message).toContain('已于 2024-08-06 登记送达');
  });

  it('served on 08-20, after the last day 08-17, the deadline is breached — accepted in time or not', async () => {
    await render(late, 'acceptance-notice');
    const res = await serve(late, 'acceptance-notice', 'admin', { servedOn: '2024-08-20', method: 'in-person', at: '2024-08-20T15:00:00+08:00' }).expect(200);
    expect(res.body.deadlines.find((d: { kind: string }) => d.kind === 'acceptance-notice')).toMatchObject({ state: 'breached', metAt: '2024-08-20T15:00:00+08:00' });
  });

  it('the timely-acceptance rate counts the served days: one of the two told in time', async () => {
    const s = await t.http().get('/api/v1/reports/summary').query({ from: '2024-08-01', to: '2024-08-31' }).set(bearer(tk.leader1)).expect(200);
    expect(s.body.rates.timelyAcceptance).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    const behind = await t.http().get('/api/v1/reports/cases').query({ figure: 'timelyAcceptance', part: 'numerator', from: '2024-08-01', to: '2024-08-31' }).set(bearer(tk.leader1)).expect(200);
    expect(behind.body.items.map((c: { id: string }) => c.id)).toEqual([onTime]);
  });

  it('on a live case the unit’s handler serves it today: pending until then, met at once; a served receipt changes no deadline', async () => {
    const reg = await post('/api/v1/petitions', 'reception1', petition()).expect(201);
    const id = reg.body.id as string;
    await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    await post(`/api/v1/petitions/${id}/accept`, 'housing1', {}).expect(200);
    expect((await notice(id)).state).toBe('pending');
    await render(id, 'acceptance-notice', 'housing1');
    const today = (await documents(id)).find((d: { kind: string }) => d.kind === 'acceptance-notice').lastRenderedAt.slice(0, 10);
    // Leadership reads, it does not serve; another unit's handler does not see the case.
    await serve(id, 'acceptance-notice', 'leader1', { servedOn: today, method: 'in-person' }).expect(403);
    await serve(id, 'acceptance-notice', 'labour1', { servedOn: today, method: 'in-person' }).expect(403);
    // An administrator's `at` is a correction; nobody else may back-date.
    await serve(id, 'acceptance-notice', 'housing1', { servedOn: today, method: 'in-person', at: `${today}T08:00:00+08:00` }).expect(403);
    const res = await serve(id, 'acceptance-notice', 'housing1', { servedOn: today, method: 'in-person' }).expect(200);
    const met = res.body.deadlines.find((d: { kind: string }) => d.kind === 'acceptance-notice');
    expect(met.state).toBe('met');
    expect(met.metAt.slice(0, 10)).toBe(today);

    const before = (await view(id)).deadlines.map((d: { kind: string; state: string; dueAt: string }) => [d.kind, d.state, d.dueAt]);
    await render(id, 'receipt', 'reception1');
    await serve(id, 'receipt', 'reception1', { servedOn: today, method: 'in-person' }).expect(200);
    expect((await view(id)).deadlines.map((d: { kind: string; state: string; dueAt: string }) => [d.kind, d.state, d.dueAt])).toEqual(before);
    expect((await documents(id)).find((d: { kind: string }) => d.kind === 'receipt').served).toMatchObject({ on: today, method: 'in-person', methodName: '直接送达', by: 'reception1' });
  });

  it('the handling opinion served on 09-10: the review window runs from that day (Art. 35: from receiving it) — a request on 10-08 is in time; unserved, the window from the closure had closed', async () => {
    const close = (id: string) => post(`/api/v1/petitions/${id}/close`, 'admin', { kind: 'substantive', outcome: 'support', opinion: '经核实，已落实。', at: '2024-08-30T10:00:00+08:00' }).expect(200);
    const window = async (id: string) => (await view(id)).deadlines.find((d: { kind: string }) => d.kind === 'review-request');
    const served = await paperCase();
    const unserved = await paperCase();
    await close(served);
    await close(unserved);
    // From the closure on 08-30: 30 days, the last day 09-29 (a make-up working Sunday).
    expect(await window(served)).toMatchObject({ lastDay: '2024-09-29', revision: 1 });
    await render(served, 'handling-opinion');
    await serve(served, 'handling-opinion', 'admin', { servedOn: '2024-09-10', method: 'post', at: '2024-09-10T10:00:00+08:00' }).expect(200);
    const moved = await window(served);
    expect(moved).toMatchObject({ lastDay: '2024-10-10', revision: 2 });
    expect(moved.basis).toContain('处理意见书 2024-09-10 送达信访人');
    await post(`/api/v1/petitions/${served}/review-request`, 'admin', { at: '2024-10-08T10:00:00+08:00' }).expect(200);
    const refused = await post(`/api/v1/petitions/${unserved}/review-request`, 'admin', { at: '2024-10-08T10:00:00+08:00' }).expect(422);
    expect(refused.body.message).toContain('第三十五条');
  });

  it('a document the case has not given rise to is refused (409), an unknown kind is 404', async () => {
    const reg = await post('/api/v1/petitions', 'reception1', petition()).expect(201);
    const res = await serve(reg.body.id, 'acceptance-notice', 'office1', { servedOn: '2024-08-06', method: 'in-person' }).expect(409);
    expect(res.body.message).toContain('尚未受理');
    await serve(reg.body.id, 'letter', 'office1', { servedOn: '2024-08-06', method: 'in-person' }).expect(404);
  });
});
