import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport, type ReceivedMessage } from '#libs/messaging';
import { KAFKA_BROKERS, requireInfrastructure } from './support/infra.js';
import { committedOffsets, waitForGroupsPast } from './support/kafka-reader.js';
import { waitUntil } from './support/wait.js';

const T = 120_000;

/**
 * Our KafkaTransport (what every service publishes and consumes through) against the broker:
 * order per key, offsets committed only once the handler is done, and a consumer that comes back
 * (a restarted service) resuming where its group left off.
 */
describe('KafkaTransport on the Kafka broker', () => {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const transports: KafkaTransport[] = [];
  const transport = (name: string) => {
    const t = new KafkaTransport({ brokers: KAFKA_BROKERS.split(','), clientId: `it-transport-${name}-${run}` });
    transports.push(t);
    return t;
  };
  const topicOf = (name: string) => `it-transport-${run}-${name}`;
  const seqOf = (m: ReceivedMessage) => Number(JSON.parse(m.value).seq);

  beforeAll(() => requireInfrastructure());
  afterAll(async () => {
    await Promise.allSettled(transports.map((t) => t.close()));
    const admin = new Kafka({ clientId: 'it-transport-cleanup', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(`it-transport-${run}`)) }).catch(() => undefined);
    await admin.disconnect();
  }, T);

  it('delivers each key’s messages in the order published, each key on one partition', async () => {
    const topic = topicOf('order');
    const keys = ['case-a', 'case-b', 'case-c', 'case-d', 'case-e'];
    const producer = transport('order-producer');
    // Several publish calls, keys interleaved within each.
    for (let round = 0; round < 5; round++) {
      await producer.publish(keys.flatMap((key) => [0, 1, 2, 3].map((i) => ({ topic, key, value: JSON.stringify({ key, seq: round * 4 + i }) }))));
    }
    const got: ReceivedMessage[] = [];
    await transport('order-consumer').subscribe(`it-order-${run}`, topic, async (m) => void got.push(m));
    expect(await waitUntil(async () => got.length >= keys.length * 20, 60_000)).toBe(true);
    for (const key of keys) {
      const mine = got.filter((m) => m.key === key);
      expect(mine.map(seqOf)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
    }
    expect(new Set(got.map((m) => m.partition)).size).toBeGreaterThan(1); // the keys did spread
    expect(got).toHaveLength(keys.length * 20);
  }, T);

  it('commits an offset only after its handler returned: a slow handler holds it, a failing one is delivered again', async () => {
    const topic = topicOf('commit');
    const group = `it-commit-${run}`;
    const key = 'case-commit';
    await transport('commit-producer').publish(Array.from({ length: 10 }, (_, seq) => ({ topic, key, value: JSON.stringify({ seq }) })));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: ReceivedMessage[] = [];
    let failed = false;
    await transport('commit-consumer').subscribe(group, topic, async (m) => {
      seen.push(m);
      if (seqOf(m) === 4) await gate; // a slow handler
      if (seqOf(m) === 7 && !failed) {
        failed = true;
        throw new Error('handler failed once');
      }
    });
    expect(await waitUntil(async () => seen.some((m) => seqOf(m) === 4), 60_000)).toBe(true);
    const held = seen.find((m) => seqOf(m) === 4)!;
    // While its handler runs, the group has not committed past it (Kafka commits the next offset to read).
    const whileHeld = await committedOffsets(topic, [group], held.partition!);
    expect(whileHeld[group]).toBeLessThanOrEqual(BigInt(held.offset!));
    expect(seen.map(seqOf)).toEqual([0, 1, 2, 3, 4]);
    release();
    const last = await waitUntil(async () => seen.filter((m) => seqOf(m) === 9).length >= 1, 60_000);
    expect(last).toBe(true);
    await waitForGroupsPast(topic, [group], held.partition!, seen.find((m) => seqOf(m) === 9)!.offset!);
    // The failure of 7 was not committed over: 7 came again, and nothing after it was lost or doubled.
    const order = seen.map(seqOf);
    expect(order.filter((s) => s === 7)).toHaveLength(2);
    expect([...new Set(order)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order.slice(order.lastIndexOf(7))).toEqual([7, 8, 9]);
  }, T);

  it('a consumer that comes back (a restarted service) resumes after what its group handled, and a new producer publishes on', async () => {
    const topic = topicOf('resume');
    const group = `it-resume-${run}`;
    const key = 'case-resume';
    const first = transport('resume-1');
    await first.publish(Array.from({ length: 5 }, (_, seq) => ({ topic, key, value: JSON.stringify({ seq }) })));
    const before: number[] = [];
    let lastOffset = '';
    let partition = -1;
    await first.subscribe(group, topic, async (m) => {
      before.push(seqOf(m));
      lastOffset = m.offset!;
      partition = m.partition!;
    });
    expect(await waitUntil(async () => before.length === 5, 60_000)).toBe(true);
    await waitForGroupsPast(topic, [group], partition, lastOffset);
    await first.close();

    // Meanwhile, published by another process's transport.
    await transport('resume-producer').publish(Array.from({ length: 5 }, (_, i) => ({ topic, key, value: JSON.stringify({ seq: 5 + i }) })));
    const after: number[] = [];
    await transport('resume-2').subscribe(group, topic, async (m) => void after.push(seqOf(m)));
    expect(await waitUntil(async () => after.length >= 5, 60_000)).toBe(true);
    expect(before).toEqual([0, 1, 2, 3, 4]);
    expect(after).toEqual([5, 6, 7, 8, 9]);
  }, T);
});
