import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { BaseRpcContext, EventPattern, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { deadLetterTopic, InvalidEventError, parseEvent, validateEvent, type EventEnvelope, type EventType } from '#libs/contracts';
import { maskText, metrics, withLogContext } from '#libs/common';
import { exclusive, insertRows } from '#libs/persistence';
import { storeDeadLetter, type DeadLetterInput } from './dead-letters.js';
import type { EventGate } from './event-gate.js';
import { ProcessedEventRecord } from './entities.js';
import { appendToOutbox } from './outbox.js';
import type { EventTransport, ReceivedMessage } from './transport.js';

/** What an @EventPattern handler gets besides the event: the transaction its effect joins. */
export class CaseEventContext extends BaseRpcContext<[EntityManager, EventEnvelope, Array<() => Promise<void>>, EventEnvelope[]]> {
  get manager(): EntityManager {
    return this.args[0];
  }
  get event(): EventEnvelope {
    return this.args[1];
  }
  /** Runs once the handler's transaction has committed (e.g. arming timers it decided on). */
  afterCommit(fn: () => Promise<void>): void {
    this.args[2].push(fn);
  }
  /** Events this handler causes: they go to the outbox in the handler's transaction. */
  emit(...events: EventEnvelope[]): void {
    this.args[3].push(...events);
  }
}

export interface CaseEventServerOptions {
  group: string;
  topic: string;
  transport: EventTransport;
  dataSource: DataSource;
  /** Attempts for a handler that throws before the message goes to the dead-letter topic. */
  maxAttempts?: number;
  /** Called after a handler's transaction has committed (the outbox relay's kick). */
  afterCommit?: () => void;
  /** The service's own gate (event-gate.ts): every event passes it before its transaction. */
  gate?: EventGate;
  /**
   * Events of these types applied many at a time (when the transport delivers batches): the
   * run of consecutive such events of a broker batch that are new goes to `apply` in one
   * transaction, with one insert of their processed-event rows. `apply` returns the events it
   * could not apply (`{event}`); then — or when it throws — the transaction is rolled back and
   * the first of them takes the one-message path (retries, dead letter), so a bad event still
   * stops only itself.
   */
  batch?: { types: readonly EventType[]; apply: (events: EventEnvelope[], manager: EntityManager) => Promise<readonly unknown[]> };
}

/**
 * A Nest microservice transport over the case-events topic, the same in both modes: the
 * EventTransport underneath is Kafka or the in-process bus. For each message it validates the
 * envelope and payload (a bad one goes to the dead-letter topic with the reason), then records
 * the event id and runs the @EventPattern handler in one transaction, so a redelivered event is
 * applied once. Events without a handler are still recorded: a service can then tell whether it
 * has seen a given event (read-your-writes across services).
 */
export class CaseEventServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(CaseEventServer.name);
  /**
   * Events this process has applied and committed. A service applies the events it produces in
   * the command's own transaction, so every one of them comes back from the broker once more:
   * those are dropped here without a database round trip (the processed-event table remains
   * the record; this only spares the lookup).
   */
  private readonly appliedHere = new RecentIds(100_000);
  /** Set by close(): a dead letter still waiting for its database or topic is left for redelivery. */
  private closed = false;

  constructor(private readonly options: CaseEventServerOptions) {
    super();
  }

  async listen(callback: (...params: unknown[]) => void): Promise<void> {
    try {
      const { transport, group, topic } = this.options;
      if (transport.subscribeBatch) await transport.subscribeBatch(group, topic, (ms) => this.receiveBatch(ms));
      else await transport.subscribe(group, topic, (m) => this.receive(m));
      callback();
    } catch (e) {
      callback(e);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.options.transport.close();
  }

  on(): void {
    /* no transport-level events to expose */
  }

  unwrap<T>(): T {
    return this.options.transport as T;
  }

  /**
   * Public for tests: process one received message. Never throws, except once the server is
   * closing with a dead letter not yet stored and published: the message is then not
   * acknowledged (Kafka delivers it again after the restart).
   */
  async receive(message: ReceivedMessage, attemptsMade = 0): Promise<void> {
    let event: EventEnvelope;
    let json: Record<string, unknown> | null = null;
    const service = this.options.group;
    try {
      json = parseEvent(message.value);
      if (typeof json.eventId === 'string' && this.appliedHere.take(json.eventId)) {
        metrics.eventsHandled.inc({ service, type: String(json.type), outcome: 'duplicate' });
        return;
      }
      event = validateEvent(json);
    } catch (e) {
      await this.deadLetter(message, e instanceof InvalidEventError ? e.message : String(e), { json, attempts: 1 });
      metrics.eventsHandled.inc({ service, type: typeof json?.type === 'string' ? json.type.slice(0, 60) : 'unknown', outcome: 'dead_letter' });
      return;
    }
    // Every line logged while handling it, and every event it causes, carry its correlation id.
    return withLogContext(logContextOf(event), () => this.handle(message, json, event, attemptsMade));
  }

  /**
   * Public for tests: process a batch of received messages in order. Each run of consecutive
   * valid new events is applied in one transaction — the batch types (`options.batch`) by its
   * `apply`, the others by their handlers one after the other, each under its own log context (the
   * events it causes carry its correlation id) — with one insert of their processed-event rows.
   * Every other message takes `receive` (retries, dead letter); so does an event that failed in
   * its run (its try there counted as an attempt), the rest of the run going on without it.
   */
  async receiveBatch(messages: ReceivedMessage[]): Promise<void> {
    const types = this.options.batch?.types ?? [];
    let run: { message: ReceivedMessage; event: EventEnvelope }[] = [];
    let special = false;
    const flush = async () => {
      let rest = run;
      run = [];
      while (rest.length) {
        const result = await this.applyRun(
          rest.map((x) => x.event),
          special,
        );
        if (result === true) return;
        if (result === false) {
          for (const x of rest) await this.receive(x.message);
          return;
        }
        // The event that failed is known: the ones before it applied again together, it alone (its
        // try in the batch counts as its first attempt), the ones after it as a run of their own.
        const at = rest.findIndex((x) => x.event.eventId === result.failed);
        if (at < 0) {
          for (const x of rest) await this.receive(x.message);
          return;
        }
        const head = rest.slice(0, at);
        if (
          head.length &&
          (await this.applyRun(
            head.map((x) => x.event),
            special,
          )) !== true
        )
          for (const x of head) await this.receive(x.message);
        await this.receive(rest[at].message, 1);
        rest = rest.slice(at + 1);
      }
    };
    for (const message of messages) {
      const event = this.batchable(message);
      if (!event) {
        await flush();
        await this.receive(message);
        continue;
      }
      const isSpecial = types.includes(event.type as EventType);
      if (isSpecial !== special) await flush();
      special = isSpecial;
      run.push({ message, event });
    }
    await flush();
  }

  /** The message's event when it can join a run: valid, not one this process applied itself. */
  private batchable(message: ReceivedMessage): EventEnvelope | null {
    try {
      const json = parseEvent(message.value);
      if (typeof json.eventId !== 'string' || this.appliedHere.has(json.eventId)) return null;
      return validateEvent(json);
    } catch {
      return null; // receive() dead-letters it with the reason
    }
  }

  /**
   * Applies a run in one transaction: true when it was; otherwise nothing of it is kept, and the
   * answer names the event whose handler failed first ({failed: eventId}) or is false when that is
   * not known (e.g. the commit failed).
   */
  private async applyRun(events: EventEnvelope[], special: boolean): Promise<true | false | { failed: string }> {
    let failed: string | null = null;
    const { dataSource, group: service } = this.options;
    const started = performance.now();
    const afterCommit: Array<() => Promise<void>> = [];
    const work = () =>
      exclusive(dataSource, () =>
        dataSource.transaction(async (manager) => {
          const ids = [...new Set(events.map((e) => e.eventId))];
          const seen = new Set<string>();
          for (let i = 0; i < ids.length; i += 500) {
            for (const r of await manager.getRepository(ProcessedEventRecord).findBy({ eventId: In(ids.slice(i, i + 500)) })) seen.add(r.eventId);
          }
          // New ones only, each once (a redelivered batch may carry an event twice).
          const fresh = events.filter((e) => !seen.has(e.eventId) && (seen.add(e.eventId), true));
          if (!fresh.length) return fresh;
          await insertRows(
            manager,
            ProcessedEventRecord,
            fresh.map((e) => ({ eventId: e.eventId, type: e.type, processedAt: new Date() })),
          );
          if (special) {
            const failures = (await this.options.batch!.apply(fresh, manager)) as { event?: EventEnvelope }[];
            if (failures.length) {
              failed = failures[0]?.event?.eventId ?? null;
              throw new Error(`${failures.length} of ${fresh.length} events could not be applied`);
            }
          } else {
            for (const e of fresh) {
              failed = e.eventId;
              await withLogContext(logContextOf(e), () => this.runHandlers(manager, e, afterCommit));
            }
            failed = null;
          }
          return fresh;
        }),
      );
    let fresh: EventEnvelope[];
    try {
      fresh = await (this.options.gate ? this.options.gate.through(work) : work());
    } catch (e) {
      this.logger.warn(
        `${service}: a batch of ${events.length} events could not be applied whole (${maskText(String((e as Error)?.message ?? e))}); ${failed ? `event ${failed} alone` : 'one by one'}`,
      );
      return failed ? { failed } : false;
    }
    const applied = new Set(fresh);
    for (const e of events) metrics.eventsHandled.inc({ service, type: e.type, outcome: applied.has(e) ? 'applied' : 'duplicate' });
    for (const e of fresh) this.appliedHere.add(e.eventId);
    announceApplied(
      dataSource,
      fresh.map((e) => e.eventId),
    );
    await runAfterCommit(afterCommit, (e) => this.logger.error(`${service}: an after-commit step of a batch failed: ${maskText(String(e?.message ?? e))}`));
    if (fresh.length) {
      // As the one-message path reports each event (its correlation id in the line), with the batch's time shared out.
      const ms = performance.now() - started;
      for (const e of fresh) {
        metrics.handlerDuration.observe({ service, type: e.type }, ms / fresh.length / 1000);
        withLogContext(logContextOf(e), () => this.logger.log(`${service}: applied ${e.type} ${e.eventId} (case ${e.caseId}) in a batch of ${fresh.length} in ${Math.round(ms)} ms`));
      }
      this.options.afterCommit?.();
    }
    return true;
  }

  /** `attemptsMade`: tries its batch already made (the one in which its handler threw). */
  private async handle(message: ReceivedMessage, json: Record<string, unknown> | null, event: EventEnvelope, attemptsMade = 0): Promise<void> {
    const service = this.options.group;
    const max = this.options.maxAttempts ?? 3;
    for (let attempt = attemptsMade + 1; ; attempt++) {
      const started = performance.now();
      try {
        const applied = await this.apply(event);
        const seconds = (performance.now() - started) / 1000;
        metrics.handlerDuration.observe({ service, type: event.type }, seconds);
        // 'applied' is counted where every path applies (applyLocalMany), once committed.
        if (!applied) metrics.eventsHandled.inc({ service, type: event.type, outcome: 'duplicate' });
        if (applied) {
          this.logger.log(`${service}: applied ${event.type} ${event.eventId} (case ${event.caseId}) in ${Math.round(seconds * 1000)} ms`);
          this.options.afterCommit?.();
        }
        return;
      } catch (e) {
        const reason = maskText(e instanceof Error ? e.message : String(e));
        if (attempt >= max) {
          await this.deadLetter(message, `handler failed ${attempt} times: ${reason}`, { json, event, attempts: attempt });
          metrics.eventsHandled.inc({ service, type: event.type, outcome: 'dead_letter' });
          return;
        }
        this.logger.warn(`${this.options.group}: ${event.type} ${event.eventId} failed (attempt ${attempt}): ${reason}`);
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  /**
   * Applies a stored dead letter's event again, by the path a message from the broker takes
   * (processed_event decides whether it is new). Throws what the handler throws.
   */
  async replay(event: EventEnvelope): Promise<boolean> {
    const applied = await this.apply(event);
    if (applied) this.options.afterCommit?.();
    return applied;
  }

  private apply(event: EventEnvelope): Promise<boolean> {
    return this.options.gate ? this.options.gate.through(() => this.applyNow(event)) : this.applyNow(event);
  }

  private async applyNow(event: EventEnvelope): Promise<boolean> {
    const afterCommit: Array<() => Promise<void>> = [];
    const applied = await exclusive(this.options.dataSource, () =>
      this.options.dataSource.transaction(async (manager) => {
        const seen = await manager.getRepository(ProcessedEventRecord).findOneBy({ eventId: event.eventId });
        if (seen) return false;
        await this.applyLocal(manager, event, afterCommit);
        return true;
      }),
    );
    await runAfterCommit(afterCommit, (e) => this.logger.error(`${this.options.group}: after-commit step of ${event.type} failed: ${maskText(String(e?.message ?? e))}`));
    return applied;
  }

  /**
   * Records the event as processed and runs its handlers in the caller's transaction. A command
   * applies the events it produces this way, so the service's own state changes by one path
   * only, and the copy that comes back from the broker is skipped.
   */
  applyLocal(manager: EntityManager, event: EventEnvelope, afterCommit: Array<() => Promise<void>>): Promise<void> {
    return this.applyLocalMany(manager, [event], afterCommit);
  }

  /** `applyLocal` for many events at once (one insert for their processed-event rows). */
  async applyLocalMany(manager: EntityManager, events: EventEnvelope[], afterCommit: Array<() => Promise<void>>): Promise<void> {
    if (!events.length) return;
    const now = new Date();
    await insertRows(
      manager,
      ProcessedEventRecord,
      events.map((e) => ({ eventId: e.eventId, type: e.type, processedAt: now })),
    );
    afterCommit.push(async () => {
      announceApplied(
        manager.connection,
        events.map((e) => e.eventId),
      );
      for (const e of events) {
        this.appliedHere.add(e.eventId);
        // From the broker, or in the command that produced it (whose copy from the broker then counts as a duplicate).
        metrics.eventsHandled.inc({ service: this.options.group, type: e.type, outcome: 'applied' });
      }
    });
    for (const e of events) await this.runHandlers(manager, e, afterCommit);
  }

  private async runHandlers(manager: EntityManager, event: EventEnvelope, afterCommit: Array<() => Promise<void>>): Promise<void> {
    const caused: EventEnvelope[] = [];
    // Several handlers of one type (Nest chains them through `next`) share the transaction, in order.
    for (let h: MessageHandler | null | undefined = this.handlerOf(event.type); h; h = h.next) {
      const result = await h(event, new CaseEventContext([manager, event, afterCommit, caused]));
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    }
    if (caused.length) {
      await appendToOutbox(manager, this.options.topic, caused, new Date());
      afterCommit.push(async () => this.options.afterCommit?.());
    }
  }

  /**
   * The handler chain of an event type. Nest's lookup first tries the type as JSON and throws
   * (an exception per event): it is asked once per type. Handlers are all registered before the
   * first message arrives.
   */
  private handlerOf(type: string): MessageHandler | null {
    if (!this.handlers.has(type)) this.handlers.set(type, this.getHandlerByPattern(type));
    return this.handlers.get(type)!;
  }
  private readonly handlers = new Map<string, MessageHandler | null>();

  /**
   * Keeps the message in this service's dead_letter table (its own transaction), then publishes
   * it to `<topic>.dlt`. Neither step gives up: the partition is held until both have taken it.
   */
  private throwIfClosed(): void {
    if (this.closed) throw new Error(`${this.options.group}: closing; the dead letter is left for redelivery`);
  }

  private async deadLetter(message: ReceivedMessage, unmasked: string, detail: Omit<DeadLetterInput, 'message' | 'reason'>): Promise<void> {
    const reason = maskText(unmasked);
    metrics.deadLettersTotal.inc({ service: this.options.group });
    this.logger.error(`${this.options.group}: dead-lettered message at ${message.topic}[${message.partition}]@${message.offset}: ${reason}`);
    for (;;) {
      try {
        await storeDeadLetter(this.options.dataSource, { message, reason, ...detail });
        break;
      } catch (e) {
        this.logger.error(`dead letter not stored, retrying: ${maskText(String((e as Error)?.message ?? e))}`);
        this.throwIfClosed();
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const value = JSON.stringify({
      reason,
      group: this.options.group,
      source: { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key },
      value: maskText(message.value ?? ''),
      at: new Date().toISOString(),
    });
    for (;;) {
      try {
        await this.options.transport.publish([{ topic: deadLetterTopic(this.options.topic), key: message.key || 'unknown', value }]);
        return;
      } catch (e) {
        // Never drop a message: hold the partition until the dead-letter topic takes it.
        this.logger.error(`dead-letter publish failed, retrying: ${maskText(String((e as Error)?.message ?? e))}`);
        this.throwIfClosed();
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}

/** What every line logged while applying the event, and every event it causes, carry. */
function logContextOf(e: EventEnvelope) {
  return { correlationId: e.correlationId ?? e.eventId, eventId: e.eventId };
}

/** A bounded set of ids: the oldest is forgotten when it is full. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}
  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
  /** True (once) if the id is here. */
  take(id: string): boolean {
    return this.ids.delete(id);
  }
}

export async function runAfterCommit(steps: Array<() => Promise<void>>, onError: (e: Error) => void): Promise<void> {
  for (const fn of steps) await fn().catch((e: Error) => onError(e));
}

/** Per data source (a service's store): the ids of the events it has just committed, for the waiters of this process. */
const appliedSignals = new WeakMap<DataSource, EventEmitter>();

function appliedSignal(dataSource: DataSource): EventEmitter {
  let s = appliedSignals.get(dataSource);
  if (!s) {
    s = new EventEmitter();
    s.setMaxListeners(0);
    appliedSignals.set(dataSource, s);
  }
  return s;
}

/** Wakes this process's waiters for these events (called once their transaction has committed). */
export function announceApplied(dataSource: DataSource, eventIds: readonly string[]): void {
  const s = appliedSignals.get(dataSource);
  if (s) for (const id of eventIds) s.emit(id);
}

/** How often a waiter looks at processed_event itself: for an event applied by another process (a second replica). */
const WAIT_POLL_MS = 250;

/**
 * Waits until this service has applied the given event (bounded); true when it has. Woken by
 * the consumer or command of this process that commits it (no polling of processed_event); it
 * looks at the table once at the start and then every WAIT_POLL_MS for what another process did.
 */
export async function waitForEvent(dataSource: DataSource, eventId: string, timeoutMs: number, pollMs = WAIT_POLL_MS): Promise<boolean> {
  const repo = dataSource.getRepository(ProcessedEventRecord);
  const signal = appliedSignal(dataSource);
  let woken = false;
  let wake = () => {};
  const onApplied = () => {
    woken = true;
    wake();
  };
  // Listening before the first look: an event committed in between still wakes it.
  signal.once(eventId, onApplied);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (woken || (await exclusive(dataSource, () => repo.existsBy({ eventId })))) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(pollMs, left));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
        if (woken) wake();
      });
    }
  } finally {
    signal.off(eventId, onApplied);
  }
}

/**
 * Marks a handler of case event types: `(event, ctx: CaseEventContext)`. A thin typed
 * wrapper of @EventPattern (the type name is checked against the contracts).
 */
export const OnCaseEvent = (...types: EventType[]): MethodDecorator => EventPattern(types) as MethodDecorator;
