/**
 * Proves that kafkajs (the client the services use) works against the real
 * local Kafka broker started by `deploy/local/kafka/kafka.sh start`
 * (KRaft single node, default 127.0.0.1:9092; override with KAFKA_BROKERS).
 *
 * Covers: admin topic creation (3 partitions), keyed produce, consumer-group
 * consumption (exactly once, per-partition order, key -> single partition),
 * offset commit + resume by a new member of the same group, and a rebalance
 * that splits the partitions between two members of one group.
 *
 * A missing broker is a FAILURE, never a skip.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Admin, Consumer, ConsumerConfig, Producer } from 'kafkajs';

// Generous per-test/hook timeout (passed explicitly: works for CJS and ESM jest).
const TIMEOUT = 120_000;

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b.length > 0);
const IS_CI = process.env.CI === 'true';
const RUN_ID = `${Date.now().toString(36)}-${process.pid}-${randomBytes(3).toString('hex')}`;
const TOPIC = `it-kafka-broker-${RUN_ID}`;
const PARTITIONS = 3;
// Fixed keys: the topic is unique per run and murmur2 is deterministic, so
// these keys always spread over all 3 partitions (asserted below).
const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);

const kafka = new Kafka({
  clientId: `it-kafka-broker-${RUN_ID}`,
  brokers: BROKERS,
  // kafkajs logs transient, retried errors (e.g. "group coordinator not
  // available" while __consumer_offsets is created) at ERROR level; keep the
  // output quiet unless asked for.
  logLevel: process.env.KAFKAJS_LOG_LEVEL === 'debug' ? logLevel.DEBUG : logLevel.NOTHING,
  connectionTimeout: 5_000,
  requestTimeout: 30_000,
  retry: { initialRetryTime: 200, retries: 8 },
});

type Phase = 'p1' | 'p2' | 'p3';

interface Payload {
  key: string;
  seq: number;
  phase: Phase;
}

interface Received extends Payload {
  consumer: string;
  partition: number;
  offset: number;
}

const produced: Payload[] = [];
let admin: Admin;
let brokerDown = false;
let producer: Producer;
const openConsumers = new Set<Consumer>();

function id(p: Payload): string {
  return `${p.phase}/${p.key}/${p.seq}`;
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 45_000, details: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}. ${details()}`);
}

/** Produce `perKey` messages for every key, interleaved, in a few send() calls. */
async function produce(phase: Phase, perKey: number): Promise<Payload[]> {
  const batch: Payload[] = [];
  for (let seq = 0; seq < perKey; seq++) {
    for (const key of KEYS) batch.push({ key, seq, phase });
  }
  const chunk = 20;
  for (let i = 0; i < batch.length; i += chunk) {
    const part = batch.slice(i, i + chunk);
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: part.map((p) => ({
        key: p.key,
        value: JSON.stringify(p),
        headers: { phase: p.phase },
      })),
    });
  }
  produced.push(...batch);
  return batch;
}

function newConsumer(groupId: string, extra: Partial<ConsumerConfig> = {}): Consumer {
  const c = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 250,
    retry: { initialRetryTime: 200, retries: 10 },
    ...extra,
  });
  openConsumers.add(c);
  return c;
}

async function closeConsumer(c: Consumer): Promise<void> {
  openConsumers.delete(c);
  await c.disconnect();
}

/** Start `consumer`, pushing every message into `sink`. */
async function startCollecting(consumer: Consumer, name: string, sink: Received[], opts: { autoCommit?: boolean; assignments?: number[][] } = {}): Promise<void> {
  if (opts.assignments) {
    const assignments = opts.assignments;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      assignments.push([...(e.payload.memberAssignment[TOPIC] ?? [])].sort());
    });
  }
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  await consumer.run({
    autoCommit: opts.autoCommit ?? true,
    eachMessage: async ({ partition, message }) => {
      const value = JSON.parse(message.value!.toString()) as Payload;
      const key = message.key?.toString();
      if (key !== value.key) {
        throw new Error(`key mismatch at ${partition}@${message.offset}: ${key} vs ${value.key}`);
      }
      sink.push({ ...value, consumer: name, partition, offset: Number(message.offset) });
    },
  });
}

async function highWatermarks(): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

async function committedOffsets(groupId: string): Promise<Map<number, number>> {
  const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
  return new Map(topic.partitions.map((p) => [p.partition, Number(p.offset)]));
}

function countBy<T>(xs: T[], f: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(f(x), (m.get(f(x)) ?? 0) + 1);
  return m;
}

