import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createEvent, deadLetterTopic, encodeEvent } from '#libs/contracts';
import { CaseEventServer, KafkaTransport, MESSAGING_ENTITIES, type CaseEventContext } from '#libs/messaging';
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
 * their reason, personal data masked, and the partition moves on to the next event.
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

  it('sends an invalid message and a poison one to <topic>.dlt with the reason, masked, and applies the event after them', async () => {
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
  }, T);
});
