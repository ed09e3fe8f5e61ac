import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, seedOffice, serveAcceptanceNotice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/** GET /reports/breakdown: the dashboard's charts by unit, category, channel, authority and month. */
describe('report breakdown', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const breakdown = (who: string, query: Record<string, string>) => t.http().get('/api/v1/reports/breakdown').query(query).set(as(who));
  const period = { from: '2025-01-01', to: '2025-04-30' };

  /** A case entered from paper records (admin back-dates every step). */
  async function paperCase(o: { received: string; category: string; channel?: string; unit?: string; accepted?: string; closed?: string; assignedBy?: object }) {
    n++;
    const id = (
      await post(
        '/api/v1/petitions',
        'admin',
        walkIn({
          receivedAt: `${o.received}T10:00:00+08:00`,
          category: o.category,
          channel: o.channel ?? 'visit',
          petitioners: [{ name: `分组${n}` }],
          ...(o.assignedBy ? { assignedBy: o.assignedBy } : {}),
        }),
      ).expect(201)
    ).body.id;
    if (!o.unit) return id;
    await post(`/api/v1/petitions/${id}/route`, 'admin', { mode: 'transfer', unitCode: o.unit, at: `${o.received}T15:00:00+08:00` }).expect(200);
    if (o.accepted) {
      await post(`/api/v1/petitions/${id}/accept`, 'admin', { at: `${o.accepted}T10:00:00+08:00` }).expect(200);
      await serveAcceptanceNotice(t, as('admin'), id, o.accepted, `${o.accepted}T10:05:00+08:00`);
    }
    if (o.closed) await post(`/api/v1/petitions/${id}/close`, 'admin', { kind: 'substantive', outcome: 'support', opinion: '支持。', at: `${o.closed}T10:00:00+08:00` }).expect(200);
    return id;
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    // Closed in January, received the year before: counts as closed only.
    await paperCase({ received: '2024-12-20', category: 'civil-affairs', unit: 'housing', accepted: '2024-12-21', closed: '2025-01-15' });
    // Received in January, closed in February, on time.
    await paperCase({ received: '2025-01-10', category: 'urban-rural-construction.property-management', unit: 'housing', accepted: '2025-01-11', closed: '2025-02-05' });
    // Received in January by letter, accepted, never closed: its 60 days ran out long ago (overdue).
    await paperCase({ received: '2025-01-20', category: 'urban-rural-construction', channel: 'letter', unit: 'labour', accepted: '2025-01-22' });
    // Received in March by phone, assigned from the province, never routed (overdue).
    await paperCase({ received: '2025-03-05', category: 'health', channel: 'phone', assignedBy: { authority: 'provincial', reference: '省交〔2025〕3号' } });
  }, 60000);
  afterAll(() => t.stop());

  const rows = (body: { items: { key: string; received: number; closed: number; overdue: number }[] }) => body.items.map((i) => [i.key, i.received, i.closed, i.overdue]);

  it('by month: every month of the period, zeros included', async () => {
    const res = await breakdown('leader1', { by: 'month', ...period }).expect(200);
    expect(res.body.by).toBe('month');
    expect(res.body.period).toEqual(period);
    expect(rows(res.body)).toEqual([
      ['2025-01', 2, 1, 1],
      ['2025-02', 0, 1, 0],
      ['2025-03', 1, 0, 1],
      ['2025-04', 0, 0, 0],
    ]);
  });

  it('by category: the first level, second-level cases counted under it', async () => {
    expect(rows((await breakdown('office1', { by: 'category', ...period }).expect(200)).body)).toEqual([
      ['urban-rural-construction', 2, 1, 1],
      ['health', 1, 0, 1],
      ['civil-affairs', 0, 1, 0],
    ]);
  });

  it('by unit, channel and authority', async () => {
    expect(rows((await breakdown('leader1', { by: 'unit', ...period }).expect(200)).body)).toEqual([
      ['housing', 1, 2, 0],
      ['labour', 1, 0, 1],
      ['unassigned', 1, 0, 1],
    ]);
    expect(rows((await breakdown('leader1', { by: 'channel', ...period }).expect(200)).body)).toEqual([
      ['visit', 1, 2, 0],
      ['letter', 1, 0, 1],
      ['phone', 1, 0, 1],
    ]);
    expect(rows((await breakdown('leader1', { by: 'authority', ...period }).expect(200)).body)).toEqual([
      ['none', 2, 2, 1],
      ['provincial', 1, 0, 1],
    ]);
  });

  it('is for leaders and the office; validates by and the period in Chinese', async () => {
    for (const who of ['housing1', 'reception1']) expect((await breakdown(who, { by: 'unit', ...period }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await breakdown('leader1', { by: 'weather', ...period }).expect(400)).body.details[0]).toMatchObject({ field: 'by', messages: [expect.stringContaining('分组方式')] });
    expect((await breakdown('leader1', { by: 'unit', from: '2025-05-01', to: '2025-04-30' }).expect(400)).body.details[0]).toEqual({ field: 'from', messages: ['起始日期不得晚于结束日期'] });
  });
});
