import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createEvent, deadLetterTopic, encodeEvent } from '#libs/contracts';
import { CaseEventServer, DeadLetterBox, KafkaTransport, MESSAGING_ENTITIES, type CaseEventContext } from '#libs/messaging';
import { dataSourceOptions, ensureDatabase, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { KAFKA_BROKERS, MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { readTopicToEnd, waitForGroupsPast, type RawMessage } from './support/kafka-reader.js';
import { waitUntil } from './support/wait.js';

const T = 120_000;
const ID_NUMBER = '450302199001011232';
const MOBILE = '13900001111';

/**
 * Dead letters on Kafka, with the event server as every service runs it (three attempts): a
 * message that fails validation and one whose handler keeps throwing go to `<topic>.dlt` with
 * their reason, personal data masked, and the partition moves on to the next event. Each is
 * also a row of the service's dead_letter table in MariaDB, which the administrator replays
 * after the cause is fixed (applied once) or discards.
 */
describe('dead letters on the Kafka broker', () => {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const topic = `it-dlt-${run}`;
  const group = `it-dlt-consumer-${run}`;
  const prefix = `pit_dlt_${run}_`;
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const db: DatabaseConfig = mysqlConfigFromUrl(`${base}${prefix}`);
  let ds: DataSource;
  let transport: KafkaTransport;
  let server: CaseEventServer;
  let producer: Producer;
  const kafka = new Kafka({ clientId: `it-dlt-${run}`, brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const attempts = new Map<string, number>();
  /** Cases whose handler fails (a broken row, say) until the test "fixes" them. */
  const broken = new Set<string>();

  beforeAll(async () => {
    await requireInfrastructure();
    await ensureDatabase('consumer', db);
    ds = await new DataSource({ ...(dataSourceOptions('consumer', db, MESSAGING_ENTITIES, []) as object), synchronize: true } as never).initialize();
    await ds.query('CREATE TABLE effect (eventId VARCHAR(36) PRIMARY KEY, note TEXT NOT NULL)');
    transport = new KafkaTransport({ brokers: KAFKA_BROKERS.split(','), clientId: `it-dlt-server-${run}` });
    // No maxAttempts: the default, as the services run it.
    server = new CaseEventServer({ group, topic, transport, dataSource: ds });
    server.addHandler(
      'case.supervised',
      async (event: { eventId: string; payload: { note: string } }, ctx: CaseEventContext) => {
        attempts.set(event.eventId, (attempts.get(event.eventId) ?? 0) + 1);
        await ctx.manager.query('INSERT INTO effect (eventId, note) VALUES (?, ?)', [event.eventId, event.payload.note]);
        if (event.payload.note.startsWith('poison')) throw new Error(`petitioner ${ID_NUMBER} (mobile ${MOBILE}) not found`);
        if (broken.has((event as unknown as { caseId: string }).caseId)) throw new Error(`case row unreadable (${MOBILE})`);
      },
      true,
    );
    await new Promise<void>((resolve, reject) => void server.listen((e?: unknown) => (e ? reject(e) : resolve())));
    producer = kafka.producer();
    await producer.connect();
  }, T);

  afterAll(async () => {
    await producer?.disconnect();
    await server?.close();
    await ds?.query(`DROP DATABASE IF EXISTS \`${prefix}consumer\``);
    await ds?.destroy();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(topic)) }).catch(() => undefined);
    await admin.disconnect();
  }, T);

  it(
    'sends an invalid message and a poison one to <topic>.dlt with the reason, masked, and applies the event after them',
    async () => {
      const caseId = randomUUID();
      const supervised = (note: string) => createEvent('case.supervised', caseId, { note, automatic: false }, { username: 'office1' }, new Date());
      const poison = supervised(`poison: call ${MOBILE}`);
      const valid = supervised('督办：请于五日内答复');
      const invalid = JSON.stringify({ eventId: randomUUID(), type: 'case.supervised', version: 1, caseId, payload: { note: `身份证 ${ID_NUMBER}` } });
      // One key: one partition, in this order.
      const [sent] = await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: caseId, value: invalid },
          { key: caseId, value: encodeEvent(poison) },
          { key: caseId, value: encodeEvent(valid) },
        ],
      });
      const partition = sent.partition;
      const lastOffset = String(BigInt(sent.baseOffset!) + 2n);

      // The partition moved on: the event after the two bad ones is applied, and the group committed past it.
      expect(await waitUntil(async () => (await ds.query('SELECT eventId FROM effect WHERE eventId = ?', [valid.eventId])).length === 1, 60_000)).toBe(true);
      await waitForGroupsPast(topic, [group], partition, lastOffset);
      expect(attempts.get(valid.eventId)).toBe(1);
      expect(attempts.get(poison.eventId)).toBe(3); // production's three attempts
      // The poison handler's effect rolled back with each attempt; its id is not recorded as processed.
      expect(await ds.query('SELECT eventId FROM effect WHERE eventId = ?', [poison.eventId])).toEqual([]);
      expect(await ds.query('SELECT eventId FROM processed_event WHERE eventId IN (?, ?)', [poison.eventId, valid.eventId])).toEqual([{ eventId: valid.eventId }]);

      // Read back with a plain kafkajs consumer.
      const dead = (await readTopicToEnd(deadLetterTopic(topic))).map((m: RawMessage) => ({ raw: m.value, key: m.key, ...JSON.parse(m.value) }));
      expect(dead).toHaveLength(2);
      const [first, second] = dead.sort((a, b) => Number(a.source.offset) - Number(b.source.offset));
      expect(first).toMatchObject({ key: caseId, group, source: { topic, partition, offset: sent.baseOffset, key: caseId }, reason: expect.stringMatching(/occurredAt|actor/) });
      expect(second).toMatchObject({ key: caseId, group, source: { topic, partition, offset: String(BigInt(sent.baseOffset!) + 1n) }, reason: expect.stringMatching(/^handler failed 3 times: /) });
      expect(second.reason).toContain('450302********1232');
      expect(second.reason).toContain('139****1111');
      expect(JSON.parse(second.value).eventId).toBe(poison.eventId);
      expect(first.value).toContain('450302********1232');
      for (const d of dead) {
        expect(d.raw).not.toContain(ID_NUMBER);
        expect(d.raw).not.toContain(MOBILE);
      }
      process.stdout.write(`\n  dead letters: ${dead.map((d) => d.reason).join(' | ')}\n`);

      // Both are rows of the dead_letter table in MariaDB, masked: neither can be replayed as it came.
      const rows = await ds.query('SELECT * FROM dead_letter WHERE caseId = ? ORDER BY sourceOffset', [caseId]);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ eventType: 'case.supervised', sourcePartition: partition, sourceOffset: sent.baseOffset, attempts: 1, status: 'open', topic });
      expect(Boolean(rows[0].valueMasked)).toBe(true);
      expect(rows[1]).toMatchObject({ eventId: poison.eventId, attempts: 3, status: 'open' });
      expect(rows[1].reason).toMatch(/^handler failed 3 times: .*450302\*{8}1232/);
      expect(Boolean(rows[1].valueMasked)).toBe(true); // the note has a mobile in clear
      expect(JSON.stringify(rows)).not.toContain(ID_NUMBER);
      expect(JSON.stringify(rows)).not.toContain(MOBILE);
    },
    T,
  );

  it(
    'replays a dead letter from MariaDB after the fix: applied once, a second replay refused, a redelivery dropped',
    async () => {
      const caseId = randomUUID();
      broken.add(caseId);
      const event = createEvent('case.supervised', caseId, { note: '督办：请核实后答复', automatic: false }, { username: 'office1' }, new Date());
      const [sent] = await producer.send({ topic, acks: -1, messages: [{ key: caseId, value: encodeEvent(event) }] });
      const row = async () => (await ds.query('SELECT * FROM dead_letter WHERE eventId = ?', [event.eventId]))[0];
      expect(await waitUntil(async () => !!(await row()), 60_000)).toBe(true);
      expect(await row()).toMatchObject({ status: 'open', attempts: 3, caseId, value: encodeEvent(event) });
      expect(Boolean((await row()).valueMasked)).toBe(false);

      const box = new DeadLetterBox(ds, server);
      const admin = { username: 'admin', roles: ['admin'] };
      const id = (await row()).id;
      await expect(box.replay(id, admin)).rejects.toMatchObject({ status: 422, code: 'REPLAY_FAILED', message: expect.stringMatching(/^重放失败/) });
      expect(await row()).toMatchObject({ status: 'open', attempts: 4, reason: expect.stringContaining('139****1111') });

      broken.delete(caseId); // the fix
      expect(await box.replay(id, admin)).toMatchObject({ status: 'replayed', resolvedBy: 'admin' });
      expect(await ds.query('SELECT eventId FROM effect WHERE eventId = ?', [event.eventId])).toHaveLength(1);
      expect(await ds.query('SELECT eventId FROM processed_event WHERE eventId = ?', [event.eventId])).toHaveLength(1);
      await expect(box.replay(id, admin)).rejects.toMatchObject({ status: 409 });

      // The broker delivers the same message again: dropped, nothing more applied, still one row.
      const before = attempts.get(event.eventId);
      const [again] = await producer.send({ topic, acks: -1, messages: [{ key: caseId, value: encodeEvent(event) }] });
      await waitForGroupsPast(topic, [group], again.partition, again.baseOffset!);
      expect(attempts.get(event.eventId)).toBe(before);
      expect(await ds.query('SELECT id, status FROM dead_letter WHERE eventId = ?', [event.eventId])).toEqual([{ id, status: 'replayed' }]);
      expect(sent.partition).toBe(again.partition);
    },
    T,
  );
});
