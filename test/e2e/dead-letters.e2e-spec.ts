import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { exclusive } from '#libs/persistence';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

const PHONE = '13812345678';

/**
 * Dead letters through the HTTP contract (embedded mode): a case whose row in the deadline
 * service cannot be read makes that service's handler fail for real; the administrator sees the
 * event with its reason (masked), fixes the row, replays it (the case gets its deadlines, once),
 * or discards another; every other role is refused, and no personal data is listed.
 */
describe('dead letters: listed for the administrator, replayed after a fix, or discarded', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let deadlineDb: DataSource;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const list = async (status?: string) =>
    (
      await t
        .http()
        .get('/api/v1/admin/dead-letters')
        .query(status ? { status } : {})
        .set(as('admin'))
        .expect(200)
    ).body;
  const sql = <T = Record<string, unknown>[]>(q: string, params: unknown[] = []) => exclusive(deadlineDb, () => deadlineDb.query(q, params)) as Promise<T>;
  const kinds = async (caseId: string) => (await sql<{ kind: string }[]>('SELECT kind FROM deadline WHERE caseId = ? ORDER BY kind', [caseId])).map((r) => r.kind);

  async function register(): Promise<string> {
    n++;
    const petitioners = [{ name: `申请人${n}`, idNumber: idNumberOf(`4503021980020${String(1000 + n).slice(-4)}`), phone: PHONE }];
    return (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners })).expect(201)).body.id;
  }
  const route = (id: string) => post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
  /** Waits until the deadline service has dealt with the case's routing (applied or dead-lettered). */
  async function settled(caseId: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const applied = await sql<unknown[]>(`SELECT 1 FROM deadline_case WHERE caseId = ? AND status = 'routed'`, [caseId]);
      const dead = await sql<unknown[]>('SELECT 1 FROM dead_letter WHERE caseId = ?', [caseId]);
      if (applied.length || dead.length) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`deadline service did not settle case ${caseId}`);
  }
  /** Breaks the case's row in the deadline service: its history no longer parses. */
  async function corrupt(caseId: string): Promise<string> {
    let rows: { facts: string }[] = [];
    // The deadline service applies the registration on its own (the answer waited for the read model).
    for (let i = 0; i < 200 && !rows.length; i++) {
      rows = await sql<{ facts: string }[]>('SELECT facts FROM deadline_case WHERE caseId = ?', [caseId]);
      if (!rows.length) await new Promise((r) => setTimeout(r, 25));
    }
    const [{ facts }] = rows;
    await sql('UPDATE deadline_case SET facts = ? WHERE caseId = ?', [`not json ${PHONE}`, caseId]);
    return facts;
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    deadlineDb = t.platform.services.find((s) => s.name === 'deadline')!.app.get(DataSource);
  }, 60000);
  afterAll(() => t.stop());

  let brokenId: string;
  let healthyId: string;
  let letterId: string;
  let facts: string;

  it('a handler that fails three times for one case: the event is listed with its reason, masked; the other cases go on', async () => {
    brokenId = await register();
    healthyId = await register();
    facts = await corrupt(brokenId);
    await route(brokenId);
    await route(healthyId);
    await settled(brokenId);
    await settled(healthyId);

    // The other case is unaffected: routed in the deadline service, with its deadlines.
    expect(await kinds(healthyId)).toContain('acceptance-notice');
    expect(await kinds(brokenId)).not.toContain('acceptance-notice');

    const body = await list('open');
    expect(body).toMatchObject({ total: 1, unavailable: [] });
    const [item] = body.items;
    expect(item).toMatchObject({
      service: 'deadline',
      eventType: 'case.routed',
      caseId: brokenId,
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      attempts: 3,
      status: 'open',
      replayable: true,
      resolvedAt: null,
      resolvedBy: null,
    });
    expect(item.firstFailedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/);
    expect(item.reason).toMatch(/^handler failed 3 times: .*not valid JSON/);
    expect(item.reason).toContain('138****5678');
    // No personal data in the listing, and not the message itself.
    const text = JSON.stringify(body);
    expect(text).not.toContain(PHONE);
    expect(text).not.toMatch(/4503021980020\d{4}/);
    expect(text).not.toContain('申请人');
    letterId = item.id;

    // The row itself: one, with the original (sealed) message kept for the replay.
    const rows = await sql<{ value: string; valueMasked: number }[]>('SELECT value, valueMasked FROM dead_letter');
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].valueMasked)).toBe(0);
    expect(JSON.parse(rows[0].value)).toMatchObject({ type: 'case.routed', caseId: brokenId });
  });

  it('every other role is refused the list, the replay and the discard (403)', async () => {
    for (const who of ['reception1', 'office1', 'housing1', 'leader1']) {
      expect((await t.http().get('/api/v1/admin/dead-letters').set(as(who)).expect(403)).body.code).toBe('FORBIDDEN');
      await post(`/api/v1/admin/dead-letters/deadline/${letterId}/replay`, who).expect(403);
      await post(`/api/v1/admin/dead-letters/deadline/${letterId}/discard`, who).expect(403);
    }
    await t.http().get('/api/v1/admin/dead-letters').expect(401);
    expect((await list('open')).items[0]).toMatchObject({ id: letterId, status: 'open', attempts: 3 });
  });

  it('unknown service or dead letter: 404; a bad status: 400 naming the field', async () => {
    expect((await post(`/api/v1/admin/dead-letters/nowhere/${letterId}/replay`, 'admin').expect(404)).body.message).toContain('nowhere');
    expect((await post(`/api/v1/admin/dead-letters/closure/${letterId}/replay`, 'admin').expect(404)).body.code).toBe('NOT_FOUND');
    await post('/api/v1/admin/dead-letters/deadline/00000000-0000-4000-8000-000000000000/discard', 'admin').expect(404);
    const bad = await t.http().get('/api/v1/admin/dead-letters').query({ status: 'lost' }).set(as('admin')).expect(400);
    expect(bad.body.message).toContain('状态');
  });

  it('a replay before the fix fails again: 422 with the reason in Chinese, still open, one attempt more', async () => {
    const res = await post(`/api/v1/admin/dead-letters/deadline/${letterId}/replay`, 'admin').expect(422);
    expect(res.body.code).toBe('REPLAY_FAILED');
    expect(res.body.message).toMatch(/^重放失败，死信事件仍待处理：.*not valid JSON/);
    expect(res.body.message).not.toContain(PHONE);
    const [item] = (await list('open')).items;
    expect(item).toMatchObject({ id: letterId, status: 'open', attempts: 4, reason: expect.stringMatching(/^replay failed: /) });
    expect(await kinds(brokenId)).not.toContain('acceptance-notice');
  });

  it('after the fix the replay applies the event once: the case gets its deadlines, the row is replayed, a second replay is 409', async () => {
    await sql('UPDATE deadline_case SET facts = ? WHERE caseId = ?', [facts, brokenId]);
    const res = await post(`/api/v1/admin/dead-letters/deadline/${letterId}/replay`, 'admin').expect(200);
    expect(res.body).toMatchObject({ service: 'deadline', id: letterId, status: 'replayed', resolvedBy: 'admin', caseId: brokenId });
    expect(res.body.resolvedAt).toMatch(/\+08:00$/);
    expect(await kinds(brokenId)).toEqual(await kinds(healthyId));
    const [state] = await sql<{ status: string }[]>('SELECT status FROM deadline_case WHERE caseId = ?', [brokenId]);
    expect(state.status).toBe('routed');
    expect(await sql<unknown[]>('SELECT 1 FROM processed_event WHERE eventId = ?', [res.body.eventId])).toHaveLength(1);

    const again = await post(`/api/v1/admin/dead-letters/deadline/${letterId}/replay`, 'admin').expect(409);
    expect(again.body).toMatchObject({ code: 'DEAD_LETTER_STATE', message: expect.stringContaining('已重放') });
    expect((await list('open')).items).toEqual([]);
    expect((await list('replayed')).items.map((i: { id: string }) => i.id)).toEqual([letterId]);

    // The case goes on normally from there.
    await post(`/api/v1/petitions/${brokenId}/accept`, 'housing1').expect(200);
  });

  it('a discarded dead letter is not applied, says who discarded it, and cannot be replayed or discarded again (409)', async () => {
    const id = await register();
    const kept = await corrupt(id);
    await route(id);
    await settled(id);
    const [item] = (await list('open')).items;
    expect(item).toMatchObject({ caseId: id, eventType: 'case.routed' });
    await sql('UPDATE deadline_case SET facts = ? WHERE caseId = ?', [kept, id]);

    const res = await post(`/api/v1/admin/dead-letters/deadline/${item.id}/discard`, 'admin').expect(200);
    expect(res.body).toMatchObject({ status: 'discarded', resolvedBy: 'admin' });
    expect((await post(`/api/v1/admin/dead-letters/deadline/${item.id}/replay`, 'admin').expect(409)).body.message).toContain('已丢弃');
    await post(`/api/v1/admin/dead-letters/deadline/${item.id}/discard`, 'admin').expect(409);
    expect(await kinds(id)).not.toContain('acceptance-notice');
    // Recorded as processed: a redelivered copy would not be applied either.
    expect(await sql<unknown[]>('SELECT 1 FROM processed_event WHERE eventId = ?', [item.eventId])).toHaveLength(1);
    expect((await list()).items.map((i: { status: string }) => i.status).sort()).toEqual(['discarded', 'replayed']);
  });

  it('replays and discards are in the security log with who and when', async () => {
    const log = async (event: string) => (await t.http().get('/api/v1/admin/security-events').query({ event }).set(as('admin')).expect(200)).body.items;
    expect(await log('dead-letter-replayed')).toEqual([expect.objectContaining({ actor: 'admin', target: `dead-letters/deadline/${letterId}`, at: expect.stringMatching(/\+08:00$/) })]);
    expect(await log('dead-letter-replay-failed')).toHaveLength(1);
    expect(await log('dead-letter-discarded')).toHaveLength(1);
  });
});
