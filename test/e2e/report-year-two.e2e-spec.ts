import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, serveAcceptanceNotice, serviceCommand, startTestPlatform, type TestPlatform } from '../support/embedded.js';

/**
 * A second scripted year (issue 10, "reports at scale"): 2023, entered through the HTTP API as
 * paper records (the admin back-dates every act), with the misses leadership has to see. Every
 * expected number below is counted BY HAND from the script and the definitions of
 * shared/domain/regulation.md ("Figures leadership reports"), never from the platform's code.
 *
 * Times: a registration at 09:00, its routing at 15:00 the same day (so the acceptance notice's
 * 15 days run from the same day whether counted from receipt, as regulation.md's table says, or
 * from the routing), every other act at 10:00 (+08:00). Handling: 60 days from acceptance (the day
 * of acceptance not counted), plus any extension granted before the 60 days ran out. Evaluation
 * window: 30 days from closure. Every due day below is at least 3 days from the act it judges and
 * none is a statutory holiday.
 *
 * Units: housing 住建局, labour 人社局, health 卫健委 (created here). T = transfer 转送, A = assign 交办.
 * Categories (first level): urc 城乡建设, lss 劳动和社会保障, health 卫生健康, env 环境保护,
 * land 国土资源, pers 组织人事.
 *
 * | case | received   | channel/heads | unit    | route | from (积案)   | category (1st) | accepted | handling due | extension          | closed / kind                | evaluation          | other |
 * |------|------------|---------------|---------|-------|---------------|----------------|----------|--------------|--------------------|------------------------------|---------------------|-------|
 * | C00  | 2022-12-12 | letter 1      | housing | T     |               | urc            | 12-14    | 2023-02-12   |                    | 2023-01-30 substantive       | 02-06 satisfied     | received the year before |
 * | C01  | 02-06      | letter 1      | housing | T     |               | urc            | 02-08    | 04-09        |                    | 03-10 substantive            | 03-20 satisfied     | |
 * | C02  | 03-15      | visit 6 (S1)  | housing | T     |               | urc            | 03-17    | 05-16        |                    | 04-20 substantive            | 05-08 basically     | group visit |
 * | C03  | 03-15      | visit 1 (S1)  | labour  | T     |               | lss            | 03-16    | 05-15        |                    | 03-30 substantive            | 04-03 satisfied     | |
 * | C04  | 04-03      | letter 1      | labour  | T     |               | lss            | 05-08 LATE (notice due 04-18) | 07-07 |       | 06-12 substantive            | lapsed 07-12        | late acceptance notice |
 * | C05  | 01-09      | online 1      | housing | T     |               | urc            | 01-10    | 03-11        |                    | 04-14 substantive LATE       | 04-25 basically     | breached |
 * | C06  | 05-04      | letter 1      | labour  | T     |               | lss            | 05-05    | 07-04 → 07-24 | +20 on 06-20      | 07-14 substantive (on time)  | 07-20 satisfied     | extended |
 * | C07  | 06-05      | visit 1       | housing | T     |               | env            | 06-06    | 08-05 → 08-20 | +15 on 07-25      | 09-12 procedural LATE        | lapsed 10-12        | extended and breached |
 * | C08  | 07-03      | phone 1       | labour  | T     |               | lss            | 07-05    | 09-03        |                    | open (breached)              |                     | |
 * | C09  | 02-13      | letter 1      | housing | T     |               | urc            | 02-15    | 04-16        |                    | 04-03 substantive not-support| 04-07 DISSATISFIED  | review asked 04-17, opinion 05-10 (upheld) |
 * | C10  | 08-14      | visit 1 (S3)  | labour  | T     |               | lss            | 08-15    | 10-14        |                    | 08-28 DIVERTED (arbitration) | (no window)         | diversion |
 * | C11  | 03-10      | letter 1      | housing | T     |               | urc            | 03-20    | 05-19        |                    | 05-10 substantive            | 05-25 satisfied     | repeats: phone 04-10 (1), visit 04-24 (2, S2) |
 * | C12  | 10-09      | phone 1       | health  | T     |               | health         | 10-11    | 12-10        |                    | 11-27 substantive            | lapsed 12-27        | repeat: phone 11-06 (1) |
 * | C13  | 11-06      | online 1      | health  | T     |               | health         | 11-08    | 2024-01-07   |                    | open                         |                     | due next year |
 * | C14  | 09-11      | letter 1      | health  | T     |               | health         | never (notice due 09-26)|     |                    | open                         |                     | |
 * | C15  | 12-04      | letter 1      | —       | —     |               | env            |          |              |                    | open (registered only)       |                     | no unit |
 * | C16  | 01-16      | letter 1      | housing | A     | central 积案   | urc            | 01-18    | 03-19        |                    | 03-01 substantive            | 03-08 satisfied     | |
 * | C17  | 05-15      | visit 3       | labour  | A     | central 积案   | lss            | 05-17    | 07-16        |                    | 06-28 procedural             | 07-05 basically     | |
 * | C18  | 09-04      | online 1      | housing | A     | central       | land           | 09-06    | 11-05        |                    | open (breached)              |                     | supervised today |
 * | C19  | 02-20      | letter 1      | labour  | A     | provincial 积案| lss            | 02-22    | 04-23        |                    | 04-06 substantive            | 04-14 satisfied     | |
 * | C20  | 06-12      | phone 1       | health  | A     | provincial    | health         | 06-14    | 08-13 → 09-12 | +30 on 08-01      | 08-28 substantive            | lapsed 09-27        | extended |
 * | C21  | 10-16      | visit 1       | housing | A     | provincial 积案| urc            | 10-18    | 12-17        |                    | 12-20 substantive LATE       | (window to 2024-01-19) | |
 * | C22  | 07-10      | letter 1      | labour  | A     | municipal     | pers           | 07-12    | 09-10        |                    | 07-28 substantive            | 08-02 satisfied     | |
 * | C23  | 11-13      | online 1      | housing | A     | municipal 积案 | urc            | never (notice due 11-28)|     |                    | open                         |                     | |
 * | C24  | 04-17      | visit 1       | health  | A     | municipal     | health         | 04-19    | 06-18        |                    | 05-30 substantive            | 06-05 basically     | |
 *
 * Reception sessions: S1 leader-day 2023-03-15 (C02 6 persons, C03 1), S2 appointment 2023-04-24
 * (C11's repeat visit, 2 persons), S3 special 2023-08-14 (C10, 1 person).
 */

const YEAR = { from: '2023-01-01', to: '2023-12-31' };
/** The office's date (Asia/Shanghai), not the machine's: the day of the supervision act. */
const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

type Key = `C${string}`;
interface Script {
  received: string;
  channel: 'visit' | 'letter' | 'online' | 'phone';
  headcount?: number;
  session?: 'S1' | 'S2' | 'S3';
  category: string;
  purpose?: 'accusation' | 'suggestion' | 'appeal';
  unit?: string;
  assignedBy?: 'central' | 'provincial' | 'municipal';
  backlog?: boolean;
  accepted?: string;
  extend?: [date: string, days: number];
  closed?: [date: string, kind: 'substantive' | 'procedural', outcome: 'support' | 'explain' | 'not-support'];
  diverted?: string;
  evaluated?: [date: string, rating: 'satisfied' | 'basically-satisfied' | 'dissatisfied'];
  review?: [requested: string, opinion: string];
  repeats?: [date: string, channel: 'visit' | 'phone', headcount: number, session?: 'S2'][];
}

