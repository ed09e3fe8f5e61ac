import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/** What the web app's worklist, case page and header need: allowedActions, the list's urgency, sessions, the bearer. */
describe('worklist, case page and session picker over HTTP', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const get = (path: string, who: string, query: Record<string, unknown> = {}) => t.http().get(path).query(query).set(as(who));
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const dayDiff = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

  async function register(who = 'reception1', extra: Record<string, unknown> = {}) {
    n++;
    return (await post('/api/v1/petitions', who, walkIn({ petitioners: [{ name: `清单${n}`, idNumber: idNumberOf(`4503021981020${String(1000 + n).slice(-4)}`) }], ...extra })).expect(201)).body;
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('GET /auth/me tells the bearer who they are, with their unit’s name; 401 without a token', async () => {
    expect((await get('/api/v1/auth/me', 'housing1').expect(200)).body).toEqual({
      username: 'housing1',
      displayName: '住建局经办人',
      roles: ['handler'],
      unitCode: 'housing',
      unitName: '住房和城乡建设局',
    });
    expect((await get('/api/v1/auth/me', 'office1').expect(200)).body).toMatchObject({ username: 'office1', roles: ['office'], unitCode: null, unitName: null });
    expect((await t.http().get('/api/v1/auth/me').expect(401)).body).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('登录') });
  });

  it('the case carries exactly the actions the caller may take now, by state and role', async () => {
    const c = await register();
    expect((await get(`/api/v1/petitions/${c.id}`, 'office1').expect(200)).body.allowedActions).toEqual(['route', 'decline', 'supervise']);
    expect((await get(`/api/v1/petitions/${c.id}`, 'reception1').expect(200)).body.allowedActions).toEqual([]);
    expect((await get(`/api/v1/petitions/${c.id}`, 'leader1').expect(200)).body.allowedActions).toEqual(['supervise']);
    expect(c.allowedActions).toEqual([]); // the registering clerk's own answer
    const routed = (await post(`/api/v1/petitions/${c.id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200)).body;
    expect(routed.allowedActions).toEqual(['decline', 'supervise']);
    expect((await get(`/api/v1/petitions/${c.id}`, 'housing1').expect(200)).body.allowedActions).toEqual(['accept', 'decline', 'divert', 'object']);
    expect((await get(`/api/v1/petitions/${c.id}`, 'admin').expect(200)).body.allowedActions).toEqual(['accept', 'decline', 'divert', 'object', 'supervise']);
    const accepted = (await post(`/api/v1/petitions/${c.id}/accept`, 'housing1').expect(200)).body;
    expect(accepted.allowedActions).toEqual(['divert', 'extend', 'close']);
    const extended = (await post(`/api/v1/petitions/${c.id}/extend`, 'housing1', { days: 30, reason: '需调查', approvedBy: '局长' }).expect(200)).body;
    expect(extended.allowedActions).toEqual(['divert', 'close']);
    const closed = (await post(`/api/v1/petitions/${c.id}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '支持。' }).expect(200)).body;
    expect(closed.allowedActions).toEqual([]);
    expect((await get(`/api/v1/petitions/${c.id}`, 'reception1').expect(200)).body.allowedActions).toEqual(['evaluate', 'review-request']);
    await post(`/api/v1/petitions/${c.id}/evaluate`, 'reception1', { rating: 'satisfied' }).expect(200);
    expect((await get(`/api/v1/petitions/${c.id}`, 'reception1').expect(200)).body.allowedActions).toEqual(['review-request']);
  });

  it('lists reception sessions of a date range by date, for reception, office and leader', async () => {
    for (const [date, leader] of [
      ['2032-03-20', '李副县长'],
      ['2032-03-05', '王县长'],
      ['2032-04-01', '赵副县长'],
    ]) {
      await post('/api/v1/reception-sessions', 'office1', { kind: 'leader-day', leader, date }).expect(201);
    }
    const res = await get('/api/v1/reception-sessions', 'reception1', { from: '2032-03-01', to: '2032-03-31' }).expect(200);
    expect(res.body.map((s: { date: string; leader: string }) => [s.date, s.leader])).toEqual([
      ['2032-03-05', '王县长'],
      ['2032-03-20', '李副县长'],
    ]);
    expect(res.body[0]).toEqual({ id: expect.any(String), kind: 'leader-day', leader: '王县长', date: '2032-03-05' });
    await get('/api/v1/reception-sessions', 'leader1', { from: '2032-03-01', to: '2032-04-30' }).expect(200);
    expect((await get('/api/v1/reception-sessions', 'housing1', { from: '2032-03-01', to: '2032-03-31' }).expect(403)).body.code).toBe('FORBIDDEN');
    const bad = await get('/api/v1/reception-sessions', 'office1', { from: '2032-3-1', to: '2032-03-31' }).expect(400);
    expect(bad.body).toMatchObject({ code: 'FIELD_INVALID', details: [{ field: 'from', messages: ['起始日期格式应为 YYYY-MM-DD'] }] });
    expect((await get('/api/v1/reception-sessions', 'office1', { from: '2032-04-01', to: '2032-03-31' }).expect(400)).body.details[0].field).toBe('from');
  });

  it('finds a case by its tracking number (exact), and the list items carry their next deadline', async () => {
    const c = await register();
    const res = await get('/api/v1/petitions', 'office1', { trackingNo: c.trackingNo }).expect(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect((await get('/api/v1/petitions', 'office1', { trackingNo: c.trackingNo.slice(0, -1) }).expect(200)).body.total).toBe(0);
    const item = res.body.items[0];
    const route = c.deadlines.find((d: { kind: string }) => d.kind === 'route');
    expect(item.nextDeadline).toEqual({ kind: 'route', dueAt: route.dueAt, lastDay: route.lastDay, daysLeft: dayDiff(today(), route.lastDay), overdueDays: null, level: 'ok', basis: route.basis });
  });

  it('sorts by urgency: breached first, then the warned, then the rest, cases with nothing due last; the overdue count ignores the filters', async () => {
    const fresh = await register('admin', { receivedAt: daysAgo(1) });
    const warned = await register('admin', { receivedAt: daysAgo(12) });
    const late = await register('admin', { receivedAt: daysAgo(20) });
    const done = await register();
    await post(`/api/v1/petitions/${done.id}/decline`, 'office1', { reason: 'out-of-scope' }).expect(200);
    const ids = new Set([fresh.id, warned.id, late.id, done.id]);
    const res = await get('/api/v1/petitions', 'office1', { sort: 'urgency', pageSize: 200 }).expect(200);
    const mine = res.body.items.filter((i: { id: string }) => ids.has(i.id));
    expect(mine.map((i: { id: string }) => i.id)).toEqual([late.id, warned.id, fresh.id, done.id]);
    const [l, w, f, d] = mine;
    expect(l.nextDeadline).toMatchObject({ kind: 'route', level: 'breached' });
    expect(l.nextDeadline.overdueDays).toBe(-l.nextDeadline.daysLeft);
    expect(l.nextDeadline.overdueDays).toBeGreaterThan(0);
    expect(w.nextDeadline).toMatchObject({ kind: 'route', level: 'warning', overdueDays: null });
    expect(w.nextDeadline.daysLeft).toBeLessThanOrEqual(5);
    expect(f.nextDeadline).toMatchObject({ level: 'ok', overdueDays: null });
    expect(d.nextDeadline).toBeNull();
    // Every earlier item is due no later than the next one.
    const dues = res.body.items.map((i: { nextDeadline: { dueAt: string } | null }) => (i.nextDeadline ? Date.parse(i.nextDeadline.dueAt) : Infinity));
    expect(dues).toEqual([...dues].sort((a: number, b: number) => a - b));

    const overdue = (await get('/api/v1/petitions', 'office1', { overdue: 'true' }).expect(200)).body;
    expect(overdue.items.map((i: { id: string }) => i.id)).toContain(late.id);
    expect(res.body.overdueTotal).toBe(overdue.total);
    expect((await get('/api/v1/petitions', 'office1', { status: 'declined' }).expect(200)).body.overdueTotal).toBe(overdue.total);
    expect((await get('/api/v1/petitions', 'office1', { sort: 'sideways' }).expect(400)).body.details[0].messages[0]).toContain('排序');
  });

  it('a handler’s list and overdue count cover its unit only', async () => {
    const late = await register('admin', { receivedAt: daysAgo(40) });
    await post(`/api/v1/petitions/${late.id}/route`, 'admin', { mode: 'transfer', unitCode: 'labour', at: daysAgo(39) }).expect(200);
    const labour = (await get('/api/v1/petitions', 'labour1', { sort: 'urgency' }).expect(200)).body;
    expect(labour.items.map((i: { id: string; unitCode: string }) => i.unitCode)).toEqual(labour.items.map(() => 'labour'));
    expect(labour.items[0]).toMatchObject({ id: late.id, nextDeadline: { kind: 'acceptance-notice', level: 'breached' } });
    expect(labour.overdueTotal).toBe(1);
    const housing = (await get('/api/v1/petitions', 'housing1').expect(200)).body;
    expect(housing.items.some((i: { id: string }) => i.id === late.id)).toBe(false);
    expect(housing.overdueTotal).toBe(0);
  });

  it('pages: page after page gives the whole list once, in its order (newest first, or by urgency), with the total', async () => {
    for (let i = 0; i < 5; i++) await register('admin', { receivedAt: daysAgo(2 + i * 3) });
    for (const sort of [undefined, 'urgency']) {
      const whole = (await get('/api/v1/petitions', 'office1', { ...(sort ? { sort } : {}), pageSize: 200 }).expect(200)).body;
      expect(whole.total).toBeGreaterThanOrEqual(5);
      const paged: string[] = [];
      for (let page = 1; page <= Math.ceil(whole.total / 3); page++) {
        const p = (await get('/api/v1/petitions', 'office1', { ...(sort ? { sort } : {}), page, pageSize: 3 }).expect(200)).body;
        expect(p).toMatchObject({ total: whole.total, page, pageSize: 3 });
        paged.push(...p.items.map((i: { id: string }) => i.id));
      }
      expect(paged).toEqual(whole.items.map((i: { id: string }) => i.id));
      if (!sort) {
        const received = whole.items.map((i: { receivedAt: string }) => Date.parse(i.receivedAt));
        expect(received).toEqual([...received].sort((a: number, b: number) => b - a));
      }
    }
  });
});
