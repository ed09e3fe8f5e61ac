import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform, holdReporting } from '../support/embedded.js';

/** How long the answer waits for the read model here (READ_YOUR_WRITES_TIMEOUT_MS). */
const READ_WAIT_MS = 300;

/**
 * Issue 11, "a command does not depend on the read model": with the reporting read model unable to
 * apply anything (its consumer held at the EventGate), a registration and an action are decided by
 * their owning services and answered 202 with the ids of the committed write — never a 5xx; a retry
 * with the same Idempotency-Key gets the same 202 and writes nothing; once the read model applies
 * again, the case view shows what was saved.
 */
describe('the write path without the read model', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object, key: string) => t.http().post(path).set(as(who)).set('Idempotency-Key', key).send(body);
  const rows = <T>(db: string, sql: string, ...params: unknown[]): T[] => {
    const d = new Database(join(t.dataDir, `${db}.sqlite`), { timeout: 5000, readonly: true });
    try {
      return d.prepare(sql).all(...params) as T[];
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    t = await startTestPlatform({ READ_YOUR_WRITES_TIMEOUT_MS: String(READ_WAIT_MS) });
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('registers and routes with the read model held: 202 with the ids, the same 202 on retry, no 5xx; the case view follows once it applies again', async () => {
    const body = walkIn({ petitioners: [{ name: '写路径申请人', idNumber: idNumberOf('45030219850301100'), phone: '13812345678' }] });
    const key = `e2e-${randomUUID()}`;
    const held = await holdReporting(t);
    let id: string;
    let routed: { status: number; body: Record<string, unknown> };
    try {
      const first = await post('/api/v1/petitions', 'reception1', body, key);
      expect(first.status).toBe(202);
      expect(first.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        trackingNo: expect.stringMatching(/^XF\d{8}[0-9A-F]{8}$/),
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        eventIds: [expect.any(String)],
        status: 'accepted-pending-view',
        created: true,
        // the new case's query code: this answer is the only one that shows it
        queryCode: expect.stringMatching(/^[2-9A-HJ-NP-Z]{6}$/),
        message: '已保存，案件视图稍后更新',
      });
      id = first.body.id;
      expect(first.body.eventIds).toEqual([first.body.eventId]);

      // The owning service has the case: intake decided it, from its own tables.
      expect(rows<{ trackingNo: string }>('intake', 'SELECT trackingNo FROM intake_case WHERE id = ?', id)).toEqual([{ trackingNo: first.body.trackingNo }]);
      expect(rows('intake', 'SELECT id FROM intake_contact WHERE caseId = ?', id)).toHaveLength(1);
      // …and the read model has not: what the answer could not show.
      expect(rows('reporting', 'SELECT id FROM rpt_case WHERE id = ?', id)).toHaveLength(0);

      // A retry with the same key is the same 202, and neither a second case nor a repeat contact.
      const retry = await post('/api/v1/petitions', 'reception1', body, key);
      expect(retry.status).toBe(202);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(rows('intake', 'SELECT id FROM intake_contact WHERE caseId = ?', id)).toHaveLength(1);

      // An action needs no read of the read model either: assignment decides from its own copy.
      const r = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }, `e2e-${randomUUID()}`);
      routed = { status: r.status, body: r.body };
      expect(routed).toEqual({ status: 202, body: { id, eventId: expect.any(String), eventIds: [expect.any(String)], status: 'accepted-pending-view', message: '已保存，案件视图稍后更新' } });
      expect(rows<{ status: string; unitCode: string }>('assignment', 'SELECT status, unitCode FROM assignment_case WHERE id = ?', id)).toEqual([{ status: 'routed', unitCode: 'housing' }]);
      expect(rows('reporting', 'SELECT id FROM rpt_case WHERE id = ?', id)).toHaveLength(0);
    } finally {
      await held.open();
    }

    // The read model catches up: the case view shows the registration and the routing.
    let view: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
    for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const res = await t.http().get(`/api/v1/petitions/${id}`).set(as('office1'));
      view = { status: res.status, body: res.body };
      if (res.status === 200 && res.body.status === 'routed') break;
    }
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, status: 'routed', unitCode: 'housing', repeatContacts: 0 });
    // The next action on it is answered with the case again, as before.
    const accepted = await post(`/api/v1/petitions/${id}/accept`, 'housing1', {}, `e2e-${randomUUID()}`);
    expect({ status: accepted.status, caseStatus: accepted.body.status }).toEqual({ status: 200, caseStatus: 'accepted' });
  });

  it('a reception session saved while the read model is held is a 202 with the session and its event id', async () => {
    const held = await holdReporting(t);
    try {
      const res = await post('/api/v1/reception-sessions', 'office1', { kind: 'leader-day', leader: '张副县长', date: '2026-01-05' }, `e2e-${randomUUID()}`);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        kind: 'leader-day',
        leader: '张副县长',
        eventId: expect.any(String),
        status: 'accepted-pending-view',
        message: '已保存，统计数据稍后更新',
      });
    } finally {
      await held.open();
    }
  });

  it('with the read model applying, the answers are the case as before (201 / 200)', async () => {
    const body = walkIn({ petitioners: [{ name: '写路径申请人二', idNumber: idNumberOf('45030219850301200'), phone: '13812345678' }] });
    const created = await post('/api/v1/petitions', 'reception1', body, `e2e-${randomUUID()}`);
    expect({ status: created.status, caseStatus: created.body.status }).toEqual({ status: 201, caseStatus: 'registered' });
    const routed = await post(`/api/v1/petitions/${created.body.id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }, `e2e-${randomUUID()}`);
    expect({ status: routed.status, caseStatus: routed.body.status }).toEqual({ status: 200, caseStatus: 'routed' });
  });
});
