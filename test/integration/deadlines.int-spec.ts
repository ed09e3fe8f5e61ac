import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { addDays, endOfLocalDay, toLocalDate } from '#libs/regulation';
import { Cluster } from './support/cluster.js';
import { REDIS_URL, requireInfrastructure } from './support/infra.js';
import { waitUntil } from './support/wait.js';
import { readTopicToEnd } from './support/kafka-reader.js';

const T = 240_000;
const TZ = 'Asia/Shanghai';
/** How long before the due instant (on the deadline service's clock) the scenario starts. */
const LEAD_MS = 60_000;

/**
 * Deadline timers on BullMQ and Redis, for real. Periods end at 24:00 office time, so the
 * deadline service runs with its clock moved (CLOCK_OFFSET_MS) to a minute before the next
 * midnight: its timers then fall due in real seconds while every rule stays as in production.
 */
describe('deadline timers (BullMQ on Redis, two deadline-service instances)', () => {
  // D: the next office midnight; X: the local date it starts; offset: the deadline service's
  // clock shift. Computed once the rest of the cluster is up (a slow start must not eat LEAD_MS).
  let X: string;
  let D: Date;
  let offset: number;
  const deadlineEnv: Record<string, string> = {};
  const cluster = new Cluster({ DEADLINE_WINDOW_DAYS: '7', READ_YOUR_WRITES_TIMEOUT_MS: '8000', ESCALATE_AFTER_HOURS: '0' }, { deadline: deadlineEnv });
  const http = () => request(cluster.url);
  let admin: Record<string, string>;
  let handler: Record<string, string>;
  const ids: Record<'breach' | 'warn' | 'extended', string> = { breach: '', warn: '', extended: '' };
  const jobKey = (id: string) => `${cluster.bullPrefix}:petition-deadlines:${id}`;
  let redis: Redis;

  const at = (date: string) => `${date}T10:00:00+08:00`;
  const register = async (name: string, receivedDate: string) =>
    (
      await http()
        .post('/api/v1/petitions')
        .set(admin)
        .send({ channel: 'letter', receivedAt: at(receivedDate), petitioners: [{ name }], purpose: 'appeal', category: 'other', summary: name, content: name })
        .expect(201)
    ).body.id as string;

  beforeAll(async () => {
    await requireInfrastructure();
    redis = new Redis(REDIS_URL);
    await cluster.startAll(['deadline']);
    const realNow = Date.now();
    X = addDays(toLocalDate(new Date(realNow), TZ), 1);
    D = endOfLocalDay(addDays(X, -1), TZ);
    offset = D.getTime() - LEAD_MS - realNow;
    deadlineEnv.CLOCK_OFFSET_MS = String(offset);
    await cluster.start('deadline');
    admin = { Authorization: `Bearer ${(await http().post('/api/v1/auth/login').send({ username: 'admin', password: cluster.adminPassword }).expect(200)).body.accessToken}` };
    await http().post('/api/v1/units').set(admin).send({ code: 'housing', name: '住建局' }).expect(201);
    await http()
      .post('/api/v1/users')
      .set(admin)
      .send({ username: 'h1', password: 'handler-password', displayName: 'h1', roles: ['handler'], unitCode: 'housing' })
      .expect(201);
    handler = { Authorization: `Bearer ${(await http().post('/api/v1/auth/login').send({ username: 'h1', password: 'handler-password' }).expect(200)).body.accessToken}` };
  }, T);

  afterAll(async () => {
    await cluster.stopAll();
    await cluster.cleanup();
    redis?.disconnect();
  }, T);

  it(
    'arms the near timers: a routing breach at 24:00, a one-day warning, a handling breach',
    async () => {
      // Routing within 15 days of receipt (Art. 22): received X-16 → last day X-1 → due at D.
      ids.breach = await register('到期转送', addDays(X, -16));
      // Received X-15 → due D + 1 day: the 1-day warning falls at D.
      ids.warn = await register('提前一日提醒', addDays(X, -15));
      // Accepted X-61 → 60-day handling period (Art. 34) due at D.
      ids.extended = await register('将延期', addDays(X, -70));
      await http()
        .post(`/api/v1/petitions/${ids.extended}/route`)
        .set(admin)
        .send({ mode: 'transfer', unitCode: 'housing', at: at(addDays(X, -69)) })
        .expect(200);
      await http()
        .post(`/api/v1/petitions/${ids.extended}/accept`)
        .set(admin)
        .send({ at: at(addDays(X, -61)) })
        .expect(200);
      // Three cases, three keys: each may sit on its own partition, so wait for every timer, not the last one asked for.
      const armed = [`${ids.breach}.route.r1.breach`, `${ids.warn}.route.r1.warn.1`, `${ids.extended}.handling.r1.breach`];
      await waitUntil(async () => (await Promise.all(armed.map((k) => redis.exists(jobKey(k))))).every((n) => n === 1));
      for (const k of armed) expect({ job: k, exists: await redis.exists(jobKey(k)) }).toEqual({ job: k, exists: 1 });
    },
    T,
  );

  it(
    'an extension moves the due date and cancels the old timer',
    async () => {
      const res = await http().post(`/api/v1/petitions/${ids.extended}/extend`).set(handler).send({ days: 5, reason: '需补充材料', approvedBy: '局长' }).expect(200);
      expect(res.body.deadlines.find((d: { kind: string }) => d.kind === 'handling')).toMatchObject({ revision: 2, lastDay: addDays(X, 4) });
      await waitUntil(async () => (await redis.exists(jobKey(`${ids.extended}.handling.r2.breach`))) === 1);
      expect(await redis.exists(jobKey(`${ids.extended}.handling.r1.breach`))).toBe(0);
    },
    T,
  );

  it(
    'rebuilds every timer from the database after FLUSHALL and a restart',
    async () => {
      await redis.flushall();
      expect(await redis.exists(jobKey(`${ids.breach}.route.r1.breach`))).toBe(0);
      await cluster.kill('deadline');
      await cluster.start('deadline');
      for (const id of [`${ids.breach}.route.r1.breach`, `${ids.warn}.route.r1.warn.1`, `${ids.extended}.handling.r2.breach`]) {
        expect(await waitUntil(async () => (await redis.exists(jobKey(id))) === 1)).toBe(true);
      }
      // A second instance of the deadline service shares the queue and the database.
      await cluster.start('deadline', {}, 'deadline-2');
    },
    T,
  );

  it(
    'warns and breaches on time, once each with two instances, and the moved deadline stays silent',
    async () => {
      // Wait for what the timers do, not for a while: the breach decided and escalated, the warning
      // marked (both instances have had their go at them), then every event the deadline service
      // committed published. What is on the topic up to its end is then all there will be.
      const done = async () => {
        const rows = await cluster.query<{ caseId: string; state: string; escalatedRevision: number; lastWarning: string | null }>(
          'deadline',
          "SELECT caseId, state, escalatedRevision, lastWarning FROM deadline WHERE kind = 'route' AND caseId IN (?, ?)",
          [ids.breach, ids.warn],
        );
        const breach = rows.find((r) => r.caseId === ids.breach);
        const warn = rows.find((r) => r.caseId === ids.warn);
        return breach?.state === 'breached' && Number(breach.escalatedRevision) === 1 && warn?.lastWarning === '1.1';
      };
      expect(await waitUntil(done, LEAD_MS + 120_000)).toBe(true);
      const unpublished = async () => Number((await cluster.query<{ n: number }>('deadline', 'SELECT COUNT(*) AS n FROM outbox WHERE publishedAt IS NULL'))[0].n);
      expect(await waitUntil(async () => (await unpublished()) === 0, 60_000)).toBe(true);
      const received = await readTopicToEnd(cluster.topic);
      const raw = received.map((m) => JSON.parse(m.value));
      /** When an event was first published (real time; the deadline services' clocks are shifted by `offset`). */
      const publishedAt = (eventId: string) => Math.min(...received.filter((m) => m.value.includes(eventId)).map((m) => m.timestamp)) + offset;
      // At-least-once delivery may repeat a message; an event is one event id.
      const events = [...new Map(raw.map((e) => [e.eventId, e])).values()];
      const seen = new Set<string>();
      const repeated = raw.filter((e) => seen.has(e.eventId) || !seen.add(e.eventId)).map((e) => `${e.type}@${e.occurredAt}`);
      process.stdout.write(`\n  topic: ${raw.length} messages, ${events.length} distinct events; repeated: ${repeated.join(', ') || 'none'}\n`);
      const of = (caseId: string, type: string) => events.filter((e) => e.caseId === caseId && e.type === type);

      const breached = of(ids.breach, 'deadline.breached');
      expect(breached).toHaveLength(1);
      expect(breached[0].payload).toMatchObject({ kind: 'route', revision: 1, dueAt: D.toISOString() });
      const warned = of(ids.warn, 'deadline.warned');
      expect(warned).toHaveLength(1);
      expect(warned[0].payload).toMatchObject({ kind: 'route', daysLeft: 1 });
      // (Its routing deadline was announced breached when the paper record of the receipt was entered.)
      expect(of(ids.extended, 'deadline.breached').filter((e) => e.payload.kind === 'handling')).toHaveLength(0);
      // Escalation to supervision (grace 0 here) goes out once too.
      expect(of(ids.breach, 'case.supervised')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ automatic: true }) })]);

      // Decided: the event's time (a timer taken ahead is decided as of its instant). Published:
      // when the relay handed it to Kafka, after its transaction committed.
      const warnAt = Date.parse(warned[0].payload.dueAt) - 86_400_000;
      const lateness = {
        breachDecided: Date.parse(breached[0].occurredAt) - D.getTime(),
        breachPublished: publishedAt(breached[0].eventId) - D.getTime(),
        warnDecided: Date.parse(warned[0].occurredAt) - warnAt,
        warnPublished: publishedAt(warned[0].eventId) - warnAt,
      };
      process.stdout.write(
        `\n  deadline timers (two deadline-service instances): breach decided +${lateness.breachDecided} ms, published +${lateness.breachPublished} ms; ` +
          `warning decided +${lateness.warnDecided} ms, published +${lateness.warnPublished} ms\n`,
      );
      // Never early; how late is printed, not asserted (the machine may be loaded).
      for (const ms of Object.values(lateness)) expect(ms).toBeGreaterThanOrEqual(0);

      const [row] = await cluster.query<{ state: string; breachedRevision: number; escalatedRevision: number }>(
        'deadline',
        "SELECT state, breachedRevision, escalatedRevision FROM deadline WHERE caseId = ? AND kind = 'route'",
        [ids.breach],
      );
      expect(row).toEqual({ state: 'breached', breachedRevision: 1, escalatedRevision: 1 });
      const view = await http().get(`/api/v1/petitions/${ids.breach}`).set(admin).expect(200);
      expect(view.body.supervised).toBe(true);
      expect(view.body.timeline.filter((e: { type: string }) => e.type === 'deadline-breached')).toHaveLength(1);
    },
    T,
  );
});
