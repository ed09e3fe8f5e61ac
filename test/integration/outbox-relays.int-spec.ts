import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, IsNull } from 'typeorm';
import { CASE_EVENTS_TOPIC, createEvent } from '#libs/contracts';
import { appendToOutbox, MESSAGING_ENTITIES, OutboxRecord, OutboxRelay, type EventTransport, type TransportMessage } from '#libs/messaging';
import { dataSourceOptions, ensureDatabase, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { statementLogger } from '../support/statements.js';
import { waitUntil } from './support/wait.js';

const T = 120_000;
/** Commits per instance, of 1–3 events each. */
const COMMITS = 120;

/**
 * Issue 11, the relays woken by their commits (MariaDB): two relay instances of one service on one
 * outbox, each woken only by its own commits (the fallback poll a minute away), with a broker slow
 * enough that they meet at the lock. Every row must go out exactly once and in the order written
 * (the lock decides; an instance that finds it taken tries again by itself, since the holder may
 * have read before its rows committed); and once all is out, neither sends a statement.
 */
describe('two outbox relays of one service, woken by their commits (MariaDB)', () => {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const prefix = `pit_relays_${run}_`;
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const db: DatabaseConfig = mysqlConfigFromUrl(`${base}${prefix}`);
  /** What reached the "broker", in the order it took it (both relays publish into it). */
  const sent: { by: string; eventId: string }[] = [];
  const statements: Record<string, string[]> = { a: [], b: [] };
  const instances: { name: string; ds: DataSource; relay: OutboxRelay }[] = [];

  /** While set, instance a's broker does not answer (its relay holds the lock meanwhile). */
  let stall: Promise<void> | null = null;
  const slowBroker = (name: string): EventTransport => ({
    async publish(ms: TransportMessage[]) {
      await new Promise((r) => setTimeout(r, 15));
      if (name === 'a' && stall) await stall;
      for (const m of ms) sent.push({ by: name, eventId: (JSON.parse(m.value) as { eventId: string }).eventId });
    },
    subscribe: async () => undefined,
    close: async () => undefined,
  });

  async function instance(name: string, first: boolean) {
    const logger = statementLogger((q) => void statements[name].push(q));
    const ds = await new DataSource({ ...dataSourceOptions('intake', db, MESSAGING_ENTITIES, []), synchronize: first, logger }).initialize();
    const relay = new OutboxRelay(ds, slowBroker(name), { pollIntervalMs: 60_000, batchSize: 5 });
    relay.start();
    return { name, ds, relay };
  }

  beforeAll(async () => {
    await requireInfrastructure();
    await ensureDatabase('intake', db);
    instances.push(await instance('a', true));
    instances.push(await instance('b', false));
  }, T);

  afterAll(async () => {
    for (const x of instances) await x.relay.stop();
    await instances[0]?.ds.query(`DROP DATABASE IF EXISTS \`${prefix}intake\``);
    for (const x of instances) await x.ds.destroy();
  }, T);

  const event = () =>
    createEvent(
      'case.contact-added',
      randomUUID(),
      { contact: { contactId: randomUUID(), channel: 'visit', receivedAt: new Date().toISOString(), enteredAt: new Date().toISOString(), headcount: 1, receptionSessionId: null }, groupVisit: false },
      { username: 'reception1', roles: ['reception'] },
      new Date(),
    );
  const commit = (x: (typeof instances)[number], n = 1) => x.ds.transaction((m) => appendToOutbox(m, CASE_EVENTS_TOPIC, Array.from({ length: n }, event), new Date()));

  it(
    'an instance that found the lock taken publishes its rows by itself once it is free (the holder had read before they committed)',
    async () => {
      const [a, b] = instances;
      let unstall!: () => void;
      stall = new Promise<void>((r) => (unstall = r));
      const before = sent.length;
      await commit(a); // a's relay reads it and waits for its broker, holding the lock
      expect(await waitUntil(async () => (await a.ds.query(`SELECT IS_USED_LOCK(?) AS holder`, [`outbox:${prefix}intake`.slice(0, 64)]))[0].holder !== null, 5000)).toBe(true);
      await commit(b); // b's relay finds the lock taken
      await new Promise((r) => setTimeout(r, 300));
      stall = null;
      unstall();
      // a's pass ends without b's row (read before it committed); b's retry sends it, long before its fallback poll (a minute)
      expect(await waitUntil(async () => sent.length === before + 2, 3000)).toBe(true);
      expect(sent.slice(before).map((s) => s.by)).toEqual(['a', 'b']);
    },
    T,
  );

  it(
    'sends every row once, in the order written, with both instances committing at once; then nothing',
    async () => {
      const commitMany = async (x: (typeof instances)[number]) => {
        for (let i = 0; i < COMMITS; i++) {
          await commit(x, 1 + (i % 3));
          if (i % 7 === 0) await new Promise((r) => setTimeout(r, 5));
        }
      };
      await Promise.all(instances.map(commitMany));
      const outbox = instances[0].ds.getRepository(OutboxRecord);
      expect(await waitUntil(async () => (await outbox.count({ where: { publishedAt: IsNull() } })) === 0, 60_000)).toBe(true);

      const rows = await outbox.find({ order: { seq: 'ASC' }, select: { seq: true, eventId: true } });
      const seqOf = new Map(rows.map((r) => [r.eventId, r.seq]));
      expect(sent).toHaveLength(rows.length);
      expect(new Set(sent.map((s) => s.eventId)).size).toBe(rows.length);
      // in the order written: every row after the rows before it (the two relays never overlap)
      const seqs = sent.map((s) => seqOf.get(s.eventId)!);
      const late = seqs.filter((q, i) => i > 0 && q < seqs[i - 1]);
      expect(late).toEqual([]);
      process.stdout.write(`\n  ${rows.length} rows: ${sent.filter((s) => s.by === 'a').length} sent by a, ${sent.filter((s) => s.by === 'b').length} by b\n`);

      // Idle: no statement from either relay (the fallback poll is a minute away).
      await new Promise((r) => setTimeout(r, 500));
      statements.a.length = 0;
      statements.b.length = 0;
      await new Promise((r) => setTimeout(r, 2000));
      expect({ a: statements.a, b: statements.b }).toEqual({ a: [], b: [] });
    },
    T,
  );
});
