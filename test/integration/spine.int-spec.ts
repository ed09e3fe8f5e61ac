import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { LATEST_VERSION, type EventType } from '#libs/contracts';
import { Cluster, SERVICES } from './support/cluster.js';
import { REDIS_URL, requireInfrastructure } from './support/infra.js';
import { waitUntil } from './support/wait.js';
import { readTopic, readTopicToEnd, waitForGroupsPast, type RawMessage } from './support/kafka-reader.js';

const T = 180_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The spine in distributed mode: five services and the gateway as separate processes, talking
 * only through Kafka, each with its own MariaDB schema, deadline timers as BullMQ jobs in Redis.
 */
describe('distributed spine (Kafka, MariaDB, Redis)', () => {
  const cluster = new Cluster({ DEADLINE_WINDOW_DAYS: '60', READ_YOUR_WRITES_TIMEOUT_MS: '4000' });
  const tokens: Record<string, string> = {};
  const http = () => request(cluster.url);
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const walkIn = (name: string, idNumber: string) => ({
    channel: 'visit',
    petitioners: [{ name, idNumber, phone: '13900001111' }],
    headcount: 6,
    purpose: 'appeal',
    category: 'urban-rural-construction',
    summary: '拆迁安置补偿争议',
    content: '群众集体反映安置补偿标准不一。',
    assignedBy: { authority: 'provincial', reference: '桂信交〔2024〕12号' },
    backlog: true,
  });
  let caseId: string;
  let requestId: string;

  beforeAll(async () => {
    await requireInfrastructure();
    await cluster.startAll();
    tokens.admin = (await http().post('/api/v1/auth/login').send({ username: 'admin', password: cluster.adminPassword }).expect(200)).body.accessToken;
    await http().post('/api/v1/units').set(auth('admin')).send({ code: 'housing', name: '住房和城乡建设局' }).expect(201);
    for (const u of [
      { username: 'reception1', roles: ['reception'] },
      { username: 'office1', roles: ['office'] },
      { username: 'housing1', roles: ['handler'], unitCode: 'housing' },
      { username: 'leader1', roles: ['leader'] },
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

  it('serves the web app at / and its client routes from the distributed gateway too', async () => {
    for (const path of ['/', '/cases/some-case']) {
      const res = await http().get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('answers health in distributed mode, and readiness of every process over its own port (terminus)', async () => {
    expect((await http().get('/api/v1/health').expect(200)).body).toEqual({ status: 'ok', mode: 'distributed' });
    const ready = (await http().get('/api/v1/health/ready').expect(200)).body;
    expect(Object.keys(ready.info).sort()).toEqual(['assignment', 'closure', 'database', 'deadline', 'intake', 'reporting']);
    for (const s of SERVICES) {
      // The orchestrator's probe: no internal token needed.
      const own = (
        await request(`http://127.0.0.1:${cluster.ports.get(s)}`)
          .get('/health/ready')
          .expect(200)
      ).body;
      expect(Object.keys(own.info).sort()).toEqual(s === 'deadline' ? ['broker', 'database', 'timers'] : ['broker', 'database']);
      await request(`http://127.0.0.1:${cluster.ports.get(s)}`)
        .get('/health/live')
        .expect(200);
    }
  });

  it(
    'registers, routes, accepts and closes a case across the five processes',
    async () => {
      const reg = await http().post('/api/v1/petitions').set(auth('reception1')).send(walkIn('李四', '450302199001011232')).expect(201);
      caseId = reg.body.id;
      requestId = reg.headers['x-request-id'];
      expect(requestId).toMatch(UUID);
      expect(reg.body).toMatchObject({ status: 'registered', groupVisit: true, headcount: 6, assignedBy: { authority: 'provincial' }, backlog: true });
      expect(reg.body.petitioners[0].idNumber).toBe('450302********1232');

      const routed = await http().post(`/api/v1/petitions/${caseId}/route`).set(auth('office1')).send({ mode: 'assign', unitCode: 'housing', feedbackDueAt: '2099-01-31' }).expect(200);
      expect(routed.body.status).toBe('routed');
      const accepted = await http().post(`/api/v1/petitions/${caseId}/accept`).set(auth('housing1')).send({}).expect(200);
      expect(accepted.body.status).toBe('accepted');
      expect(accepted.body.deadlines.find((d: { kind: string }) => d.kind === 'handling').state).toBe('pending');
      const again = await http().post(`/api/v1/petitions/${caseId}/accept`).set(auth('housing1')).send({}).expect(409);
      expect(again.body.message).toContain('已受理'); // the message names the state
      const closed = await http().post(`/api/v1/petitions/${caseId}/close`).set(auth('housing1')).send({ kind: 'substantive', outcome: 'mediated', opinion: '经调解，双方达成书面协议。' }).expect(200);
      expect(closed.body).toMatchObject({ status: 'closed', closure: { kind: 'substantive', outcome: 'mediated' } });
    },
    T,
  );

  it(
    'counts the case in the summary, under the provincial authority',
    async () => {
      const res = await http().get('/api/v1/reports/summary').query({ from: '2020-01-01', to: '2099-12-31' }).set(auth('leader1')).expect(200);
      expect(res.body.received).toMatchObject({ cases: 1, contacts: 1, persons: 6, byChannel: { visit: 1 } });
      expect(res.body.closed).toMatchObject({ total: 1, substantive: 1, procedural: 0, onTime: 1 });
      expect(res.body.assigned.provincial).toMatchObject({ received: 1, closedSubstantive: 1, closedProcedural: 0, open: 0, resolution: { numerator: 1, denominator: 1, rate: 1 } });
    },
    T,
  );

  it(
    'follows the registration’s request id through the JSON logs of the gateway, intake and reporting',
    async () => {
      type Line = { level: string; service: string; msg: string; requestId?: string; correlationId?: string; eventId?: string };
      const lines = (p: string): Line[] =>
        cluster
          .logLines(p)
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Line);
      const about = (p: string) => lines(p).filter((l) => l.requestId === requestId || l.correlationId === requestId);
      // Every line a distributed process writes is one JSON object naming its service.
      for (const p of ['gateway', ...SERVICES]) {
        const all = cluster.logLines(p);
        expect(all.length).toBeGreaterThan(0);
        expect(all.filter((l) => !l.startsWith('{'))).toEqual([]);
        expect(new Set(lines(p).map((l) => l.service))).toEqual(new Set([p]));
      }
      // The gateway's request line, the command's request line on intake's internal port, and
      // reporting applying the event the command produced — all under the one id.
      expect(await waitUntil(async () => about('reporting').some((l) => l.msg.includes('applied case.registered')))).toBe(true);
      expect(about('gateway').map((l) => l.msg)).toContainEqual(expect.stringMatching(/^POST \/api\/v1\/petitions 201 \d+ ms$/));
      expect(about('intake').map((l) => l.msg)).toContainEqual(expect.stringMatching(/^POST \/internal\/commands\/\S+ 20\d \d+ ms$/));
      const applied = about('reporting').find((l) => l.msg.includes('applied case.registered'))!;
      expect(applied).toMatchObject({ service: 'reporting', correlationId: requestId, level: 'info' });
      expect(applied.msg).toContain(caseId);
      // …and in every other service that applied it.
      for (const s of ['assignment', 'deadline', 'closure'] as const) {
        expect({ s, applied: await waitUntil(async () => about(s).some((l) => l.msg.includes('applied case.registered'))) }).toEqual({ s, applied: true });
      }
      // Personal data stays out of the logs: neither the identity number nor the phone.
      for (const p of ['gateway', ...SERVICES]) expect(cluster.logLines(p).join('\n')).not.toMatch(/450302199001011232|13900001111/);
      // A caller's own request id (a proxy's) is kept, answered and passed on.
      const own = `proxy-${Date.now()}-abc`;
      const res = await http().get(`/api/v1/petitions/${caseId}`).set(auth('office1')).set('X-Request-Id', own).expect(200);
      expect(res.headers['x-request-id']).toBe(own);
      expect(await waitUntil(async () => lines('gateway').some((l) => l.requestId === own && l.msg.startsWith('GET /api/v1/petitions/')))).toBe(true);
      // A query string (a search may carry a name) never reaches the log, only the path.
      const search = await http().get('/api/v1/petitions').query({ q: '李四' }).set(auth('office1'));
      expect(await waitUntil(async () => lines('gateway').some((l) => l.requestId === search.headers['x-request-id']))).toBe(true);
      const gatewayLog = cluster.logLines('gateway').join('\n');
      expect([gatewayLog.includes('李四'), gatewayLog.toLowerCase().includes(encodeURIComponent('李四').toLowerCase())]).toEqual([false, false]);
      const forged = await http().get('/api/v1/health').set('X-Request-Id', 'bad id <script>').expect(200);
      expect(forged.headers['x-request-id']).toMatch(UUID);
    },
    T,
  );

  it(
    'counts it in every process’s metrics: one case.registered applied per service, the outboxes empty, no lag',
    async () => {
      const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
        for (const line of text.split('\n')) {
          if (!line.startsWith(name + '{')) continue;
          const [series, value] = [line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' ') + 1)];
          if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) return Number(value);
        }
        return undefined;
      };
      for (const s of SERVICES) {
        // Outbox lag back to 0 once the relays have published everything, and the consumers have committed past it.
        expect(
          await waitUntil(async () => {
            const m = await cluster.metrics(s);
            return (
              sample(m, 'petition_outbox_waiting_rows', { service: s }) === 0 &&
              sample(m, 'petition_outbox_oldest_waiting_seconds', { service: s }) === 0 &&
              sample(m, 'petition_consumer_lag_messages', { service: s }) === 0
            );
          }),
        ).toBe(true);
        const m = await cluster.metrics(s);
        expect({ s, applied: sample(m, 'petition_events_handled_total', { service: s, type: 'case.registered', outcome: 'applied' }) }).toEqual({ s, applied: 1 });
        expect(sample(m, 'petition_dead_letters_open', { service: s })).toBe(0);
        expect(sample(m, 'process_resident_memory_bytes', { service: s })).toBeGreaterThan(0);
      }
      // Handler time of the events from the broker, and the publish lag of intake's outbox.
      expect(sample(await cluster.metrics('reporting'), 'petition_event_handler_duration_seconds_count', { service: 'reporting', type: 'case.registered' })).toBe(1);
      expect(sample(await cluster.metrics('intake'), 'petition_outbox_publish_lag_seconds_count', { service: 'intake' })).toBeGreaterThanOrEqual(1);
      expect(sample(await cluster.metrics('reporting'), 'petition_report_query_duration_seconds_count', { service: 'reporting', query: 'summary' })).toBeGreaterThanOrEqual(1);
      expect(sample(await cluster.metrics('deadline'), 'petition_timers_armed_total', { service: 'deadline', kind: 'breach' })).toBeGreaterThanOrEqual(1);
      const gw = await cluster.metrics('gateway');
      expect(sample(gw, 'petition_http_request_duration_seconds_count', { service: 'gateway', method: 'POST', route: '/api/v1/petitions', status: '201' })).toBe(1);
      // The route pattern, never a case id, in the label.
      expect(gw).toContain('route="/api/v1/petitions/:id"');
      expect(gw).not.toContain(caseId);
    },
    T,
  );

  it(
    'keeps each service’s rows in its own MariaDB schema',
    async () => {
      // The answer to the close waited for the read model only; the other services apply the
      // closure from the topic in their own time: wait for the last of them, then look at each.
      await waitUntil(async () => (await cluster.query<{ state: string }>('deadline', "SELECT state FROM deadline WHERE caseId = ? AND kind = 'handling'", [caseId]))[0]?.state === 'met');
      await waitUntil(async () => (await cluster.query<{ open: number }>('intake', 'SELECT open FROM intake_case'))[0]?.open === 0);
      await waitUntil(async () => (await cluster.query<{ status: string }>('assignment', 'SELECT status FROM assignment_case'))[0]?.status === 'closed');
      expect(await cluster.query('intake', 'SELECT id, open FROM intake_case')).toEqual([{ id: caseId, open: 0 }]);
      expect(await cluster.query('assignment', 'SELECT status, unitCode FROM assignment_case')).toEqual([{ status: 'closed', unitCode: 'housing' }]);
      expect(await cluster.query('closure', 'SELECT kind, outcome FROM closure_case')).toEqual([{ kind: 'substantive', outcome: 'mediated' }]);
      const [published] = await cluster.query<{ n: number }>('intake', 'SELECT COUNT(*) AS n FROM outbox WHERE publishedAt IS NULL');
      expect(Number(published.n)).toBe(0);
      const handling = await cluster.query<{ state: string; dueAt: Date }>('deadline', "SELECT state, dueAt FROM deadline WHERE caseId = ? AND kind = 'handling'", [caseId]);
      expect(handling[0].state).toBe('met');
    },
    T,
  );

  it(
    'arms the near deadline timers as BullMQ delayed jobs in Redis, and cancels them once met',
    async () => {
      const redis = new Redis(REDIS_URL);
      try {
        const open = await http().post('/api/v1/petitions').set(auth('reception1')).send(walkIn('郑九', '450302196604044443')).expect(201);
        const breachKey = `${cluster.bullPrefix}:petition-deadlines:${open.body.id}.route.r1.breach`;
        // The deadline service arms them right after it applied the registration (asynchronously).
        expect(await waitUntil(async () => (await redis.exists(breachKey)) === 1)).toBe(true);
        const keys = await redis.keys(`${cluster.bullPrefix}:petition-deadlines:${open.body.id}.*`);
        // Routing within 15 days (Art. 22): its breach timer, and the 5-day warning, are within the window.
        expect(keys).toEqual(expect.arrayContaining([`${cluster.bullPrefix}:petition-deadlines:${open.body.id}.route.r1.breach`]));
        expect(keys.every((k) => /\.r\d+\./.test(k))).toBe(true);
        // The closed case's deadlines were all met: none of its timers is left.
        expect(await redis.keys(`${cluster.bullPrefix}:petition-deadlines:${caseId}.*`)).toEqual([]);
      } finally {
        redis.disconnect();
      }
    },
    T,
  );

  it(
    'shows the timer queue to an administrator only, read-only, through a ticket cookie (bull-board)',
    async () => {
      const board = '/api/v1/admin/timer-queue/ui';
      await http().get(`${board}/`).expect(401);
      await http().post('/api/v1/admin/timer-queue/session').set(auth('office1')).expect(403);
      const session = await http().post('/api/v1/admin/timer-queue/session').set(auth('admin')).expect(204);
      const cookie = String(session.headers['set-cookie']);
      expect(cookie).toMatch(/^petition_timer_queue=[^;]+; Path=\/api\/v1\/admin\/timer-queue\/ui; Max-Age=900; HttpOnly; SameSite=Strict/);
      const ticket = cookie.split(';')[0];
      const page = await http().get(`${board}/`).set('Cookie', ticket).expect(200);
      expect(page.text).toContain('计时器队列');
      const queues = await http().get(`${board}/api/queues`).query({ activeQueue: 'petition-deadlines', status: 'delayed' }).set('Cookie', ticket).expect(200);
      const q = queues.body.queues.find((x: { name: string }) => x.name === 'petition-deadlines');
      expect(q).toMatchObject({ readOnlyMode: true });
      // The open case of the test before: its routing timers wait as delayed jobs.
      expect(q.counts.delayed).toBeGreaterThan(0);
      // Read-only: no job can be removed or promoted from the board.
      const job = q.jobs[0];
      const removed = await http()
        .put(`${board}/api/queues/petition-deadlines/${encodeURIComponent(job.id)}/clean`)
        .set('Cookie', ticket);
      expect(removed.status).toBeGreaterThanOrEqual(400);
      // The ticket is not an access token, and an access token is not a ticket.
      await http()
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${decodeURIComponent(ticket.split('=')[1])}`)
        .expect(401);
      await http().get(`${board}/`).set('Cookie', `petition_timer_queue=${tokens.admin}`).expect(401);
    },
    T,
  );

  it(
    'publishes every event on the topic in the envelope, keyed by case id, in lifecycle order',
    async () => {
      const msgs = await readTopic(cluster.topic, (m) => m.filter((x) => x.key === caseId).length >= 4);
      const mine = msgs.filter((m) => m.key === caseId).map((m) => ({ ...m, event: JSON.parse(m.value) }));
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.map((m) => m.event.type)).toEqual(expect.arrayContaining(['case.registered', 'case.routed', 'case.accepted', 'case.closed']));
      // The registration's event carries the request's id; what the deadline service caused by it, too.
      expect(mine.find((m) => m.event.type === 'case.registered')!.event.correlationId).toBe(requestId);
      const lifecycle = mine.map((m) => m.event.type).filter((t: string) => t.startsWith('case.'));
      expect(lifecycle).toEqual(['case.registered', 'case.routed', 'case.accepted', 'case.closed']);
      for (const { event } of mine) {
        expect(event).toEqual({
          eventId: expect.stringMatching(UUID),
          type: expect.any(String),
          // Each type's latest version (case.accepted is at 2: the acceptance notice is served apart).
          version: LATEST_VERSION[event.type as EventType],
          caseId,
          occurredAt: expect.stringMatching(/Z$/),
          actor: event.type.startsWith('deadline.') ? null : expect.objectContaining({ username: expect.any(String) }),
          payload: expect.any(Object),
          correlationId: expect.any(String),
        });
      }
    },
    T,
  );

  it(
    'loses nothing when a service is killed mid-flow: it catches up from Kafka after restart',
    async () => {
      const reg = await http().post('/api/v1/petitions').set(auth('reception1')).send(walkIn('周七', '450302198502021119')).expect(201);
      const id = reg.body.id;
      await cluster.kill('closure');
      // The gateway is not ready while a service it calls is down, and says which.
      const notReady = (await http().get('/api/v1/health/ready').expect(503)).body;
      expect(notReady.details.error).toEqual({ closure: { status: 'down', message: 'unreachable' } });
      await http().post(`/api/v1/petitions/${id}/route`).set(auth('office1')).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
      await http().post(`/api/v1/petitions/${id}/accept`).set(auth('housing1')).send({}).expect(200);
      await cluster.start('closure');
      const closed = await http().post(`/api/v1/petitions/${id}/close`).set(auth('housing1')).send({ kind: 'procedural', outcome: 'explain', opinion: '已书面答复。' }).expect(200);
      expect(closed.body.status).toBe('closed');
      expect(closed.body.timeline.map((e: { type: string }) => e.type).filter((t: string) => !t.startsWith('deadline'))).toEqual(['registered', 'routed', 'accepted', 'closed']);
    },
    T,
  );

  it(
    'keeps an event committed but not yet published through a crash of its service, and applies it once',
    async () => {
      await cluster.kill('intake');
      await cluster.start('intake', { OUTBOX_RELAY: 'off' });
      // Committed with its event in the outbox, but never published: the read model cannot show it yet,
      // and the answer says it is saved (202 with its ids), never a 5xx for a committed write (issue 11).
      const res = await http().post('/api/v1/petitions').set(auth('reception1')).send(walkIn('吴八', '45030219700303333X'));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: expect.stringMatching(UUID), status: 'accepted-pending-view' });
      const pending = await cluster.query<{ eventId: string }>('intake', 'SELECT eventId FROM outbox WHERE publishedAt IS NULL');
      expect(pending).toHaveLength(1);
      const eventId = pending[0].eventId;
      await cluster.kill('intake'); // the crash between commit and publish
      await cluster.start('intake');
      const seen = await waitUntil(async () => (await cluster.query('reporting', 'SELECT eventId FROM processed_event WHERE eventId = ?', [eventId])).length === 1);
      expect(seen).toBe(true);
      const [caseRow] = await cluster.query<{ id: string }>('intake', 'SELECT caseId AS id FROM intake_contact ORDER BY enteredAt DESC LIMIT 1');
      const view = await http().get(`/api/v1/petitions/${caseRow.id}`).set(auth('office1')).expect(200);
      expect(view.body.petitioners[0].name).toBe('吴八');

      // Now the other half of the crash: published, but the mark was lost. The relay sends it again…
      // Every service restarts too: a running one would drop the copy from its in-memory set of
      // recently applied ids, and the copy must meet the processed_event check in each database.
      await Promise.all(SERVICES.map((s) => cluster.kill(s)));
      await cluster.query('intake', 'UPDATE outbox SET publishedAt = NULL WHERE eventId = ?', [eventId]);
      await Promise.all(SERVICES.map((s) => cluster.start(s)));
      const copies = (await readTopic(cluster.topic, (m) => m.filter((x) => x.value.includes(eventId)).length >= 2)).filter((m: RawMessage) => m.value.includes(eventId));
      expect(copies).toHaveLength(2);
      const copy = copies.reduce((a, b) => (BigInt(a.offset) > BigInt(b.offset) ? a : b));
      // …every consumer group has handled the copy (committed past it): whatever it did is in.
      await waitForGroupsPast(cluster.topic, SERVICES, copy.partition, copy.offset);
      // Each service recorded the event once, and none dead-lettered the copy (a copy applied
      // again would hit the primary key, fail its three attempts and land there).
      for (const s of SERVICES) {
        const [n] = await cluster.query<{ n: number }>(s, 'SELECT COUNT(*) AS n FROM processed_event WHERE eventId = ?', [eventId]);
        expect({ service: s, n: Number(n.n) }).toEqual({ service: s, n: 1 });
      }
      const dead = await readTopicToEnd(`${cluster.topic}.dlt`);
      const ofCopy = (m: RawMessage) => {
        const { source, value } = JSON.parse(m.value) as { source: { partition: number; offset: string }; value: string };
        return value.includes(eventId) || (source.partition === copy.partition && source.offset === copy.offset);
      };
      expect(dead.filter(ofCopy).map((m) => JSON.parse(m.value).reason)).toEqual([]);
      // …and applied it once: one case, one contact, one registration in the timeline.
      expect(await cluster.query('reporting', 'SELECT id FROM rpt_contact WHERE caseId = ?', [caseRow.id])).toHaveLength(1);
      expect(await cluster.query('assignment', 'SELECT id FROM assignment_case WHERE id = ?', [caseRow.id])).toHaveLength(1);
      const again = await http().get(`/api/v1/petitions/${caseRow.id}`).set(auth('office1')).expect(200);
      expect(again.body.timeline.filter((e: { type: string }) => e.type === 'registered')).toHaveLength(1);
      const summary = await http().get('/api/v1/reports/summary').query({ from: '2020-01-01', to: '2099-12-31' }).set(auth('leader1')).expect(200);
      expect(summary.body.received.cases).toBe(4);
    },
    T,
  );
});