const SCRIPT: Record<Key, Script> = {
  C00: {
    received: '2022-12-12',
    channel: 'letter',
    category: 'urban-rural-construction',
    unit: 'housing',
    accepted: '2022-12-14',
    closed: ['2023-01-30', 'substantive', 'support'],
    evaluated: ['2023-02-06', 'satisfied'],
  },
  C01: {
    received: '2023-02-06',
    channel: 'letter',
    category: 'urban-rural-construction.property-management',
    unit: 'housing',
    accepted: '2023-02-08',
    closed: ['2023-03-10', 'substantive', 'support'],
    evaluated: ['2023-03-20', 'satisfied'],
  },
  C02: {
    received: '2023-03-15',
    channel: 'visit',
    headcount: 6,
    session: 'S1',
    category: 'urban-rural-construction.housing-demolition',
    unit: 'housing',
    accepted: '2023-03-17',
    closed: ['2023-04-20', 'substantive', 'support'],
    evaluated: ['2023-05-08', 'basically-satisfied'],
  },
  C03: {
    received: '2023-03-15',
    channel: 'visit',
    session: 'S1',
    category: 'labour-social-security.wage-arrears',
    unit: 'labour',
    accepted: '2023-03-16',
    closed: ['2023-03-30', 'substantive', 'support'],
    evaluated: ['2023-04-03', 'satisfied'],
  },
  C04: { received: '2023-04-03', channel: 'letter', category: 'labour-social-security.social-insurance', unit: 'labour', accepted: '2023-05-08', closed: ['2023-06-12', 'substantive', 'support'] },
  C05: {
    received: '2023-01-09',
    channel: 'online',
    category: 'urban-rural-construction.construction-quality',
    unit: 'housing',
    accepted: '2023-01-10',
    closed: ['2023-04-14', 'substantive', 'support'],
    evaluated: ['2023-04-25', 'basically-satisfied'],
  },
  C06: {
    received: '2023-05-04',
    channel: 'letter',
    category: 'labour-social-security.labour-contract',
    unit: 'labour',
    accepted: '2023-05-05',
    extend: ['2023-06-20', 20],
    closed: ['2023-07-14', 'substantive', 'support'],
    evaluated: ['2023-07-20', 'satisfied'],
  },
  C07: {
    received: '2023-06-05',
    channel: 'visit',
    category: 'environment.noise',
    unit: 'housing',
    accepted: '2023-06-06',
    extend: ['2023-07-25', 15],
    closed: ['2023-09-12', 'procedural', 'explain'],
  },
  C08: { received: '2023-07-03', channel: 'phone', category: 'labour-social-security.work-injury', unit: 'labour', accepted: '2023-07-05' },
  C09: {
    received: '2023-02-13',
    channel: 'letter',
    category: 'urban-rural-construction.housing-security',
    unit: 'housing',
    accepted: '2023-02-15',
    closed: ['2023-04-03', 'substantive', 'not-support'],
    evaluated: ['2023-04-07', 'dissatisfied'],
    review: ['2023-04-17', '2023-05-10'],
  },
  C10: { received: '2023-08-14', channel: 'visit', session: 'S3', category: 'labour-social-security.labour-contract', unit: 'labour', accepted: '2023-08-15', diverted: '2023-08-28' },
  C11: {
    received: '2023-03-10',
    channel: 'letter',
    category: 'urban-rural-construction.elevator-retrofit',
    unit: 'housing',
    accepted: '2023-03-20',
    repeats: [
      ['2023-04-10', 'phone', 1],
      ['2023-04-24', 'visit', 2, 'S2'],
    ],
    closed: ['2023-05-10', 'substantive', 'support'],
    evaluated: ['2023-05-25', 'satisfied'],
  },
  C12: {
    received: '2023-10-09',
    channel: 'phone',
    category: 'health.medical-disputes',
    unit: 'health',
    accepted: '2023-10-11',
    repeats: [['2023-11-06', 'phone', 1]],
    closed: ['2023-11-27', 'substantive', 'support'],
  },
  C13: { received: '2023-11-06', channel: 'online', category: 'health.medical-insurance', unit: 'health', accepted: '2023-11-08' },
  C14: { received: '2023-09-11', channel: 'letter', category: 'health.public-health', purpose: 'suggestion', unit: 'health' },
  C15: { received: '2023-12-04', channel: 'letter', category: 'environment.noise', purpose: 'suggestion' },
  C16: {
    received: '2023-01-16',
    channel: 'letter',
    category: 'urban-rural-construction.housing-demolition',
    unit: 'housing',
    assignedBy: 'central',
    backlog: true,
    accepted: '2023-01-18',
    closed: ['2023-03-01', 'substantive', 'support'],
    evaluated: ['2023-03-08', 'satisfied'],
  },
  C17: {
    received: '2023-05-15',
    channel: 'visit',
    headcount: 3,
    category: 'labour-social-security.wage-arrears',
    unit: 'labour',
    assignedBy: 'central',
    backlog: true,
    accepted: '2023-05-17',
    closed: ['2023-06-28', 'procedural', 'explain'],
    evaluated: ['2023-07-05', 'basically-satisfied'],
  },
  C18: { received: '2023-09-04', channel: 'online', category: 'land-resources.land-requisition', unit: 'housing', assignedBy: 'central', accepted: '2023-09-06' },
  C19: {
    received: '2023-02-20',
    channel: 'letter',
    category: 'labour-social-security.social-insurance',
    unit: 'labour',
    assignedBy: 'provincial',
    backlog: true,
    accepted: '2023-02-22',
    closed: ['2023-04-06', 'substantive', 'support'],
    evaluated: ['2023-04-14', 'satisfied'],
  },
  C20: {
    received: '2023-06-12',
    channel: 'phone',
    category: 'health',
    unit: 'health',
    assignedBy: 'provincial',
    accepted: '2023-06-14',
    extend: ['2023-08-01', 30],
    closed: ['2023-08-28', 'substantive', 'support'],
  },
  C21: {
    received: '2023-10-16',
    channel: 'visit',
    category: 'urban-rural-construction.real-estate',
    unit: 'housing',
    assignedBy: 'provincial',
    backlog: true,
    accepted: '2023-10-18',
    closed: ['2023-12-20', 'substantive', 'support'],
  },
  C22: {
    received: '2023-07-10',
    channel: 'letter',
    category: 'personnel.recruitment',
    purpose: 'suggestion',
    unit: 'labour',
    assignedBy: 'municipal',
    accepted: '2023-07-12',
    closed: ['2023-07-28', 'substantive', 'support'],
    evaluated: ['2023-08-02', 'satisfied'],
  },
  C23: { received: '2023-11-13', channel: 'online', category: 'urban-rural-construction.property-management', unit: 'housing', assignedBy: 'municipal', backlog: true },
  C24: {
    received: '2023-04-17',
    channel: 'visit',
    category: 'health.drug-safety',
    purpose: 'accusation',
    unit: 'health',
    assignedBy: 'municipal',
    accepted: '2023-04-19',
    closed: ['2023-05-30', 'substantive', 'support'],
    evaluated: ['2023-06-05', 'basically-satisfied'],
  },
};

/** A rate as the API gives it. */
const r = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });
/** Case keys from a compact list: 'C01 C02'. */
const ks = (list: string) => list.split(/\s+/).filter(Boolean).sort();

