import type { EventTransport, ReceivedMessage, TransportMessage } from './transport.js';

interface Delivery {
  message: ReceivedMessage;
  done: () => void;
}

interface Subscription {
  group: string;
  topic: string;
  onMessage: (m: ReceivedMessage) => Promise<void>;
  queue: Delivery[];
  draining: Promise<void> | null;
}

const KEPT_PER_TOPIC = 1000;

/**
 * The embedded broker. Each consumer group gets every message of its topic, one at a time, in
 * publish order. `publish` resolves only once every subscribed group has handled the message,
 * so the outbox relay marks a row published only after all consumers applied it: a crash in
 * between re-publishes it on the next start, and the consumers' processed-event records drop
 * the copy. Nothing here needs to be durable. The last messages of each topic are kept for
 * inspection (the dead-letter topic, tests).
 */
export class InProcessBus {
  private readonly recent = new Map<string, ReceivedMessage[]>();
  private readonly subs: Subscription[] = [];
  private offset = 0;

  async publish(messages: TransportMessage[]): Promise<void> {
    const deliveries: Promise<void>[] = [];
    for (const m of messages) {
      const received: ReceivedMessage = { ...m, partition: 0, offset: String(this.offset++) };
      const kept = this.recent.get(m.topic) ?? [];
      kept.push(received);
      if (kept.length > KEPT_PER_TOPIC) kept.shift();
      this.recent.set(m.topic, kept);
      for (const s of this.subs) if (s.topic === m.topic) deliveries.push(new Promise((done) => this.enqueue(s, { message: received, done })));
    }
    await Promise.all(deliveries);
  }

  subscribe(group: string, topic: string, onMessage: (m: ReceivedMessage) => Promise<void>): void {
    this.subs.push({ group, topic, onMessage, queue: [], draining: null });
  }

  unsubscribe(group: string): void {
    for (let i = this.subs.length - 1; i >= 0; i--) {
      if (this.subs[i].group !== group) continue;
      // Release publishers waiting on this group: the outbox re-publishes what it did not see.
      for (const d of this.subs[i].queue) d.done();
      this.subs.splice(i, 1);
    }
  }

  /** Messages delivered to the group's subscriptions and not yet handled. */
  pending(group: string, topic: string): number {
    return this.subs.filter((s) => s.group === group && s.topic === topic).reduce((n, s) => n + s.queue.length + (s.draining ? 1 : 0), 0);
  }

  messages(topic: string): readonly ReceivedMessage[] {
    return this.recent.get(topic) ?? [];
  }

  private enqueue(sub: Subscription, d: Delivery): void {
    sub.queue.push(d);
    if (!sub.draining) sub.draining = this.drain(sub);
  }

  private async drain(sub: Subscription): Promise<void> {
    await Promise.resolve();
    while (sub.queue.length) {
      const d = sub.queue.shift()!;
      try {
        await sub.onMessage(d.message);
      } catch {
        // A consumer that is closing gives a message back; nothing here redelivers it.
      } finally {
        d.done();
      }
    }
    sub.draining = null;
  }
}

export class InProcessTransport implements EventTransport {
  private groups: string[] = [];
  constructor(private readonly bus: InProcessBus) {}
  publish(messages: TransportMessage[]): Promise<void> {
    return this.bus.publish(messages);
  }
  async subscribe(group: string, topic: string, onMessage: (m: ReceivedMessage) => Promise<void>): Promise<void> {
    this.groups.push(group);
    this.bus.subscribe(group, topic, onMessage);
  }
  /** The bus is this process's memory: up while the process is. */
  async ping(): Promise<void> {}

  async lag(group: string, topic: string): Promise<Array<{ partition: number; messages: number }>> {
    return [{ partition: 0, messages: this.bus.pending(group, topic) }];
  }

  async close(): Promise<void> {
    for (const g of this.groups) this.bus.unsubscribe(g);
  }
}