function expectExactlyOnce(received: Received[], expected: Payload[]): void {
  const dupes = [...countBy(received, id)].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
  expect(dupes).toEqual([]);
  expect(received.map(id).sort()).toEqual(expected.map(id).sort());
}

/** Every key lives in one partition, and each partition holds its keys in produce order. */
function expectPartitionOrder(received: Received[], expected: Payload[]): void {
  const partitionOfKey = new Map<string, number>();
  for (const r of received) {
    const p = partitionOfKey.get(r.key);
    if (p !== undefined && p !== r.partition) {
      throw new Error(`key ${r.key} seen in partitions ${p} and ${r.partition}`);
    }
    partitionOfKey.set(r.key, r.partition);
  }
  for (let p = 0; p < PARTITIONS; p++) {
    const got = received.filter((r) => r.partition === p);
    // delivery order == offset order within a partition
    const offsets = got.map((r) => r.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    // ... and == produce order of the keys that hash to that partition
    const want = expected.filter((e) => partitionOfKey.get(e.key) === p).map(id);
    expect(got.map(id)).toEqual(want);
  }
}

beforeAll(async () => {
  admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (e) {
    await admin.disconnect().catch(() => undefined);
    brokerDown = true;
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new Error(
      `Kafka broker not reachable at ${BROKERS.join(',')} (${why}). ` +
        `Start the local broker with \`deploy/local/kafka/kafka.sh start\` or point KAFKA_BROKERS at one.` +
        (IS_CI ? ' CI=true: this integration test requires a running broker; .ci/run must start it before jest.' : ''),
      { cause: e },
    );
  }

  const created = await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
    timeout: 30_000,
  });
  expect(created).toBe(true);

  producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
}, TIMEOUT);

