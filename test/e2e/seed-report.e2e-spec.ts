import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays } from '#libs/regulation';
import { bearer, idNumberOf, seedOffice, serveAcceptanceNotice, startTestPlatform, type TestPlatform } from '../support/embedded.js';

/**
 * The 2022 annual report the project started from (shared/seed): "全年开展领导干部大接访、约访、专访等
 * 活动6次，接待来访群众29人，处理访件12件，所有访件按《信访条例》办结41件，办结率达100%，收到中央、
 * 自治区交办积案7件，程序性办结1件、实体性办结6件，总化解率达100%". The year is entered as paper
 * records (admin back-dates each act) and the summary must give those figures back.
 */
describe('the 2022 annual figures of the seed report', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const admin = () => bearer(tk.admin);
  const at = (date: string) => `${date}T10:00:00+08:00`;

  /** One case through its year: received, routed next day, accepted the day after, closed 20 days later. */
  async function yearCase(received: string, extra: Record<string, unknown>, kind: 'substantive' | 'procedural' = 'substantive'): Promise<void> {
    n++;
    const reg = await t
      .http()
      .post('/api/v1/petitions')
      .set(admin())
      .send({
        channel: 'letter',
        receivedAt: at(received),
        petitioners: [{ name: `来信人${n}`, idNumber: idNumberOf(`45030219700101${String(1000 + n).slice(-3)}`) }],
        purpose: 'appeal',
        category: 'urban-rural-construction',
        summary: `事项${n}`,
        content: `事项${n}`,
        ...extra,
      })
      .expect(201);
    const id = reg.body.id;
    const assigned = !!extra.assignedBy;
    await t
      .http()
      .post(`/api/v1/petitions/${id}/route`)
      .set(admin())
      .send({ mode: assigned ? 'assign' : 'transfer', unitCode: 'housing', at: at(addDays(received, 1)) })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/petitions/${id}/accept`)
      .set(admin())
      .send({ at: at(addDays(received, 2)) })
      .expect(200);
    await serveAcceptanceNotice(t, admin(), id, addDays(received, 2), `${addDays(received, 2)}T10:05:00+08:00`);
    await t
      .http()
      .post(`/api/v1/petitions/${id}/close`)
      .set(admin())
      .send({ kind, outcome: kind === 'substantive' ? 'support' : 'explain', opinion: '已办结。', at: at(addDays(received, 22)) })
      .expect(200);
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    // 6 leadership reception activities: 大接访, 约访, 专访.
    const sessions: string[] = [];
    for (const [kind, date] of [
      ['leader-day', '2022-03-15'],
      ['leader-day', '2022-09-15'],
      ['appointment', '2022-05-10'],
      ['appointment', '2022-07-12'],
      ['special', '2022-06-08'],
      ['special', '2022-10-20'],
    ]) {
      sessions.push((await t.http().post('/api/v1/reception-sessions').set(bearer(tk.office1)).send({ kind, leader: '新区党工委领导', date }).expect(201)).body.id);
    }
    // 12 visit cases from those sessions, 29 people in all.
    const heads = [5, 3, 2, 2, 2, 2, 2, 2, 3, 2, 2, 2];
    const sessionDates = ['2022-03-15', '2022-09-15', '2022-05-10', '2022-07-12', '2022-06-08', '2022-10-20'];
    for (let i = 0; i < heads.length; i++) {
      await yearCase(sessionDates[i % 6], { channel: 'visit', headcount: heads[i], receptionSessionId: sessions[i % 6] });
    }
    // 7 backlog cases assigned by the centre and the autonomous region: 1 procedural, 6 substantive.
    for (let i = 0; i < 7; i++) {
      const authority = i < 3 ? 'central' : 'provincial';
      await yearCase(`2022-0${1 + i}-10`, { assignedBy: { authority, reference: `交〔2022〕${i + 1}号` }, backlog: true }, i === 0 ? 'procedural' : 'substantive');
    }
    // The rest of the 41 cases closed that year: letters and online petitions.
    for (let i = 0; i < 22; i++) await yearCase(`2022-${String(1 + (i % 11)).padStart(2, '0')}-0${1 + (i % 9)}`, { channel: i % 2 ? 'online' : 'letter' });
  }, 120000);
  afterAll(() => t.stop());

  it('gives back 6 sessions, 29 persons, 12 cases; 41 closed, closure 100%; 7 assigned backlog cases resolved 100%', async () => {
    const res = await t.http().get('/api/v1/reports/summary').query({ from: '2022-01-01', to: '2022-12-31' }).set(bearer(tk.leader1)).expect(200);
    const s = res.body;
    expect(s.reception).toMatchObject({ sessions: 6, persons: 29, cases: 12 });
    expect(s.received.cases).toBe(41);
    expect(s.closed).toMatchObject({ total: 41, substantive: 40, procedural: 1, onTime: 41 });
    expect(s.rates.closure).toEqual({ numerator: 41, denominator: 41, rate: 1 });
    const assigned = [s.assigned.central, s.assigned.provincial];
    expect(assigned.reduce((a, x) => a + x.received, 0)).toBe(7);
    expect(assigned.reduce((a, x) => a + x.closedProcedural, 0)).toBe(1);
    expect(assigned.reduce((a, x) => a + x.closedSubstantive, 0)).toBe(6);
    expect(s.assigned.central.resolution).toEqual({ numerator: 3, denominator: 3, rate: 1 });
    expect(s.assigned.provincial.resolution).toEqual({ numerator: 4, denominator: 4, rate: 1 });
    expect(s.rates.onTimeClosure.rate).toBe(1);
    // Paper records entered in sequence: no deadline was announced breached (or escalated) on the way.
    const list = await t.http().get('/api/v1/petitions').query({ pageSize: 200 }).set(bearer(tk.office1)).expect(200);
    expect(list.body.total).toBe(41);
    expect(list.body.items.filter((c: { supervised: boolean }) => c.supervised)).toEqual([]);
    expect(s.rates.timelyAcceptance.rate).toBe(1);
  });

  it('writes the annual report as the office words it, and as CSV and XLSX', async () => {
    const text = await t.http().get('/api/v1/reports/annual').query({ year: 2022 }).set(bearer(tk.leader1)).expect(200);
    expect(text.headers['content-type']).toContain('text/plain');
    if (process.env.SHOW_REPORT) process.stdout.write(text.text);
    expect(text.text).toContain('全年开展领导干部大接访、约访、专访等活动6次，接待来访群众29人，处理访件12件。');
    expect(text.text).toContain('办结41件（实体性办结40件、程序性办结1件），办结率100%（41/41）');
    expect(text.text).toContain('收到中央、自治区（省）交办事项7件，程序性办结1件、实体性办结6件，总化解率100%（7/7）');
    // The seed's "交办积案7件": the backlog cases among the assigned, named apart (here all seven).
    expect(text.text).toContain('其中交办积案7件，程序性办结1件、实体性办结6件，化解率100%（7/7）');
    expect(text.text).toContain('住房和城乡建设局41件');
    // First-time resolution: the 40 substantive closures (no review asked, no repeat contact) of the 41 closed.
    expect(text.text).toContain('及时受理率100%（41/41），一次性化解率97.6%（40/41）。');
    // All 41 went to housing and are about 城乡建设. Handling due in 2022: all but the two letters of
    // 2022-11-02 and 11-04 (accepted two days later, due 60 days on, in January 2023): 39, all on time.
    expect(text.text).toContain('七、受理信访事项较多的单位依次为：住房和城乡建设局（41件）。');
    expect(text.text).toContain('各单位办理情况：住房和城乡建设局41件，办结41件，按期办结率100%（39/39），化解率100%（41/41），满意率—（无应统计事项）。');
    expect(text.text).toContain('八、反映问题较集中的领域依次为：城乡建设（41件）。');

    const csv = await t.http().get('/api/v1/reports/annual').query({ year: 2022, format: 'csv' }).set(bearer(tk.office1)).expect(200);
    expect(csv.headers['content-disposition']).toContain('xinfang-annual-2022.csv');
    expect(csv.text).toContain('领导接访,接待来访群众（人）,29');
    expect(csv.text).toContain('办理情况,一次性化解率,97.6%（40/41）');
    expect(csv.text).toContain('各责任单位排名,第1名 住房和城乡建设局：受理（件）,41');
    expect(csv.text).toContain('各责任单位排名,第1名 住房和城乡建设局：按期办结率,100%（39/39）');
    expect(csv.text).toContain('内容分类,城乡建设,41');

    const xlsx = await t
      .http()
      .get('/api/v1/reports/annual')
      .query({ year: 2022, format: 'xlsx' })
      .set(bearer(tk.office1))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const rows = wb.worksheets[0]
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    expect(rows).toContainEqual(['办理情况', '办结（件）', 41]);
    expect(rows).toContainEqual(['办理情况', '一次性化解率', '97.6%（40/41）']);
    expect(rows).toContainEqual(['各责任单位排名', '第1名 住房和城乡建设局：办结（件）', 41]);

    await t.http().get('/api/v1/reports/annual').query({ year: 'last' }).set(bearer(tk.leader1)).expect(400);
    await t.http().get('/api/v1/reports/annual').query({ year: 2022 }).set(bearer(tk.reception1)).expect(403);
  });
});
