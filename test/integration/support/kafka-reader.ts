import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_BROKERS } from './infra.js';

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