afterAll(async () => {
  for (const c of [...openConsumers]) await closeConsumer(c).catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  if (admin && !brokerDown) {
    await admin.deleteTopics({ topics: [TOPIC], timeout: 30_000 }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}, TIMEOUT);

describe(`kafkajs against the broker at ${BROKERS.join(',')}`, () => {
  it(
    'admin created the topic with 3 partitions, each with a leader',
    async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
      expect(topics).toHaveLength(1);
      const partitions = topics[0].partitions;
      expect(partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      for (const p of partitions) {
        expect(p.partitionErrorCode).toBe(0);
        expect(p.leader).toBeGreaterThanOrEqual(0);
      }
    },
    TIMEOUT,
  );

  it(
    'a consumer group receives every keyed message exactly once, in per-partition key order',
    async () => {
      const batch = await produce('p1', 5); // 12 keys x 5 = 60 messages
      const high = await highWatermarks();
      expect([...high.values()].reduce((a, b) => a + b, 0)).toBe(batch.length);
      // the fixed keys spread over all partitions (needed by the rebalance test)
      expect([...high.values()].every((n) => n > 0)).toBe(true);

      const got: Received[] = [];
      const consumer = newConsumer(`it-g1-${RUN_ID}`);
      await startCollecting(consumer, 'c1', got);
      await waitFor(
        `${batch.length} messages`,
        () => got.length >= batch.length,
        45_000,
        () => `got ${got.length}`,
      );
      // Whatever the member was handed is in once the group has committed every partition's end.
      await waitFor('the group to commit up to the high watermarks', async () => {
        const c = await committedOffsets(`it-g1-${RUN_ID}`);
        return [...high].every(([p, n]) => c.get(p) === n);
      });
      await closeConsumer(consumer);

      expectExactlyOnce(got, batch);
      expectPartitionOrder(got, batch);
      expect(new Set(got.map((r) => r.partition)).size).toBe(PARTITIONS);
    },
    TIMEOUT,
  );

  it(
    'commits offsets; a new consumer in the same group resumes after the committed offset',
    async () => {
      const groupId = `it-g2-${RUN_ID}`;
      const high = await highWatermarks();
      const existing = produced.slice(); // everything in the topic so far

      // member A reads everything but commits only the first half of each partition
      const gotA: Received[] = [];
      const a = newConsumer(groupId);
      await startCollecting(a, 'A', gotA, { autoCommit: false });
      await waitFor(
        `A to read ${existing.length} messages`,
        () => gotA.length >= existing.length,
        45_000,
        () => `got ${gotA.length}`,
      );
      const commitAt = new Map([...high].map(([p, n]) => [p, Math.floor(n / 2)]));
      await a.commitOffsets([...commitAt].map(([partition, offset]) => ({ topic: TOPIC, partition, offset: String(offset) })));
      expect(await committedOffsets(groupId)).toEqual(commitAt);
      await closeConsumer(a);
      // autoCommit: false => disconnect must not have moved the committed offsets
      expect(await committedOffsets(groupId)).toEqual(commitAt);
      expectExactlyOnce(gotA, existing);

      // new messages arrive while the group has no member
      const fresh = await produce('p2', 2); // 24 messages

      // member B (fromBeginning: true) must start at the committed offsets, not at 0
      const gotB: Received[] = [];
      const b = newConsumer(groupId);
      const expectedB = [...gotA.filter((r) => r.offset >= commitAt.get(r.partition)!), ...fresh];
      await startCollecting(b, 'B', gotB);
      await waitFor(
        `B to read ${expectedB.length} messages`,
        () => gotB.length >= expectedB.length,
        45_000,
        () => `got ${gotB.length}`,
      );
      // B auto-commits: once the group is at the end of every partition, B has been handed all it will be.
      const end = await highWatermarks();
      await waitFor('B auto-commit to reach the high watermarks', async () => {
        const c = await committedOffsets(groupId);
        return [...end].every(([p, n]) => c.get(p) === n);
      });

      const redelivered = gotB.filter((r) => r.offset < commitAt.get(r.partition)!);
      expect(redelivered.map(id)).toEqual([]);
      expectExactlyOnce(gotB, expectedB);
      for (let p = 0; p < PARTITIONS; p++) {
        const first = gotB.find((r) => r.partition === p);
        expect(first?.offset).toBe(commitAt.get(p));
      }
      await closeConsumer(b);
    },
    TIMEOUT,
  );

  it(
    'rebalances: a second member takes over part of the partitions and new messages arrive exactly once',
    async () => {
      const groupId = `it-g3-${RUN_ID}`;
      const existing = produced.slice();
      const got: Received[] = [];
      const joins1: number[][] = [];
      const joins2: number[][] = [];

      // member 1 alone: owns all partitions, drains the topic and commits
      const c1 = newConsumer(groupId);
      await startCollecting(c1, 'c1', got, { assignments: joins1 });
      await waitFor(
        `c1 to read ${existing.length} messages`,
        () => got.length >= existing.length,
        45_000,
        () => `got ${got.length}`,
      );
      expect(joins1[joins1.length - 1]).toEqual([0, 1, 2]);
      const high = await highWatermarks();
      await waitFor('c1 to commit up to the high watermarks', async () => {
        const c = await committedOffsets(groupId);
        return [...high].every(([p, n]) => c.get(p) === n);
      });

      // member 2 joins: the group rebalances and splits the partitions
      const c2 = newConsumer(groupId);
      await startCollecting(c2, 'c2', got, { assignments: joins2 });
      const last = (j: number[][]) => j[j.length - 1] ?? [];
      await waitFor(
        'partitions to be split between c1 and c2',
        () => {
          const a1 = last(joins1);
          const a2 = last(joins2);
          return joins1.length >= 2 && a1.length > 0 && a2.length > 0 && a1.every((p) => !a2.includes(p)) && [...a1, ...a2].sort().join(',') === '0,1,2';
        },
        60_000,
        () => `c1 joins ${JSON.stringify(joins1)}, c2 joins ${JSON.stringify(joins2)}`,
      );
      const own1 = last(joins1);
      const own2 = last(joins2);

      // messages produced after the rebalance are split by ownership, exactly once overall
      const fresh = await produce('p3', 3); // 36 messages
      const all = [...existing, ...fresh];
      await waitFor(
        `${all.length} messages across c1+c2`,
        () => got.length >= all.length,
        45_000,
        () => `got ${got.length}`,
      );
      const end = await highWatermarks();
      await waitFor('the two members to commit up to the high watermarks', async () => {
        const c = await committedOffsets(groupId);
        return [...end].every(([p, n]) => c.get(p) === n);
      });

      expectExactlyOnce(got, all); // nothing committed before the rebalance came again
      const after = got.filter((r) => r.phase === 'p3');
      expectExactlyOnce(after, fresh);
      expectPartitionOrder(after, fresh);
      for (const r of after) {
        expect(r.consumer === 'c1' ? own1 : own2).toContain(r.partition);
      }
      expect(after.some((r) => r.consumer === 'c1')).toBe(true);
      expect(after.some((r) => r.consumer === 'c2')).toBe(true);
      // the group as seen by the broker has two members
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0].state).toBe('Stable');
      expect(groups[0].members).toHaveLength(2);

      await closeConsumer(c2);
      await closeConsumer(c1);
    },
    TIMEOUT,
  );
});
