import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, IsNull } from 'typeorm';
import type { Clock } from '#libs/common';
import { KafkaTransport, MESSAGING_ENTITIES, OutboxRecord, OutboxRelay } from '#libs/messaging';
import { dataSourceOptions, ensureDatabase, migrate, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { DEFAULT_POLICY, PrcCalendar } from '#libs/regulation';
import { UnitOfWork, type RuntimeOptions } from '#libs/runtime';
import { DeadlineRow } from '../../apps/deadline/src/deadline.entities.js';
import { deadlineService } from '../../apps/deadline/src/deadline.module.js';
import { DeadlineService } from '../../apps/deadline/src/deadline.service.js';
import type { DeadlineSettings } from '../../apps/deadline/src/deadline.settings.js';
import type { DeadlineTimer, TimerScheduler } from '../../apps/deadline/src/timers/timer-scheduler.js';
import { KAFKA_BROKERS, MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { readTopicToEnd } from './support/kafka-reader.js';
import { waitUntil } from './support/wait.js';

const T = 120_000;
const DAY = 86_400_000;
/** Due rows per scenario: enough that the two instances' batch transactions overlap. */
const ROWS = 300;

/**
 * Two deadline-service instances firing the same due timers at the same instant, on MariaDB —
 * not through BullMQ, which would hand each job to one worker: both hold the timers. The
 * conditional update (prepared timers) and the locked read (the others, and the redo of a stale
 * preparation) decide between them; each breach and warning must reach the topic once.
 */
describe('two deadline-service instances racing on the same due rows (MariaDB)', () => {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const prefix = `pit_race_${run}_`;
  const topic = `it-deadline-race-${run}`;
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const db: DatabaseConfig = mysqlConfigFromUrl(`${base}${prefix}`);
  const due = new Date(Date.UTC(2026, 11, 1, 16)); // 24:00 office time
  let now = due.getTime() - 10_000;
  const clock: Clock = { now: () => new Date(now) };
  const settings: DeadlineSettings = {
    policy: DEFAULT_POLICY,
    calendar: PrcCalendar.default(),
    warnDaysBefore: [1],
    windowDays: 7,
    reconcileIntervalMs: 60_000,
    escalateAfterHours: 24,
    lateEntrySettleMs: 600_000,
  };
  const scheduler: TimerScheduler = {
    start: async () => undefined,
    schedule: async () => undefined,
    cancel: async () => undefined,
    markReconciled: async () => undefined,
    wasWiped: async () => false,
    close: async () => undefined,
  };
  const definition = deadlineService(settings, scheduler);

  interface Instance {
    ds: DataSource;
    transport: KafkaTransport;
    relay: OutboxRelay;
    service: DeadlineService;
  }
  const instances: Instance[] = [];

  async function instance(name: string): Promise<Instance> {
    const ds = await new DataSource(dataSourceOptions('deadline', db, [...MESSAGING_ENTITIES, ...definition.entities], definition.migrations)).initialize();
    await migrate(ds);
    const transport = new KafkaTransport({ brokers: KAFKA_BROKERS.split(','), clientId: `it-race-${name}` });
    const relay = new OutboxRelay(ds, transport, { pollIntervalMs: 100, batchSize: 200 });
    const options = { service: 'deadline', db, transport, topic, timeZone: 'Asia/Shanghai', catchUpTimeoutMs: 10_000, relayPollMs: 100 } satisfies RuntimeOptions;
    const uow = new UnitOfWork(ds, relay, clock, options);
    const service = new DeadlineService(ds, uow, relay, clock, scheduler, settings);
    relay.start();
    return { ds, transport, relay, service };
  }

  const row = (caseId: string, dueAt: Date) => ({
    caseId,
    kind: 'handling',
    revision: 1,
    dueAt,
    lastDay: '2026-12-01',
    state: 'pending',
    holder: 'unit',
    basis: `受理 2026-10-02 起 60 日（${caseId.slice(0, 8)}）`,
    lastWarning: null,
    breachedRevision: -1,
    escalatedRevision: -1,
  });
  const breach = (caseId: string): DeadlineTimer => ({ caseId, kind: 'handling', revision: 1, purpose: 'breach', fireAt: due.toISOString() });
  /** A one-day warning falling due at the same instant (its deadline is a day later). */
  const warning = (caseId: string): DeadlineTimer => ({ caseId, kind: 'handling', revision: 1, purpose: 'warn', daysBefore: 1, fireAt: due.toISOString() });

  /** ROWS due rows (a fifth of them warnings), fresh case ids; their timers. */
  async function dueRows(): Promise<DeadlineTimer[]> {
    const ids = Array.from({ length: ROWS }, () => randomUUID());
    const warned = new Set(ids.filter((_, i) => i % 5 === 0));
    await instances[0].ds.getRepository(DeadlineRow).insert(ids.map((id) => row(id, warned.has(id) ? new Date(due.getTime() + DAY) : due)));
    return ids.map((id) => (warned.has(id) ? warning(id) : breach(id)));
  }

  /** Both instances fire every timer at the same instant; `prepared` says which prepared them ahead. */
  async function race(timers: DeadlineTimer[], prepared: [boolean, boolean]): Promise<void> {
    now = due.getTime() - 10_000;
    await Promise.all(instances.map((x, i) => (prepared[i] ? Promise.all(timers.map((t) => x.service.prepare(t))) : undefined)));
    now = due.getTime() + 5;
    const started = Date.now();
    await Promise.all(instances.flatMap((x) => timers.map((t) => x.service.fire(t))));
    process.stdout.write(`\n  race (prepared: ${prepared.join('/')}): ${timers.length} timers fired by both instances in ${Date.now() - started} ms\n`);
  }

  /** Every event the outbox holds, once the relays have published all of it, read back from the topic. */
  async function published(): Promise<{ type: string; caseId: string; eventId: string }[]> {
    const outbox = instances[0].ds.getRepository(OutboxRecord);
    expect(await waitUntil(async () => (await outbox.count({ where: { publishedAt: IsNull() } })) === 0, 60_000)).toBe(true);
    return (await readTopicToEnd(topic)).map((m) => JSON.parse(m.value));
  }

  function expectOnceEach(events: { type: string; caseId: string; eventId: string }[], timers: DeadlineTimer[]): void {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(`${e.type}:${e.caseId}`, (counts.get(`${e.type}:${e.caseId}`) ?? 0) + 1);
    const expected = timers.map((t) => `${t.purpose === 'breach' ? 'deadline.breached' : 'deadline.warned'}:${t.caseId}`);
    const wrong = expected.filter((k) => counts.get(k) !== 1).map((k) => `${k} ×${counts.get(k) ?? 0}`);
    expect(wrong).toEqual([]);
    const mine = new Set(timers.map((t) => t.caseId));
    expect(events.filter((e) => mine.has(e.caseId))).toHaveLength(timers.length);
  }

  beforeAll(async () => {
    await requireInfrastructure();
    await ensureDatabase('deadline', db);
    instances.push(await instance('a'));
    instances.push(await instance('b'));
  }, T);

  afterAll(async () => {
    for (const x of instances) {
      await x.relay.stop();
      await x.transport.close();
    }
    await instances[0]?.ds.query(`DROP DATABASE IF EXISTS \`${prefix}deadline\``);
    for (const x of instances) await x.ds.destroy();
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ clientId: 'it-race-cleanup', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(topic)) }).catch(() => undefined);
    await admin.disconnect();
  }, T);

  const scenarios: [string, [boolean, boolean]][] = [
    ['both prepared the batch ahead: the conditional updates decide, the loser redoes it with locked reads', [true, true]],
    ['neither prepared: the locked reads decide', [false, false]],
    ['one prepared, one not: the conditional update against the locked read', [true, false]],
  ];
  for (const [title, prepared] of scenarios) {
    it(
      `${title}; each breach and warning reaches the topic once`,
      async () => {
        const timers = await dueRows();
        await race(timers, prepared);
        expectOnceEach(await published(), timers);
        const rows = await instances[0].ds.getRepository(DeadlineRow).findBy({ kind: 'handling' });
        const byId = new Map(rows.map((r) => [r.caseId, r]));
        for (const t of timers) {
          expect(byId.get(t.caseId)).toMatchObject(t.purpose === 'breach' ? { state: 'breached', breachedRevision: 1 } : { state: 'pending', lastWarning: '1.1' });
        }
      },
      T,
    );
  }
});
