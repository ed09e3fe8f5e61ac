import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Two definitions of the domain doc (regulation.md "Closure and outcome", the seed's "交办积案"):
 * a diversion into the proper procedure (导入相应程序) is a procedural closure; and the cases
 * assigned from above are reported whole and, named apart, the backlog cases among them.
 */
/** The office's date (Asia/Shanghai), not the machine's. */
const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

describe('report definitions: diversion, and backlog among the assigned', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  async function accepted(extra: Record<string, unknown> = {}): Promise<string> {
    n++;
    const id = (
      await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: `申请人${n}`, idNumber: idNumberOf(`4503021981020${String(1000 + n).slice(-4)}`) }], ...extra })).expect(201)
    ).body.id;
    await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: extra.assignedBy ? 'assign' : 'transfer', unitCode: 'housing' }).expect(200);
    await post(`/api/v1/petitions/${id}/accept`, 'housing1').expect(200);
    return id;
  }
  const close = (id: string) => post(`/api/v1/petitions/${id}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '已解决。' }).expect(200);

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('counts a diverted case as a procedural closure, in the summary, the case view and the annual report', async () => {
    const id = await accepted();
    const diverted = (await post(`/api/v1/petitions/${id}/divert`, 'housing1', { procedure: 'litigation', note: '已告知向法院起诉' }).expect(200)).body;
    expect(diverted).toMatchObject({ status: 'diverted', closedAt: expect.any(String), closure: { kind: 'procedural' }, evaluationState: null });
    await close(await accepted());
    await accepted(); // open
    const s = (await t.http().get('/api/v1/reports/summary').query({ from: today, to: today }).set(as('leader1')).expect(200)).body;
    expect(s.received.cases).toBe(3);
    expect(s.closed).toMatchObject({ total: 2, substantive: 1, procedural: 1, diverted: 1 });
    expect(s.rates.resolution).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
    expect(s.rates.substantiveResolution).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
    const text = (
      await t
        .http()
        .get('/api/v1/reports/annual')
        .query({ year: today.slice(0, 4), format: 'text' })
        .set(as('leader1'))
        .expect(200)
    ).text;
    expect(text).toContain('实体性办结1件、程序性办结1件，其中导入相应程序1件');
  });

  it('filters the backlog: overdue, and falling due within N days', async () => {
    const inDays = (n: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + n * 86_400_000));
    const soon = await accepted({ assignedBy: { authority: 'municipal', reference: '市信交〔2026〕9号', feedbackDueAt: inDays(5) } });
    const ids = async (q: Record<string, string | number>) => ((await t.http().get('/api/v1/reports/backlog').query(q).set(as('leader1')).expect(200)).body as { id: string }[]).map((b) => b.id);
    const row = (await t.http().get('/api/v1/reports/backlog').set(as('leader1')).expect(200)).body.find((b: { id: string }) => b.id === soon);
    expect(row).toMatchObject({ dueKind: 'feedback', dueAt: `${inDays(6)}T00:00:00+08:00`, overdue: false }); // 24:00 of the feedback date
    expect(await ids({ dueWithinDays: 5 })).toContain(soon);
    expect(await ids({ dueWithinDays: 4 })).not.toContain(soon);
    expect(await ids({ overdue: 'false' })).toContain(soon);
    expect(await ids({ overdue: 'true' })).not.toContain(soon);
    const bad = await t.http().get('/api/v1/reports/backlog').query({ dueWithinDays: -1 }).set(as('leader1')).expect(400);
    expect(bad.body.details).toEqual([{ field: 'dueWithinDays', messages: [expect.stringContaining('临期天数')] }]);
  });

  it('reports the cases assigned from above and, named apart, the backlog cases among them', async () => {
    const backlog = await accepted({ assignedBy: { authority: 'provincial', reference: '桂信交〔2026〕1号' }, backlog: true });
    await close(backlog);
    await accepted({ assignedBy: { authority: 'provincial', reference: '桂信交〔2026〕2号' } }); // assigned, not a backlog case, open
    await close(await accepted({ assignedBy: { authority: 'central', reference: '国信交〔2026〕3号' } }));
    const s = (await t.http().get('/api/v1/reports/summary').query({ from: today, to: today }).set(as('leader1')).expect(200)).body;
    expect(s.assigned.provincial).toEqual({
      received: 2,
      closedSubstantive: 1,
      closedProcedural: 0,
      open: 1,
      resolution: { numerator: 1, denominator: 2, rate: 0.5 },
      backlog: { received: 1, closedSubstantive: 1, closedProcedural: 0, open: 0, resolution: { numerator: 1, denominator: 1, rate: 1 } },
    });
    expect(s.assigned.central.backlog).toMatchObject({ received: 0, resolution: { numerator: 0, denominator: 0, rate: null } });
    const text = (
      await t
        .http()
        .get('/api/v1/reports/annual')
        .query({ year: today.slice(0, 4), format: 'text' })
        .set(as('leader1'))
        .expect(200)
    ).text;
    expect(text).toContain('收到中央、自治区（省）交办事项3件，程序性办结0件、实体性办结2件，总化解率66.7%（2/3）；其中交办积案1件，程序性办结0件、实体性办结1件，化解率100%（1/1）');
    const csv = (
      await t
        .http()
        .get('/api/v1/reports/annual')
        .query({ year: today.slice(0, 4), format: 'csv' })
        .set(as('leader1'))
        .expect(200)
    ).text;
    expect(csv).toMatch(/交办积案,省（自治区）交办积案（件）,1/);
  });
});

describe('the summary’s filters, first-time resolution, routing and supervision, and the cases behind every figure', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const period = { from: today, to: today };
  const summary = async (q: Record<string, string> = {}) =>
    (
      await t
        .http()
        .get('/api/v1/reports/summary')
        .query({ ...period, ...q })
        .set(as('leader1'))
        .expect(200)
    ).body;
  const drill = async (figure: string, part: 'numerator' | 'denominator', q: Record<string, string> = {}) =>
    (
      await t
        .http()
        .get('/api/v1/reports/cases')
        .query({ ...period, ...q, figure, part, pageSize: 200 })
        .set(as('leader1'))
        .expect(200)
    ).body as { total: number; items: { id: string; trackingNo: string }[] };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    const register = async (name: string, extra: Record<string, unknown> = {}) => {
      n++;
      ids[name] = (
        await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name, idNumber: idNumberOf(`4503021982030${String(1000 + n).slice(-4)}`) }], ...extra })).expect(201)
      ).body.id;
      return ids[name];
    };
    // a: a visit, transferred, accepted, closed substantively: a first-time resolution.
    const a = await register('甲');
    await post(`/api/v1/petitions/${a}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    await post(`/api/v1/petitions/${a}/accept`, 'housing1').expect(200);
    await post(`/api/v1/petitions/${a}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '已解决。' }).expect(200);
    // b: a letter about labour, assigned, supervised by the leader; the petitioner called again
    // while it was handled (a repeat contact joins it, Art. 19(3)); closed substantively: not first-time.
    const b = await register('乙', { channel: 'letter', category: 'labour-social-security', purpose: 'suggestion' });
    await post(`/api/v1/petitions/${b}/route`, 'office1', { mode: 'assign', unitCode: 'labour' }).expect(200);
    await post(`/api/v1/petitions/${b}/supervise`, 'leader1', { note: '请加快办理' }).expect(200);
    await post(`/api/v1/petitions/${b}/accept`, 'labour1').expect(200);
    const again = await post(
      '/api/v1/petitions',
      'reception1',
      walkIn({ channel: 'phone', petitioners: [{ name: '乙', idNumber: idNumberOf(`4503021982030${String(1000 + n).slice(-4)}`) }], category: 'labour-social-security', purpose: 'suggestion' }),
    );
    expect([again.status, again.body.id]).toEqual([expect.any(Number), b]);
    await post(`/api/v1/petitions/${b}/close`, 'labour1', { kind: 'substantive', outcome: 'support', opinion: '已解决。' }).expect(200);
    // c: a visit closed procedurally (explained): closed, not first-time.
    const c = await register('丙');
    await post(`/api/v1/petitions/${c}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    await post(`/api/v1/petitions/${c}/accept`, 'housing1').expect(200);
    await post(`/api/v1/petitions/${c}/close`, 'housing1', { kind: 'procedural', outcome: 'explain', opinion: '已解释说明。' }).expect(200);
    // d: registered only.
    await register('丁');
  }, 60000);
  afterAll(() => t.stop());

  it('computes first-time resolution, routing and supervision by hand-counted numbers', async () => {
    const s = await summary();
    expect(s.received.cases).toBe(4);
    expect(s.closed).toMatchObject({ total: 3, substantive: 2, procedural: 1 });
    // Closed 3; first-time: only 甲 (乙 had a repeat contact, 丙 was procedural).
    expect(s.rates.firstTimeResolution).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
    expect(s.routing).toEqual({ transfer: 2, assign: 1 });
    expect(s.supervision).toEqual({ total: 1, manual: 1, automatic: 0 });
  });

  it('filters by channel, purpose and category (a first-level code takes its children)', async () => {
    const letters = await summary({ channel: 'letter' });
    expect([letters.received.cases, letters.closed.total]).toEqual([1, 1]);
    const suggestions = await summary({ purpose: 'suggestion' });
    expect(suggestions.received.cases).toBe(1);
    expect(suggestions.received.contacts).toBe(2); // the case and its repeat contact
    expect((await summary({ category: 'labour-social-security' })).received.cases).toBe(1);
    const visits = await summary({ channel: 'visit', unitCode: 'housing' });
    expect([visits.received.cases, visits.filters]).toEqual([2, expect.objectContaining({ channel: 'visit', unitCode: 'housing' })]);
    const bad = await t
      .http()
      .get('/api/v1/reports/summary')
      .query({ ...period, channel: 'pigeon' })
      .set(as('leader1'))
      .expect(400);
    expect(bad.body.details[0].field).toBe('channel');
  });

  it('lists the cases behind every figure: the numbers of each list equal the summary’s numerator and denominator', async () => {
    for (const q of [{}, { unitCode: 'housing' }, { channel: 'letter' }] as Record<string, string>[]) {
      const s = await summary(q);
      const expected: Record<string, [number, number | null]> = {
        received: [s.received.cases, null],
        contacts: [s.received.contacts, null],
        closed: [s.closed.total, null],
        closedSubstantive: [s.closed.substantive, null],
        closedProcedural: [s.closed.procedural, null],
        closedDiverted: [s.closed.diverted, null],
        closedOnTime: [s.closed.onTime, null],
        ...Object.fromEntries(Object.entries(s.rates as Record<string, { numerator: number; denominator: number }>).map(([k, r]) => [k, [r.numerator, r.denominator]])),
        ...Object.fromEntries(
          ['central', 'provincial', 'municipal'].flatMap((a) => [
            [`assigned.${a}`, [s.assigned[a].resolution.numerator, s.assigned[a].resolution.denominator]],
            [`assigned.${a}.backlog`, [s.assigned[a].backlog.resolution.numerator, s.assigned[a].backlog.resolution.denominator]],
          ]),
        ),
      };
      for (const [figure, [numerator, denominator]] of Object.entries(expected)) {
        const num = await drill(figure, 'numerator', q);
        expect({ q, figure, numerator: num.total, listed: num.items.length }).toEqual({ q, figure, numerator, listed: numerator });
        if (denominator === null) {
          const refused = await t
            .http()
            .get('/api/v1/reports/cases')
            .query({ ...period, ...q, figure, part: 'denominator' })
            .set(as('leader1'))
            .expect(400);
          expect(refused.body.details[0].field).toBe('part');
        } else {
          expect({ q, figure, denominator: (await drill(figure, 'denominator', q)).total }).toEqual({ q, figure, denominator });
        }
      }
    }
    // The leader clicks from 一次性化解率 to the case behind it.
    expect((await drill('firstTimeResolution', 'numerator')).items.map((c) => c.id)).toEqual([ids['甲']]);
    expect(new Set((await drill('firstTimeResolution', 'denominator')).items.map((c) => c.id))).toEqual(new Set([ids['甲'], ids['乙'], ids['丙']]));
    // Paged.
    const page = await t
      .http()
      .get('/api/v1/reports/cases')
      .query({ ...period, figure: 'received', page: 2, pageSize: 3 })
      .set(as('leader1'))
      .expect(200);
    expect([page.body.total, page.body.items.length]).toEqual([4, 1]);
    await t
      .http()
      .get('/api/v1/reports/cases')
      .query({ ...period, figure: 'received' })
      .set(as('housing1'))
      .expect(403);
  });

  it('gives each breakdown row the rates the summary gives for its group', async () => {
    const filterOf: Record<string, string> = { unit: 'unitCode', category: 'category', channel: 'channel', authority: 'authority' };
    for (const by of ['unit', 'category', 'channel', 'authority', 'month']) {
      const b = (
        await t
          .http()
          .get('/api/v1/reports/breakdown')
          .query({ ...period, by })
          .set(as('leader1'))
          .expect(200)
      ).body;
      for (const row of b.items as { key: string; received: number; closed: number; closedOnTime: number; rates: Record<string, unknown> }[]) {
        if (row.key === 'unassigned' || row.key === 'none') continue;
        const s = by === 'month' ? await summary() : await summary({ [filterOf[by]]: row.key });
        expect({ by, key: row.key, received: row.received, closed: row.closed, closedOnTime: row.closedOnTime, rates: row.rates }).toEqual({
          by,
          key: row.key,
          received: s.received.cases,
          closed: s.closed.total,
          closedOnTime: s.closed.onTime,
          rates: { onTimeClosure: s.rates.onTimeClosure, resolution: s.rates.resolution, satisfaction: s.rates.satisfaction },
        });
      }
    }
    // By hand: housing received 甲 and 丙, both closed: resolution 2/2; labour 乙 closed 1/1; 丁 has no unit yet: 0/1.
    const units = (
      await t
        .http()
        .get('/api/v1/reports/breakdown')
        .query({ ...period, by: 'unit' })
        .set(as('leader1'))
        .expect(200)
    ).body.items;
    const row = (key: string) => units.find((u: { key: string }) => u.key === key);
    expect([row('housing').rates.resolution, row('labour').rates.resolution, row('unassigned').rates.resolution]).toEqual([
      { numerator: 2, denominator: 2, rate: 1 },
      { numerator: 1, denominator: 1, rate: 1 },
      { numerator: 0, denominator: 1, rate: 0 },
    ]);
  });
});
