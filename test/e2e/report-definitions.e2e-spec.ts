import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Two definitions of the domain doc (regulation.md "Closure and outcome", the seed's "交办积案"):
 * a diversion into the proper procedure (导入相应程序) is a procedural closure; and the cases
 * assigned from above are reported whole and, named apart, the backlog cases among them.
 */
describe('report definitions: diversion, and backlog among the assigned', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  // The office's date (Asia/Shanghai), not the machine's.
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  async function accepted(extra: Record<string, unknown> = {}): Promise<string> {
    n++;
    const id = (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: `申请人${n}`, idNumber: idNumberOf(`4503021981020${String(1000 + n).slice(-4)}`) }], ...extra })).expect(201)).body.id;
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
    const text = (await t.http().get('/api/v1/reports/annual').query({ year: today.slice(0, 4), format: 'text' }).set(as('leader1')).expect(200)).text;
    expect(text).toContain('实体性办结1件、程序性办结1件，其中导入相应程序1件');
  });

  it('reports the cases assigned from above and, named apart, the backlog cases among them', async () => {
    const backlog = await accepted({ assignedBy: { authority: 'provincial', reference: '桂信交〔2026〕1号' }, backlog: true });
    await close(backlog);
    await accepted({ assignedBy: { authority: 'provincial', reference: '桂信交〔2026〕2号' } }); // assigned, not a backlog case, open
    await close(await accepted({ assignedBy: { authority: 'central', reference: '国信交〔2026〕3号' } }));
    const s = (await t.http().get('/api/v1/reports/summary').query({ from: today, to: today }).set(as('leader1')).expect(200)).body;
    expect(s.assigned.provincial).toEqual({
      received: 2, closedSubstantive: 1, closedProcedural: 0, open: 1, resolution: { numerator: 1, denominator: 2, rate: 0.5 },
      backlog: { received: 1, closedSubstantive: 1, closedProcedural: 0, open: 0, resolution: { numerator: 1, denominator: 1, rate: 1 } },
    });
    expect(s.assigned.central.backlog).toMatchObject({ received: 0, resolution: { numerator: 0, denominator: 0, rate: null } });
    const text = (await t.http().get('/api/v1/reports/annual').query({ year: today.slice(0, 4), format: 'text' }).set(as('leader1')).expect(200)).text;
    expect(text).toContain('收到中央、自治区（省）交办事项3件，程序性办结0件、实体性办结2件，总化解率66.7%（2/3）；其中交办积案1件，程序性办结0件、实体性办结1件，化解率100%（1/1）');
    const csv = (await t.http().get('/api/v1/reports/annual').query({ year: today.slice(0, 4), format: 'csv' }).set(as('leader1')).expect(200)).text;
    expect(csv).toMatch(/交办积案,省（自治区）交办积案（件）,1/);
  });
});
