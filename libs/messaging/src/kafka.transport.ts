import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type KafkaMessage, type Producer, type LogEntry } from 'kafkajs';
import { Logger } from '@nestjs/common';
import type { EventTransport, ReceivedMessage, TransportMessage } from './transport.js';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  /** Partitions of the topics this service creates if they are missing. */
  partitions?: number;
  sessionTimeoutMs?: number;
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The Kafka consumer group of a service on a topic: `<topic>.<service>`. A group is one group on
 * the whole cluster, whatever its members subscribe to: two deployments (or two test runs) on one
 * cluster with topics of their own but the same group names would rebalance each other and could
 * leave a member with no partition of its topic. Naming the group after the topic makes that
 * impossible to misconfigure.
 */
export const consumerGroupId = (topic: string, group: string): string => `${topic}.${group}`;

/**
 * The client's retries (connections, metadata, admin, consumers): bounded, so a call to a broker
 * that stays away fails and its caller (the relay, readiness) says so.
 */
export const CLIENT_RETRY = { retries: 8, initialRetryTime: 200 } as const;

/**
 * The idempotent producer's own retries: unlimited, with the pause between attempts capped. kafkajs
 * warns that limiting them "may invalidate EoS guarantees" — a send given up on may have been
 * written by the broker, and the next batch would then reuse its sequence numbers; the producer
 * used to inherit the client's 8 retries and printed that warning at every start. A send that
 * still fails (a non-retriable error) drops the producer: the next publish starts a new producer
 * id, so no sequence number is ever reused, and the outbox relay publishes the rows again
 * (consumers drop a copy by event id).
 */
export const PRODUCER_RETRY = { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 } as const;

/** The producer's options: idempotent (acks from all replicas), one request in flight, its own retries. */
export const producerOptions = () => ({ idempotent: true, maxInFlightRequests: 1, retry: { ...PRODUCER_RETRY }, createPartitioner: Partitioners.DefaultPartitioner });

/**
 * kafkajs behind the EventTransport port: an idempotent producer (acks from all replicas) and
 * one consumer per group that commits an offset only after the handler has returned.
 */
export class KafkaTransport implements EventTransport {
  private readonly logger = new Logger(KafkaTransport.name);
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private readonly consumers: Consumer[] = [];
  private readonly ensured = new Set<string>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      retry: { ...CLIENT_RETRY },
      logCreator: () => (entry: LogEntry) => {
        const level = LEVEL_NAMES[entry.level] ?? 'log';
        this.logger[level](`${entry.namespace}: ${entry.log.message}`);
      },
    });
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !this.ensured.has(t));
    if (!missing.length) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const create = missing.filter((t) => !existing.has(t));
      if (create.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: create.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 3, replicationFactor: 1 })),
        });
      }
      missing.forEach((t) => this.ensured.add(t));
    } finally {
      await admin.disconnect();
    }
  }

  async publish(messages: TransportMessage[]): Promise<void> {
    if (!messages.length) return;
    if (!this.producer) {
      const producer = this.kafka.producer(producerOptions());
      await producer.connect();
      this.producer = producer;
    }
    const producer = this.producer;
    await this.ensureTopics([...new Set(messages.map((m) => m.topic))]);
    const byTopic = new Map<string, TransportMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, ms]) => ({ topic, messages: ms.map((m) => ({ key: m.key, value: m.value })) })),
      });
    } catch (e) {
      // A new producer id for the next publish (see PRODUCER_RETRY).
      if (this.producer === producer) this.producer = null;
      await producer.disconnect().catch(() => undefined);
      throw e;
    }
  }

  async subscribe(group: string, topic: string, onMessage: (m: ReceivedMessage) => Promise<void>): Promise<void> {
    const consumer = await this.consumer(group, topic);
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic: t, partition, message, heartbeat }) => {
        const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
        try {
          await onMessage(received(t, partition, message));
        } finally {
          clearInterval(beat);
        }
      },
    });
  }

  async subscribeBatch(group: string, topic: string, onBatch: (ms: ReceivedMessage[]) => Promise<void>): Promise<void> {
    const consumer = await this.consumer(group, topic);
    await consumer.run({
      autoCommit: true,
      // The batch's offsets are resolved (then committed) only once it has been handled whole.
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        if (!batch.messages.length) return;
        const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
        try {
          await onBatch(batch.messages.map((m) => received(batch.topic, batch.partition, m)));
        } finally {
          clearInterval(beat);
        }
      },
    });
  }

  private async consumer(group: string, topic: string): Promise<Consumer> {
    await this.ensureTopics([topic]);
    const consumer = this.kafka.consumer({ groupId: consumerGroupId(topic, group), sessionTimeout: this.options.sessionTimeoutMs ?? 10000, heartbeatInterval: 1000 });
    consumer.on(consumer.events.CRASH, (e) => {
      // kafkajs restarts a consumer after a retriable crash; one it gives up on leaves the process not ready.
      if (!e.payload.restart) this.crashed = `${group}: ${e.payload.error?.message ?? 'crashed'}`;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    this.consumers.push(consumer);
    return consumer;
  }

  /** A consumer that crashed without restarting: this process no longer follows the topic. */
  private crashed: string | null = null;
  private probe: Admin | null = null;

  private async admin(): Promise<Admin> {
    if (!this.probe) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.probe = admin;
    }
    return this.probe;
  }

  async ping(): Promise<void> {
    if (this.crashed) throw new Error(`a consumer crashed: ${this.crashed}`);
    const { brokers } = await (await this.admin()).describeCluster();
    if (!brokers.length) throw new Error('no broker in the cluster');
  }

  /** The group's committed offsets against the partitions' ends (what a lag exporter reads). */
  async lag(group: string, topic: string): Promise<Array<{ partition: number; messages: number }>> {
    const admin = await this.admin();
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: consumerGroupId(topic, group), topics: [topic] })]);
    const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.map((e) => {
      const done = at.get(e.partition) ?? -1;
      return { partition: e.partition, messages: Math.max(0, Number(e.high) - (done < 0 ? Number(e.low) : done)) };
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    if (this.probe) await this.probe.disconnect().catch(() => undefined);
    if (this.producer) await this.producer.disconnect().catch(() => undefined);
  }
}

function received(topic: string, partition: number, message: KafkaMessage): ReceivedMessage {
  return { topic, partition, offset: message.offset, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' };
}