describe('a second scripted year (2023): every figure against hand-computed numbers', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const ids: Record<string, string> = {};
  const keyOf: Record<string, string> = {};
  const admin = () => bearer(tk.admin);
  const post = (path: string, body: object) => t.http().post(path).set(admin()).send(body);
  const at = (date: string, time = '10:00') => `${date}T${time}:00+08:00`;
  const get = async (path: string, q: Record<string, string | number> = {}) => (await t.http().get(path).query(q).set(bearer(tk.leader1)).expect(200)).body;
  const summary = (q: Record<string, string> = {}) => get('/api/v1/reports/summary', { ...YEAR, ...q });
  const breakdown = async (by: string) => {
    const b = await get('/api/v1/reports/breakdown', { ...YEAR, by });
    return Object.fromEntries((b.items as { key: string }[]).map(({ key, ...row }) => [key, row]));
  };
  /** The case keys behind one part of a figure (sorted; a contact figure lists a case once per contact). */
  const drill = async (figure: string, part: 'numerator' | 'denominator', q: Record<string, string> = {}) => {
    const body = await get('/api/v1/reports/cases', { ...YEAR, ...q, figure, part, pageSize: 200 });
    const keys = (body.items as { id: string }[]).map((c) => keyOf[c.id] ?? c.id).sort();
    return { total: body.total as number, keys };
  };

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    await post('/api/v1/units', { code: 'health', name: '卫生健康委员会' }).expect(201);
    const sessions: Record<string, string> = {};
    for (const [name, kind, date] of [
      ['S1', 'leader-day', '2023-03-15'],
      ['S2', 'appointment', '2023-04-24'],
      ['S3', 'special', '2023-08-14'],
    ]) {
      sessions[name] = (await t.http().post('/api/v1/reception-sessions').set(bearer(tk.office1)).send({ kind, leader: '县委副书记', date }).expect(201)).body.id;
    }
    let n = 0;
    for (const [key, s] of Object.entries(SCRIPT)) {
      n++;
      const petitioner = { name: `信访人${key}`, idNumber: idNumberOf(`45030219750301${String(100 + n)}`) };
      const contact = (date: string, time: string, channel: string, headcount: number, session?: string) => ({
        channel,
        receivedAt: at(date, time),
        petitioners: [petitioner],
        headcount,
        purpose: s.purpose ?? 'appeal',
        category: s.category,
        summary: `事项${key}`,
        content: `信访人反映事项${key}。`,
        ...(session ? { receptionSessionId: sessions[session] } : {}),
      });
      const reg = await post('/api/v1/petitions', {
        ...contact(s.received, '09:00', s.channel, s.headcount ?? 1, s.session),
        ...(s.assignedBy ? { assignedBy: { authority: s.assignedBy, reference: `交〔2023〕${key}号` }, backlog: !!s.backlog } : {}),
      }).expect(201);
      const id = reg.body.id as string;
      ids[key] = id;
      keyOf[id] = key;
      // The case's acts in time order (the repeats fall between acceptance and closure).
      const acts: [string, () => Promise<unknown>][] = [];
      const act = (date: string, path: string, body: object) => acts.push([date, () => post(`/api/v1/petitions/${id}/${path}`, { ...body, at: at(date) }).expect(200)]);
      if (s.unit) acts.push([s.received, () => post(`/api/v1/petitions/${id}/route`, { mode: s.assignedBy ? 'assign' : 'transfer', unitCode: s.unit, at: at(s.received, '15:00') }).expect(200)]);
      if (s.accepted) {
        act(s.accepted, 'accept', {});
        // The petitioner is told the same day: the acceptance notice rendered and marked served (Art. 23).
        const day = s.accepted;
        acts.push([day, () => serveAcceptanceNotice(t, admin(), id, day, at(day, '10:05'))]);
      }
      for (const [date, channel, headcount, session] of s.repeats ?? []) {
        acts.push([
          date,
          async () => {
            const again = await post('/api/v1/petitions', contact(date, '10:00', channel, headcount, session)).expect(200);
            expect(again.body.id).toBe(id);
          },
        ]);
      }
      if (s.extend) act(s.extend[0], 'extend', { days: s.extend[1], reason: '案情复杂，需进一步调查核实', approvedBy: '单位负责人' });
      if (s.closed) act(s.closed[0], 'close', { kind: s.closed[1], outcome: s.closed[2], opinion: '已出具信访处理意见书。' });
      if (s.diverted) act(s.diverted, 'divert', { procedure: 'arbitration', note: '已告知申请劳动仲裁' });
      if (s.evaluated) act(s.evaluated[0], 'evaluate', { rating: s.evaluated[1] });
      if (s.review) {
        act(s.review[0], 'review-request', {});
        act(s.review[1], 'review-opinion', { kind: 'substantive', outcome: 'not-support', opinion: '维持原处理意见。' });
      }
      acts.sort((a, b) => a[0].localeCompare(b[0]));
      for (const [, run] of acts) await run();
    }
    // Today the leader supervises the open central case C18 (督办 cannot be back-dated).
    await t.http().post(`/api/v1/petitions/${ids.C18}/supervise`).set(bearer(tk.leader1)).send({ note: '请加快办理' }).expect(200);
  }, 60000);
  afterAll(() => t.stop());

  it('the script did what its table says: the due days and the misses, case by case', async () => {
    const deadline = async (key: string, kind: string) => {
      const c = (await t.http().get(`/api/v1/petitions/${ids[key]}`).set(admin()).expect(200)).body;
      const d = (c.deadlines as { kind: string; dueAt: string; state: string; lapsed?: boolean }[]).find((x) => x.kind === kind);
      return d ? [key, kind, d.dueAt, d.state, !!d.lapsed] : [key, kind, null];
    };
    // dueAt is 24:00 of the last day (the day of the triggering act not counted).
    expect(await deadline('C04', 'acceptance-notice')).toEqual(['C04', 'acceptance-notice', '2023-04-19T00:00:00+08:00', 'breached', false]); // routed 04-03 + 15; accepted 05-08
    expect(await deadline('C14', 'acceptance-notice')).toEqual(['C14', 'acceptance-notice', '2023-09-27T00:00:00+08:00', 'breached', false]); // routed 09-11 + 15; never
    expect(await deadline('C05', 'handling')).toEqual(['C05', 'handling', '2023-03-12T00:00:00+08:00', 'breached', false]); // accepted 01-10 + 60; closed 04-14
    expect(await deadline('C06', 'handling')).toEqual(['C06', 'handling', '2023-07-25T00:00:00+08:00', 'met', false]); // 05-05 + 60 + 20; closed 07-14
    expect(await deadline('C07', 'handling')).toEqual(['C07', 'handling', '2023-08-21T00:00:00+08:00', 'breached', false]); // 06-06 + 60 + 15; closed 09-12
    expect(await deadline('C20', 'handling')).toEqual(['C20', 'handling', '2023-09-13T00:00:00+08:00', 'met', false]); // 06-14 + 60 + 30; closed 08-28
    expect(await deadline('C21', 'handling')).toEqual(['C21', 'handling', '2023-12-18T00:00:00+08:00', 'breached', false]); // 10-18 + 60; closed 12-20
    expect(await deadline('C13', 'handling')).toEqual(['C13', 'handling', '2024-01-08T00:00:00+08:00', 'breached', false]); // 11-08 + 60; still open
    expect(await deadline('C10', 'handling')).toEqual(['C10', 'handling', '2023-10-15T00:00:00+08:00', 'met', false]); // 08-15 + 60; diverted 08-28
    expect(await deadline('C04', 'evaluation')).toEqual(['C04', 'evaluation', '2023-07-13T00:00:00+08:00', 'met', true]); // closed 06-12 + 30, unused: lapsed
    expect(await deadline('C12', 'evaluation')).toEqual(['C12', 'evaluation', '2023-12-28T00:00:00+08:00', 'met', true]); // closed 11-27 + 30, unused
    expect(await deadline('C21', 'evaluation')).toEqual(['C21', 'evaluation', '2024-01-20T00:00:00+08:00', 'met', true]); // closed 12-20 + 30: lapses in 2024
    expect(await deadline('C10', 'evaluation')).toEqual(['C10', 'evaluation', null]); // diverted: no evaluation
    expect(await deadline('C09', 'review-opinion')).toEqual(['C09', 'review-opinion', '2023-05-18T00:00:00+08:00', 'met', false]); // asked 04-17 + 30; issued 05-10
  });

  it('received, contacts, persons and channels', async () => {
    const s = await summary();
    expect(s.period).toMatchObject(YEAR);
    expect(s.received).toEqual({
      cases: 24, // C01–C24 (C00 was received in 2022)
      contacts: 27, // 24 registrations + the repeats C11 ×2, C12 ×1
      persons: 35, // 24 registrations: C02 6, C17 3, 22 × 1 = 31; repeats: 1 + 2 + 1 = 4
      byChannel: {
        visit: 8, // C02 C03 C07 C10 C17 C21 C24 + C11's repeat visit
        letter: 10, // C01 C04 C06 C09 C11 C14 C15 C16 C19 C22
        online: 4, // C05 C13 C18 C23
        phone: 5, // C08 C12 C20 + the repeat calls of C11 and C12
        fax: 0,
      },
    });
  });

  it('closures', async () => {
    const s = await summary();
    expect(s.closed).toMatchObject({
      total: 19, // C00–C07, C09–C12, C16 C17, C19–C22, C24
      substantive: 16, // all of those but C07 C10 C17
      procedural: 3, // C07 (explained), C10 (diverted), C17 (explained)
      diverted: 1, // C10
      onTime: 16, // all closed but C05 (due 03-11, closed 04-14), C07 (due 08-20 extended, closed 09-12), C21 (due 12-17, closed 12-20)
    });
  });

  it('every rate, numerator and denominator', async () => {
    const s = await summary();
    expect(s.rates).toEqual({
      // Acceptance notice due in 2023: every case routed in 2023 (C01–C14, C16–C24 = 23; C00 was
      // routed in 2022, C15 never). Late or never told: C04 (accepted 05-08, due 04-18), C14, C23.
      timelyAcceptance: r(20, 23),
      // Handling due in 2023: every case accepted with its (extended) due in 2023: C00–C12, C16–C22,
      // C24 = 21 (C13 is due 2024-01-07). Not closed by it: C05 C07 C21 (late), C08 C18 (open).
      onTimeClosure: r(16, 21),
      // Had to be closed in 2023: the same 21; closed by the year's end: all but C08 C18.
      closure: r(19, 21),
      // Of the 24 received in 2023, closed by its end: all but the open C08 C13 C14 C15 C18 C23.
      resolution: r(18, 24),
      // Of those 18, substantive: all but C07 C10 C17.
      substantiveResolution: r(15, 24),
      // Evaluated in 2023: C00 C01 C02 C03 C05 C06 C09 C11 C16 C17 C19 C22 C24 = 13; all (basically) satisfied but C09.
      satisfaction: r(12, 13),
      // 13 evaluated; windows expired unused in 2023: C04 (07-12), C07 (10-12), C12 (12-27), C20 (09-27).
      // (C21's runs to 2024-01-19; C10 was diverted: it left the petition procedure, no evaluation.)
      participation: r(13, 17),
      // Repeat contacts C11 ×2, C12 ×1 of 27 contacts.
      repeat: r(3, 27),
      // Of the 19 closed, substantive with no review request and no repeat contact: the 16
      // substantive but C09 (review), C11 and C12 (repeats).
      firstTimeResolution: r(13, 19),
    });
  });

  it('cases assigned from the three levels, and the backlog cases (积案) among them', async () => {
    const s = await summary();
    expect(s.assigned).toEqual({
      // C16 (积案, substantive), C17 (积案, procedural), C18 (open).
      central: {
        received: 3,
        closedSubstantive: 1,
        closedProcedural: 1,
        open: 1,
        resolution: r(2, 3),
        backlog: { received: 2, closedSubstantive: 1, closedProcedural: 1, open: 0, resolution: r(2, 2) },
      },
      // C19 (积案), C20, C21 (积案): all substantive.
      provincial: {
        received: 3,
        closedSubstantive: 3,
        closedProcedural: 0,
        open: 0,
        resolution: r(3, 3),
        backlog: { received: 2, closedSubstantive: 2, closedProcedural: 0, open: 0, resolution: r(2, 2) },
      },
      // C22, C23 (积案, open), C24.
      municipal: {
        received: 3,
        closedSubstantive: 2,
        closedProcedural: 0,
        open: 1,
        resolution: r(2, 3),
        backlog: { received: 1, closedSubstantive: 0, closedProcedural: 0, open: 1, resolution: r(0, 1) },
      },
    });
  });

  it('routing, supervision and leadership reception', async () => {
    const s = await summary();
    expect(s.routing).toEqual({ transfer: 14, assign: 9 }); // transferred C01–C14; assigned C16–C24 (C00's routing was in 2022)
    expect(s.supervision).toEqual({ total: 0, manual: 0, automatic: 0 }); // the only 督办 (C18) is today's
    expect(s.reception).toMatchObject({
      sessions: 3, // S1 S2 S3
      persons: 10, // S1: 6 + 1; S2: 2; S3: 1
      cases: 4, // C02 C03 (S1), C11 (joined by its repeat visit, S2), C10 (S3)
    });
    const now = await get('/api/v1/reports/summary', { from: today, to: today });
    expect(now.supervision).toEqual({ total: 1, manual: 1, automatic: 0 }); // the leader's 督办 of C18
    expect(now.routing).toEqual({ transfer: 0, assign: 0 });
    expect(now.received).toMatchObject({ cases: 0, contacts: 0 });
  });

  it('the backlog: open assigned cases, overdue, with their due dates', async () => {
    const all = (await get('/api/v1/reports/backlog')) as { id: string; unitCode: string; authority: string; dueAt: string; overdue: boolean; supervised: boolean }[];
    const row = (c: (typeof all)[number]) => [keyOf[c.id], c.unitCode, c.authority, c.dueAt, c.overdue, c.supervised];
    expect(all.map(row).sort()).toEqual([
      ['C18', 'housing', 'central', '2023-11-06T00:00:00+08:00', true, true], // handling: accepted 09-06 + 60 days = 11-05, 24:00
      ['C23', 'housing', 'municipal', '2023-11-29T00:00:00+08:00', true, false], // acceptance notice: routed 11-13 + 15 days = 11-28, 24:00
    ]);
    expect(((await get('/api/v1/reports/backlog', { authority: 'central' })) as { id: string }[]).map((c) => keyOf[c.id])).toEqual(['C18']);
    expect(await get('/api/v1/reports/backlog', { authority: 'provincial' })).toEqual([]); // C19 C20 C21 all closed
    expect(((await get('/api/v1/reports/backlog', { authority: 'municipal' })) as { id: string }[]).map((c) => keyOf[c.id])).toEqual(['C23']);
    // Both are overdue; neither falls due in the coming week (both long past).
    expect(((await get('/api/v1/reports/backlog', { overdue: 'true' })) as { id: string }[]).map((c) => keyOf[c.id]).sort()).toEqual(['C18', 'C23']);
    expect(await get('/api/v1/reports/backlog', { overdue: 'false' })).toEqual([]);
    expect(await get('/api/v1/reports/backlog', { dueWithinDays: 7 })).toEqual([]);
  });

  /** The cases behind every figure: [numerator, denominator or null for a count], as case keys. */
  const CLOSED = 'C00 C01 C02 C03 C04 C05 C06 C07 C09 C10 C11 C12 C16 C17 C19 C20 C21 C22 C24';
  const RECEIVED = 'C01 C02 C03 C04 C05 C06 C07 C08 C09 C10 C11 C12 C13 C14 C15 C16 C17 C18 C19 C20 C21 C22 C23 C24';
  const CONTACTS = `${RECEIVED} C11 C11 C12`;
  const HANDLING_DUE = 'C00 C01 C02 C03 C04 C05 C06 C07 C08 C09 C10 C11 C12 C16 C17 C18 C19 C20 C21 C22 C24';
  const ON_TIME = 'C00 C01 C02 C03 C04 C06 C09 C10 C11 C12 C16 C17 C19 C20 C22 C24';
  const EVALUATED = 'C00 C01 C02 C03 C05 C06 C09 C11 C16 C17 C19 C22 C24';
  const DRILL: Record<string, [string, string | null]> = {
    received: [RECEIVED, null],
    contacts: [CONTACTS, null],
    closed: [CLOSED, null],
    closedSubstantive: ['C00 C01 C02 C03 C04 C05 C06 C09 C11 C12 C16 C19 C20 C21 C22 C24', null],
    closedProcedural: ['C07 C10 C17', null],
    closedDiverted: ['C10', null],
    closedOnTime: [ON_TIME, null],
    timelyAcceptance: [
      'C01 C02 C03 C05 C06 C07 C08 C09 C10 C11 C12 C13 C16 C17 C18 C19 C20 C21 C22 C24',
      'C01 C02 C03 C04 C05 C06 C07 C08 C09 C10 C11 C12 C13 C14 C16 C17 C18 C19 C20 C21 C22 C23 C24',
    ],
    onTimeClosure: [ON_TIME, HANDLING_DUE],
    closure: [CLOSED, HANDLING_DUE],
    resolution: ['C01 C02 C03 C04 C05 C06 C07 C09 C10 C11 C12 C16 C17 C19 C20 C21 C22 C24', RECEIVED],
    substantiveResolution: ['C01 C02 C03 C04 C05 C06 C09 C11 C12 C16 C19 C20 C21 C22 C24', RECEIVED],
    satisfaction: ['C00 C01 C02 C03 C05 C06 C11 C16 C17 C19 C22 C24', EVALUATED],
    participation: [EVALUATED, `${EVALUATED} C04 C07 C12 C20`],
    repeat: ['C11 C11 C12', CONTACTS],
    firstTimeResolution: ['C00 C01 C02 C03 C04 C05 C06 C16 C19 C20 C21 C22 C24', CLOSED],
    'assigned.central': ['C16 C17', 'C16 C17 C18'],
    'assigned.central.backlog': ['C16 C17', 'C16 C17'],
    'assigned.provincial': ['C19 C20 C21', 'C19 C20 C21'],
    'assigned.provincial.backlog': ['C19 C21', 'C19 C21'],
    'assigned.municipal': ['C22 C24', 'C22 C23 C24'],
    'assigned.municipal.backlog': ['', 'C23'],
  };

  it('every drill-down list holds exactly the cases behind its number', async () => {
    for (const [figure, [numerator, denominator]] of Object.entries(DRILL)) {
      const num = await drill(figure, 'numerator');
      expect({ figure, part: 'numerator', ...num }).toEqual({ figure, part: 'numerator', total: ks(numerator).length, keys: ks(numerator) });
      if (denominator === null) {
        await t
          .http()
          .get('/api/v1/reports/cases')
          .query({ ...YEAR, figure, part: 'denominator' })
          .set(bearer(tk.leader1))
          .expect(400);
      } else {
        const den = await drill(figure, 'denominator');
        expect({ figure, part: 'denominator', ...den }).toEqual({ figure, part: 'denominator', total: ks(denominator).length, keys: ks(denominator) });
      }
    }
  });

  it('the summary filtered to one unit: labour (C03 C04 C06 C08 C10 C17 C19 C22)', async () => {
    const s = await summary({ unitCode: 'labour' });
    expect(s.received).toEqual({
      cases: 8,
      contacts: 8,
      persons: 10 /* C17 3, seven × 1 */,
      byChannel: { visit: 3 /* C03 C10 C17 */, letter: 4 /* C04 C06 C19 C22 */, online: 0, phone: 1 /* C08 */, fax: 0 },
    });
    expect(s.closed).toMatchObject({ total: 7 /* all but C08 */, substantive: 5 /* C03 C04 C06 C19 C22 */, procedural: 2 /* C10 C17 */, diverted: 1 /* C10 */, onTime: 7 });
    expect(s.rates).toEqual({
      timelyAcceptance: r(7, 8), // C04 late
      onTimeClosure: r(7, 8), // C08 open past its due 09-03
      closure: r(7, 8),
      resolution: r(7, 8),
      substantiveResolution: r(5, 8),
      satisfaction: r(5, 5), // C03 C06 C17 C19 C22
      participation: r(5, 6), // + C04's lapsed window
      repeat: r(0, 8),
      firstTimeResolution: r(5, 7), // C03 C04 C06 C19 C22 of the 7 closed
    });
    expect(s.assigned).toEqual({
      central: {
        received: 1,
        closedSubstantive: 0,
        closedProcedural: 1,
        open: 0,
        resolution: r(1, 1),
        backlog: { received: 1, closedSubstantive: 0, closedProcedural: 1, open: 0, resolution: r(1, 1) },
      }, // C17
      provincial: {
        received: 1,
        closedSubstantive: 1,
        closedProcedural: 0,
        open: 0,
        resolution: r(1, 1),
        backlog: { received: 1, closedSubstantive: 1, closedProcedural: 0, open: 0, resolution: r(1, 1) },
      }, // C19
      municipal: {
        received: 1,
        closedSubstantive: 1,
        closedProcedural: 0,
        open: 0,
        resolution: r(1, 1),
        backlog: { received: 0, closedSubstantive: 0, closedProcedural: 0, open: 0, resolution: r(0, 0) },
      }, // C22
    });
    expect(s.routing).toEqual({ transfer: 5 /* C03 C04 C06 C08 C10 */, assign: 3 /* C17 C19 C22 */ });
    expect(await drill('participation', 'denominator', { unitCode: 'labour' })).toEqual({ total: 6, keys: ks('C03 C04 C06 C17 C19 C22') });
    // The breakdowns take the same filter: labour's cases by channel and by month.
    const byChannel = await get('/api/v1/reports/breakdown', { ...YEAR, by: 'channel', unitCode: 'labour' });
    expect(byChannel.filters).toMatchObject({ unitCode: 'labour' });
    expect(Object.fromEntries((byChannel.items as { key: string; received: number; closed: number }[]).map((i) => [i.key, [i.received, i.closed]]))).toEqual({
      letter: [4, 4],
      visit: [3, 3],
      phone: [1, 0] /* C08 open */,
    });
    const byMonth = await get('/api/v1/reports/breakdown', { ...YEAR, by: 'month', unitCode: 'labour' });
    const sum = (f: (i: { received: number; closed: number; rates: { satisfaction: { numerator: number } } }) => number) => (byMonth.items as Parameters<typeof f>[0][]).reduce((a, i) => a + f(i), 0);
    expect([sum((i) => i.received), sum((i) => i.closed), sum((i) => i.rates.satisfaction.numerator)]).toEqual([8, 7, 5]);
  });

  it('the summary filtered to one category: health, its second level included (C12 C13 C14 C20 C24)', async () => {
    const s = await summary({ category: 'health' });
    expect(s.received).toEqual({
      cases: 5,
      contacts: 6 /* + C12's repeat */,
      persons: 6,
      byChannel: { visit: 1 /* C24 */, letter: 1 /* C14 */, online: 1 /* C13 */, phone: 3 /* C12, its repeat, C20 */, fax: 0 },
    });
    expect(s.closed).toMatchObject({ total: 3 /* C12 C20 C24 */, substantive: 3, procedural: 0, diverted: 0, onTime: 3 });
    expect(s.rates).toEqual({
      timelyAcceptance: r(4, 5), // C14 never accepted
      onTimeClosure: r(3, 3), // C12 C20 (extended) C24; C13 is due in 2024
      closure: r(3, 3),
      resolution: r(3, 5),
      substantiveResolution: r(3, 5),
      satisfaction: r(1, 1), // C24
      participation: r(1, 3), // + C12's and C20's lapsed windows
      repeat: r(1, 6),
      firstTimeResolution: r(2, 3), // C20 C24 (C12 had a repeat contact)
    });
    expect(s.assigned.provincial).toMatchObject({ received: 1, closedSubstantive: 1, resolution: r(1, 1) }); // C20
    expect(s.assigned.municipal).toMatchObject({ received: 1, closedSubstantive: 1, resolution: r(1, 1) }); // C24
    expect(s.assigned.central).toMatchObject({ received: 0, resolution: r(0, 0) });
    expect(s.routing).toEqual({ transfer: 3 /* C12 C13 C14 */, assign: 2 /* C20 C24 */ });
    expect(await drill('firstTimeResolution', 'numerator', { category: 'health' })).toEqual({ total: 2, keys: ks('C20 C24') });
  });

  /** A breakdown row: received, closed, overdue now, closedOnTime, and the three rates. */
  const row = (received: number, closed: number, overdue: number, closedOnTime: number, onTimeClosure: [number, number], resolution: [number, number], satisfaction: [number, number]) => ({
    received,
    closed,
    overdue,
    closedOnTime,
    rates: { onTimeClosure: r(...onTimeClosure), resolution: r(...resolution), satisfaction: r(...satisfaction) },
  });

  it('breakdown by unit', async () => {
    expect(await breakdown('unit')).toEqual({
      // received C01 C02 C05 C07 C09 C11 C16 C18 C21 C23; closed those but C18 C23, and C00;
      // late C05 C07 C21; due C00 C01 C02 C05 C07 C09 C11 C16 C18 C21; evaluated C00 C01 C02 C05 C09 C11 C16; overdue C18 C23.
      housing: row(10, 9, 2, 6, [6, 10], [8, 10], [6, 7]),
      // received C03 C04 C06 C08 C10 C17 C19 C22; all closed on time but C08 (open, overdue).
      labour: row(8, 7, 1, 7, [7, 8], [7, 8], [5, 5]),
      // received C12 C13 C14 C20 C24; closed C12 C20 C24; due those 3; evaluated C24; overdue C13 C14.
      health: row(5, 3, 2, 3, [3, 3], [3, 5], [1, 1]),
      // C15, never routed: overdue.
      unassigned: row(1, 0, 1, 0, [0, 0], [0, 1], [0, 0]),
    });
  });

  it('breakdown by category (first level)', async () => {
    expect(await breakdown('category')).toEqual({
      // received C01 C02 C05 C09 C11 C16 C21 C23; closed those but C23, and C00; late C05 C21; evaluated C00 C01 C02 C05 C09 C11 C16.
      'urban-rural-construction': row(8, 8, 1, 6, [6, 8], [7, 8], [6, 7]),
      // received C03 C04 C06 C08 C10 C17 C19; closed all but C08; evaluated C03 C06 C17 C19.
      'labour-social-security': row(7, 6, 1, 6, [6, 7], [6, 7], [4, 4]),
      health: row(5, 3, 2, 3, [3, 3], [3, 5], [1, 1]), // as the health unit
      // C07 (closed late, not evaluated), C15 (open).
      environment: row(2, 1, 1, 0, [0, 1], [1, 2], [0, 0]),
      'land-resources': row(1, 0, 1, 0, [0, 1], [0, 1], [0, 0]), // C18
      personnel: row(1, 1, 0, 1, [1, 1], [1, 1], [1, 1]), // C22
    });
  });

  it('breakdown by channel (of the case’s first contact)', async () => {
    expect(await breakdown('channel')).toEqual({
      // received C01 C04 C06 C09 C11 C14 C15 C16 C19 C22; closed those but C14 C15, and C00, all on time;
      // evaluated C00 C01 C06 C09 C11 C16 C19 C22; overdue C14 C15.
      letter: row(10, 9, 2, 9, [9, 9], [8, 10], [7, 8]),
      // C02 C03 C07 C10 C17 C21 C24, all closed; late C07 C21; evaluated C02 C03 C17 C24.
      visit: row(7, 7, 0, 5, [5, 7], [7, 7], [4, 4]),
      // C05 (closed late), C13 (due 2024), C18, C23 (open); due C05 C18.
      online: row(4, 1, 3, 0, [0, 2], [1, 4], [1, 1]),
      // C08 (open, overdue), C12 C20 (closed on time, not evaluated).
      phone: row(3, 2, 1, 2, [2, 3], [2, 3], [0, 0]),
    });
  });

  it('breakdown by assigning authority', async () => {
    expect(await breakdown('authority')).toEqual({
      // C01–C15 and C00: closed C00–C07 C09–C12; late C05 C07; due C00–C12; evaluated C00 C01 C02 C03 C05 C06 C09 C11;
      // overdue C08 C13 C14 C15.
      none: row(15, 12, 4, 10, [10, 13], [11, 15], [7, 8]),
      central: row(3, 2, 1, 2, [2, 3], [2, 3], [2, 2]), // C16 C17 closed, C18 open
      provincial: row(3, 3, 0, 2, [2, 3], [3, 3], [1, 1]), // C21 late; C19 evaluated
      municipal: row(3, 2, 1, 2, [2, 2], [2, 3], [2, 2]), // C23 never accepted
    });
  });

  /**
   * By month, each row as regulation.md defines the figures for that month: received and closed
   * in it; on-time closure of the cases whose (extended) handling due day falls in it; resolution
   * of the cases received in it, closed by its end; satisfaction of the evaluations made in it.
   */
  const MONTHS: Record<string, ReturnType<typeof row>> = {
    // received C05 C16; closed C00 (on time); due none.
    '2023-01': row(2, 1, 0, 1, [0, 0], [0, 2], [0, 0]),
    // received C01 C09 C19; closed none; due C00 (closed in January, on time); evaluated C00.
    '2023-02': row(3, 0, 0, 0, [1, 1], [0, 3], [1, 1]),
    // received C02 C03 C11; closed C01 C03 C16; due C05 (late) C16; C03 closed in March; evaluated C01 C16.
    '2023-03': row(3, 3, 0, 3, [1, 2], [1, 3], [2, 2]),
    // received C04 C24; closed C02 C05 (late) C09 C19; due C01 C09 C19, all on time; evaluated C03 C05 C09 (dissatisfied) C19.
    '2023-04': row(2, 4, 0, 3, [3, 3], [0, 2], [3, 4]),
    // received C06 C17; closed C11 C24; due C02 C03 C11, all on time; evaluated C02 C11.
    '2023-05': row(2, 2, 0, 2, [3, 3], [0, 2], [2, 2]),
    // received C07 C20; closed C04 C17; due C24 (closed in May); evaluated C24.
    '2023-06': row(2, 2, 0, 2, [1, 1], [0, 2], [1, 1]),
    // received C08 (overdue) C22 (closed 07-28); closed C06 C22; due C04 C06 (extended) C17, all on time; evaluated C06 C17.
    '2023-07': row(2, 2, 1, 2, [3, 3], [1, 2], [2, 2]),
    // received C10 (diverted 08-28); closed C10 C20; due C07 (extended, late); evaluated C22.
    '2023-08': row(1, 2, 0, 2, [0, 1], [1, 1], [1, 1]),
    // received C14 C18 (both overdue); closed C07 (late); due C08 (open) C20 (extended) C22.
    '2023-09': row(2, 1, 2, 0, [2, 3], [0, 2], [0, 0]),
    // received C12 C21; closed none; due C10 (diverted in August).
    '2023-10': row(2, 0, 0, 0, [1, 1], [0, 2], [0, 0]),
    // received C13 C23 (both overdue); closed C12; due C18 (open).
    '2023-11': row(2, 1, 2, 1, [0, 1], [0, 2], [0, 0]),
    // received C15 (overdue); closed C21 (late); due C12 (closed in November) C21 (late).
    '2023-12': row(1, 1, 1, 0, [1, 2], [0, 1], [0, 0]),
  };

  it('breakdown by month: every month of the year, every figure', async () => {
    const months = await breakdown('month');
    expect(Object.keys(months)).toEqual(Object.keys(MONTHS));
    // A case closed in an earlier month still counts in the month its handling falls due in, and in the month it is evaluated in.
    for (const m of Object.keys(MONTHS)) expect({ month: m, ...(months[m] as object) }).toEqual({ month: m, ...MONTHS[m] });
    // The doc's month figures add up to the year's (the numbers of the summary above).
    const sum = (f: (x: ReturnType<typeof row>) => number) => Object.values(MONTHS).reduce((a, x) => a + f(x), 0);
    expect([sum((x) => x.received), sum((x) => x.closed), sum((x) => x.closedOnTime), sum((x) => x.overdue)]).toEqual([24, 19, 16, 6]);
    expect([sum((x) => x.rates.onTimeClosure.numerator), sum((x) => x.rates.onTimeClosure.denominator)]).toEqual([16, 21]);
    expect([sum((x) => x.rates.satisfaction.numerator), sum((x) => x.rates.satisfaction.denominator)]).toEqual([12, 13]);
  });

  it('the annual report words the same year', async () => {
    const text = (await t.http().get('/api/v1/reports/annual').query({ year: 2023 }).set(bearer(tk.leader1)).expect(200)).text;
    expect(text).toContain('一、全年登记信访事项24件，信访27件次、35人次');
    expect(text).toContain('其中集体访1件。'); // C02, 6 people
    expect(text).toContain('二、全年开展领导干部大接访、约访、专访等活动3次，接待来访群众10人，处理访件4件。');
    expect(text).toContain('办结19件（实体性办结16件、程序性办结3件，其中导入相应程序1件）');
    expect(text).toMatch(/办结率[\d.]+%（19\/21），按期办结率[\d.]+%（16\/21），及时受理率[\d.]+%（20\/23）/);
    // Central and provincial: C16–C21 (6), procedural C17, substantive C16 C19 C20 C21; backlog C16 C17 C19 C21.
    expect(text).toMatch(
      /收到中央、自治区（省）交办事项6件，程序性办结1件、实体性办结4件，总化解率[\d.]+%（5\/6）；其中交办积案4件，程序性办结1件、实体性办结3件，化解率100%（4\/4）；市交办事项3件。/,
    );
    expect(text).toMatch(/群众满意率[\d.]+%（12\/13），参评率[\d.]+%（13\/17），重复信访率[\d.]+%（3\/27）/);
    expect(text).toContain('六、转送14件，交办9件，督办0次（其中逾期自动督办0次）。');
    // First-time resolution 13/19 (as the summary above: the 16 substantive closures but C09, C11, C12); 13/19 = 68.4%.
    expect(text).toContain('及时受理率87%（20/23），一次性化解率68.4%（13/19）。');
    // Received in 2023 by unit: housing C01 C02 C05 C07 C09 C11 C16 C18 C21 C23 (10), labour C03 C04
    // C06 C08 C10 C17 C19 C22 (8), health C12 C13 C14 C20 C24 (5); C15 has no unit.
    expect(text).toContain('七、受理信访事项较多的单位依次为：住房和城乡建设局（10件）、人力资源和社会保障局（8件）、卫生健康委员会（5件）。');
    // Each unit's closed and rates as the breakdown by unit above counts them by hand:
    // housing closed 9 (C00 too), on time 6/10, resolved 8/10, satisfied 6/7 (C09 not) = 60%, 80%, 85.7%;
    // labour 7 closed, 7/8, 7/8, 5/5 = 87.5%, 87.5%, 100%; health 3 closed, 3/3, 3/5, 1/1 = 100%, 60%, 100%.
    expect(text).toContain(
      '各单位办理情况：住房和城乡建设局10件，办结9件，按期办结率60%（6/10），化解率80%（8/10），满意率85.7%（6/7）；' +
        '人力资源和社会保障局8件，办结7件，按期办结率87.5%（7/8），化解率87.5%（7/8），满意率100%（5/5）；' +
        '卫生健康委员会5件，办结3件，按期办结率100%（3/3），化解率60%（3/5），满意率100%（1/1）。',
    );
    // Received by first-level category: 城乡建设 C01 C02 C05 C09 C11 C16 C21 C23 (8), 劳动和社会保障 C03 C04
    // C06 C08 C10 C17 C19 (7), 卫生健康 C12 C13 C14 C20 C24 (5), 环境保护 C07 C15 (2), then 国土资源 C18 and
    // 组织人事 C22 (1 each: the service orders equals by code, land-resources before personnel); the top five.
    expect(text).toContain('八、反映问题较集中的领域依次为：城乡建设（8件）、劳动和社会保障（7件）、卫生健康（5件）、环境保护（2件）、国土资源（1件）。');
    // The rows hold every unit and every category, ranked.
    const csv = (await t.http().get('/api/v1/reports/annual').query({ year: 2023, format: 'csv' }).set(bearer(tk.leader1)).expect(200)).text;
    expect(csv).toContain('\r\n办理情况,一次性化解率,68.4%（13/19）\r\n');
    const lines = (section: string) => csv.split('\r\n').filter((l) => l.startsWith(`${section},`));
    expect(lines('各责任单位排名').filter((l) => l.includes('受理（件）'))).toEqual([
      '各责任单位排名,第1名 住房和城乡建设局：受理（件）,10',
      '各责任单位排名,第2名 人力资源和社会保障局：受理（件）,8',
      '各责任单位排名,第3名 卫生健康委员会：受理（件）,5',
    ]);
    expect(lines('各责任单位排名')).toContain('各责任单位排名,第1名 住房和城乡建设局：满意率,85.7%（6/7）');
    expect(lines('内容分类')).toEqual(['内容分类,城乡建设,8', '内容分类,劳动和社会保障,7', '内容分类,卫生健康,5', '内容分类,环境保护,2', '内容分类,国土资源,1', '内容分类,组织人事,1']);
  });

  /**
   * A case closed before a period still counts in that period's figures whose own instant falls
   * in it: its handling due date (on-time closure) and its evaluation (satisfaction, participation).
   * (An earlier version read only the cases not closed before the period: these were left out.)
   */
  describe('a case closed before the period', () => {
    // C90, outside the scripted year (it touches neither 2023 nor today): received 2021-11-15 by
    // letter, transferred to housing the same day, accepted 2021-11-17 (handling due 2022-01-16),
    // closed substantively 2021-12-20, evaluated satisfied 2022-01-04 (window to 2022-01-19).
    beforeAll(async () => {
      const id = (
        await post('/api/v1/petitions', {
          channel: 'letter',
          receivedAt: at('2021-11-15', '09:00'),
          petitioners: [{ name: '信访人C90', idNumber: idNumberOf('45030219750301190') }],
          purpose: 'appeal',
          category: 'urban-rural-construction',
          summary: '事项C90',
          content: '信访人反映事项C90。',
        }).expect(201)
      ).body.id as string;
      ids.C90 = id;
      keyOf[id] = 'C90';
      await post(`/api/v1/petitions/${id}/route`, { mode: 'transfer', unitCode: 'housing', at: at('2021-11-15', '15:00') }).expect(200);
      await post(`/api/v1/petitions/${id}/accept`, { at: at('2021-11-17') }).expect(200);
      await post(`/api/v1/petitions/${id}/close`, { kind: 'substantive', outcome: 'support', opinion: '已出具信访处理意见书。', at: at('2021-12-20') }).expect(200);
      await post(`/api/v1/petitions/${id}/evaluate`, { rating: 'satisfied', at: at('2022-01-04') }).expect(200);
    });

    it('in the summary of one month (May 2023), and in its drill-down', async () => {
      const may = { from: '2023-05-01', to: '2023-05-31' };
      const s = await get('/api/v1/reports/summary', may);
      // Handling due in May: C02 (05-16), C03 (05-15), C11 (05-19), all closed by then (C02 in April, C03 in March): 3/3.
      expect(s.rates.onTimeClosure).toEqual(r(3, 3));
      // Evaluated in May: C02 (05-08, basically satisfied; closed in April), C11 (05-25): 2/2.
      expect(s.rates.satisfaction).toEqual(r(2, 2));
      expect(await drill('onTimeClosure', 'denominator', may)).toEqual({ total: 3, keys: ['C02', 'C03', 'C11'] });
      expect(await drill('satisfaction', 'denominator', may)).toEqual({ total: 2, keys: ['C02', 'C11'] });
    });

    it('in a whole year: 2022 counts C90, due and evaluated in 2022 but closed in 2021', async () => {
      const y2022 = { from: '2022-01-01', to: '2022-12-31' };
      const s = await get('/api/v1/reports/summary', y2022);
      // 2022 also holds C00 (received 2022-12-12, accepted 12-14, due 2023-02-12, closed 2023-01-30):
      // not due, not closed, not evaluated in 2022.
      expect(s.received.cases).toBe(1); // C00
      // Handling due in 2022: C90 (2022-01-16), closed by then: 1/1.
      expect(s.rates.onTimeClosure).toEqual(r(1, 1));
      // Evaluated in 2022: C90 (satisfied, 2022-01-04): 1/1, participation 1/1.
      expect(s.rates.satisfaction).toEqual(r(1, 1));
      expect(s.rates.participation).toEqual(r(1, 1));
      const text = (await t.http().get('/api/v1/reports/annual').query({ year: 2022 }).set(bearer(tk.leader1)).expect(200)).text;
      expect(text).toContain('按期办结率100%（1/1）');
      expect(text).toContain('群众满意率100%（1/1），参评率100%（1/1）');
    });
  });

  /**
   * The read model rebuilt from the reporting service's event log alone (what `npm run
   * reporting:rebuild` asks the running service for): every answer of the reports the same.
   */
  describe('rebuilt from the event log', () => {
    const admin = { username: 'admin', roles: ['admin' as const], unitCode: null };
    const reporting = () => t.platform.services.find((x) => x.name === 'reporting')!.api;
    const answers = async () => {
      const out: Record<string, unknown> = {};
      for (const y of ['2021', '2022', '2023']) out[`summary ${y}`] = await get('/api/v1/reports/summary', { from: `${y}-01-01`, to: `${y}-12-31` });
      for (const by of ['unit', 'category', 'channel', 'authority', 'month']) out[`breakdown ${by}`] = await get('/api/v1/reports/breakdown', { ...YEAR, by });
      out.backlog = await get('/api/v1/reports/backlog');
      out.drill = await drill('onTimeClosure', 'denominator');
      out.overdue = (await get('/api/v1/petitions', { overdue: 'true', pageSize: 200 })).items.map((i: { id: string }) => i.id).sort();
      return out;
    };
    const rebuild = async () => {
      let s = (await serviceCommand(t, 'reporting', 'rebuild-read-model')({ actor: admin, body: {} })).data as {
        state: string;
        total: number;
        done: number;
        identical: boolean | null;
        differences: string[];
        failures: unknown[];
      };
      expect(s.state).toBe('running');
      for (let i = 0; i < 400 && s.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        s = (await reporting().queries['rebuild-status']({}, admin)) as typeof s;
      }
      return s;
    };

    it('gives the same summary, breakdown, backlog, drill-down and overdue answers', async () => {
      const before = await answers();
      const s = await rebuild();
      expect(s).toMatchObject({ state: 'done', identical: true, differences: [], failures: [] });
      expect(s.done).toBe(s.total);
      expect(s.total).toBeGreaterThan(100); // every event of the year: registrations, routings, acceptances, closures, evaluations…
      expect(await answers()).toEqual(before);
    });

    it('holds the events that arrive meanwhile and applies them after; a second rebuild while one runs is refused', async () => {
      const started = (await serviceCommand(t, 'reporting', 'rebuild-read-model')({ actor: admin, body: {} })).data as { state: string };
      expect(started.state).toBe('running');
      await expect(serviceCommand(t, 'reporting', 'rebuild-read-model')({ actor: admin, body: {} })).rejects.toMatchObject({ status: 409 });
      // A registration during the rebuild is saved; the read model takes it once the rebuild is done.
      const reg = t
        .http()
        .post('/api/v1/petitions')
        .set(bearer(tk.admin))
        .send({
          channel: 'letter',
          receivedAt: at('2023-12-20'),
          petitioners: [{ name: '信访人R1', idNumber: idNumberOf('45030219750301191') }],
          purpose: 'appeal',
          category: 'urban-rural-construction',
          summary: '重建期间登记',
          content: '重建期间登记的事项。',
        });
      let s = started as { state: string };
      for (let i = 0; i < 400 && s.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        s = (await reporting().queries['rebuild-status']({}, admin)) as typeof s;
      }
      expect(s).toMatchObject({ state: 'done', identical: true });
      // Answered once the read model has it (the rebuild is short here: within the read-your-writes wait).
      const res = await reg.expect(201);
      expect((await get('/api/v1/petitions', { trackingNo: res.body.trackingNo })).items.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
      // Nothing lost, nothing twice: the 2023 summary counts it once.
      expect((await summary()).received.cases).toBe(25);
    });
  });
});
