import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_BROKERS } from './infra.js';
import { consumerGroupId } from '#libs/messaging';

export interface RawMessage {
  key: string;
  value: string;
  partition: number;
  offset: string;
  /** The producer's timestamp (ms): when the outbox relay published it. */
  timestamp: number;
}

/** Reads a topic from the beginning with a plain kafkajs consumer until `done` holds (or timeout). */
export async function readTopic(topic: string, done: (msgs: RawMessage[]) => boolean, timeoutMs = 30000): Promise<RawMessage[]> {
  const kafka = new Kafka({ clientId: 'it-reader', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `it-reader-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const msgs: RawMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        msgs.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', partition, offset: message.offset, timestamp: Number(message.timestamp) });
      },
    });
    const until = Date.now() + timeoutMs;
    while (!done(msgs) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    return msgs;
  } finally {
    await consumer.disconnect();
  }
}

function client(id: string): Kafka {
  return new Kafka({ clientId: id, brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
}

/**
 * Every message of the topic up to its end as of the call (the high watermark of each partition):
 * what was published before the call is all there, with no read window to guess. A topic that
 * does not exist (e.g. a dead-letter topic nobody wrote to) reads as empty.
 */
export async function readTopicToEnd(topic: string, timeoutMs = 30000): Promise<RawMessage[]> {
  const admin = client('it-reader-admin').admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const done = (msgs: RawMessage[]) => [...ends].every(([partition, high]) => high === 0n || msgs.some((m) => m.partition === partition && BigInt(m.offset) >= high - 1n));
  const msgs = await readTopic(topic, done, timeoutMs);
  if (!done(msgs)) throw new Error(`${topic}: not read to its end within ${timeoutMs} ms`);
  return msgs.filter((m) => BigInt(m.offset) < ends.get(m.partition)!);
}

/** The offset each service's consumer group (named as KafkaTransport names it) has committed on one partition of the topic (-1: none yet). */
export async function committedOffsets(topic: string, groups: readonly string[], partition: number): Promise<Record<string, bigint>> {
  const admin = client('it-offsets').admin();
  await admin.connect();
  try {
    const out: Record<string, bigint> = {};
    for (const groupId of groups) {
      const [t] = await admin.fetchOffsets({ groupId: consumerGroupId(topic, groupId), topics: [topic] });
      out[groupId] = BigInt(t?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every group has committed an offset past the message at `offset` (Kafka commits
 * the next offset to read): each has handled it, and its effect — or its dead letter — is in.
 */
export async function waitForGroupsPast(topic: string, groups: readonly string[], partition: number, offset: string, timeoutMs = 60000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: Record<string, bigint>;
  for (;;) {
    last = await committedOffsets(topic, groups, partition);
    if (Object.values(last).every((o) => o > BigInt(offset))) return;
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${topic}[${partition}]: groups not past offset ${offset} after ${timeoutMs} ms: ${JSON.stringify(last, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}
