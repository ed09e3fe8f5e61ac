import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Cluster } from './support/cluster.js';
import { requireInfrastructure } from './support/infra.js';
import { waitUntil } from './support/wait.js';

const T = 180_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Issue 11 in distributed mode: with the reporting service killed, a registration commits in intake
 * and is answered 202 with its ids — not the 503 the issue measured after the commit (247 of 1,000)
 * — a retry with the same Idempotency-Key is the same 202 and no repeat contact, an action on the
 * case is decided by its owning service alone; when reporting comes back it catches up from Kafka.
 */
describe('the write path with the reporting service down (Kafka, MariaDB)', () => {
  const cluster = new Cluster({ READ_YOUR_WRITES_TIMEOUT_MS: '1000' });
  const tokens: Record<string, string> = {};
  const http = () => request(cluster.url);
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const post = (path: string, who: string, body: object, key: string) => http().post(path).set(auth(who)).set('Idempotency-Key', key).send(body);
  const walkIn = {
    channel: 'visit',
    petitioners: [{ name: '孙十', idNumber: '450302198502021119', phone: '13900002222' }],
    purpose: 'appeal',
    category: 'urban-rural-construction',
    summary: '物业维修基金使用争议',
    content: '业主反映维修基金使用不透明。',
  };

  beforeAll(async () => {
    await requireInfrastructure();
    await cluster.startAll();
    tokens.admin = (await http().post('/api/v1/auth/login').send({ username: 'admin', password: cluster.adminPassword }).expect(200)).body.accessToken;
    await http().post('/api/v1/units').set(auth('admin')).send({ code: 'housing', name: '住房和城乡建设局' }).expect(201);
    for (const u of [
      { username: 'reception1', roles: ['reception'] },
      { username: 'office1', roles: ['office'] },
    ]) {
      await http()
        .post('/api/v1/users')
        .set(auth('admin'))
        .send({ ...u, displayName: u.username, password: `${u.username}-password` })
        .expect(201);
      tokens[u.username] = (
        await http()
          .post('/api/v1/auth/login')
          .send({ username: u.username, password: `${u.username}-password` })
          .expect(200)
      ).body.accessToken;
    }
  }, T);

  afterAll(async () => {
    await cluster.stopAll();
    await cluster.cleanup();
  }, T);

  it(
    'registers and routes with reporting killed: 202 with the ids, the same 202 on retry, one contact; the view follows once reporting is back',
    async () => {
      await cluster.kill('reporting');
      const key = `it-${randomUUID()}`;
      const first = await post('/api/v1/petitions', 'reception1', walkIn, key);
      expect({ status: first.status, body: first.body }).toMatchObject({ status: 202 });
      expect(first.body).toMatchObject({
        id: expect.stringMatching(UUID),
        trackingNo: expect.stringMatching(/^XF\d{8}[0-9A-F]{8}$/),
        eventId: expect.stringMatching(UUID),
        status: 'accepted-pending-view',
        created: true,
        message: '已保存，案件视图稍后更新',
      });
      const id = first.body.id as string;
      expect(await cluster.query('intake', 'SELECT id FROM intake_case WHERE id = ?', [id])).toHaveLength(1);

      const retry = await post('/api/v1/petitions', 'reception1', walkIn, key);
      expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'] }).toEqual({ status: 202, replayed: 'true' });
      expect(retry.body).toEqual(first.body);
      expect(await cluster.query('intake', 'SELECT id FROM intake_contact WHERE caseId = ?', [id])).toHaveLength(1);

      // Assignment decides from its own copy of the case (it has the registration from Kafka).
      expect(await waitUntil(async () => (await cluster.query('assignment', 'SELECT id FROM assignment_case WHERE id = ?', [id])).length === 1)).toBe(true);
      const routed = await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }, `it-${randomUUID()}`);
      expect({ status: routed.status, body: routed.body }).toMatchObject({ status: 202, body: { id, eventId: expect.stringMatching(UUID), status: 'accepted-pending-view' } });

      await cluster.start('reporting');
      let view: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
      const shown = await waitUntil(async () => {
        const res = await http().get(`/api/v1/petitions/${id}`).set(auth('office1'));
        view = { status: res.status, body: res.body };
        return res.status === 200 && res.body.status === 'routed';
      });
      expect(view.status).toBe(200);
      expect(shown).toBe(true);
      expect(view.body).toMatchObject({ id, trackingNo: first.body.trackingNo, status: 'routed', unitCode: 'housing', repeatContacts: 0 });
    },
    T,
  );
});
