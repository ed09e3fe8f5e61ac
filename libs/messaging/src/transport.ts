/** A message as it travels: the key is the case id, so one case's events stay in order. */
export interface TransportMessage {
  topic: string;
  key: string;
  value: string;
}

export interface ReceivedMessage extends TransportMessage {
  partition?: number;
  offset?: string;
}

/**
 * What a service needs from the broker. Kafka in distributed mode, an in-process bus in
 * embedded mode; outbox relay and event server are written once against this port.
 */
export interface EventTransport {
  /** Publishes in order; resolves when the broker has acknowledged every message. */
  publish(messages: TransportMessage[]): Promise<void>;
  /** Delivers every message of the topic to this consumer group, one at a time, in order per key. */
  subscribe(group: string, topic: string, onMessage: (m: ReceivedMessage) => Promise<void>): Promise<void>;
  /**
   * Optional: delivers the messages as the broker fetched them, a batch of one partition at a
   * time in order; the batch is acknowledged once the promise resolves (a throw: delivered again).
   */
  subscribeBatch?(group: string, topic: string, onBatch: (ms: ReceivedMessage[]) => Promise<void>): Promise<void>;
  /** Resolves when the broker answers and no consumer has crashed (readiness); throws with why otherwise. */
  ping?(): Promise<void>;
  /** Messages of `topic` the consumer group has yet to handle, by partition (metrics). */
  lag?(group: string, topic: string): Promise<Array<{ partition: number; messages: number }>>;
  close(): Promise<void>;
}
