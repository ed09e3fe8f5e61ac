import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { CASE_EVENTS_DLT, CASE_EVENTS_TOPIC, createEvent, type EventEnvelope } from '#libs/contracts';
import { MESSAGING_ENTITIES, ProcessedEventRecord } from './entities.js';
import { CaseEventServer } from './event-server.js';
import { InProcessBus, InProcessTransport } from './in-process.transport.js';
import { appendToOutbox, OutboxRelay } from './outbox.js';

/** A promise and the function that settles it; `isOpen` for bounded waits. */
const gate = () => {
  let open!: () => void;
  const g = { isOpen: false, opened: new Promise<void>((r) => (open = r)), open: () => ((g.isOpen = true), open()) };
  return g;
};
const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000) => {
  for (const until = Date.now() + timeoutMs; !(await check()); await new Promise((r) => setTimeout(r, 5))) if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
};
const event = (caseId: string) =>
  createEvent('case.accepted', caseId, { unitCode: 'housing', acceptedAt: '2024-09-20T02:00:00.000Z' }, { username: 'housing1' }, new Date('2024-09-20T02:00:00Z')) as EventEnvelope;

/**
 * Embedded mode: the outbox relay publishes on the in-process bus, which resolves only once every
 * consumer group has handled the message, so a row is marked published only after every consumer
 * applied it; a consumer that is slow, or fails and retries, keeps the row unmarked meanwhile.
 */
describe('the in-process bus under the outbox relay', () => {
  const setup = async () => {
    const outboxDb = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: MESSAGING_ENTITIES, synchronize: true }).initialize();
    const bus = new InProcessBus();
    const relay = new OutboxRelay(outboxDb, new InProcessTransport(bus), { pollIntervalMs: 60_000, batchSize: 10 });
    const e = event('case-1');
    await outboxDb.transaction((m) => appendToOutbox(m, CASE_EVENTS_TOPIC, [e], new Date()));
    return { outboxDb, bus, relay, e };
  };

  it('keeps the row unmarked while the second consumer is still applying it, and marks it once it has', async () => {
    const { outboxDb, bus, relay, e } = await setup();
    const fast: string[] = [];
    const slowStarted = gate();
    const slowMayFinish = gate();
    const slow: string[] = [];
    bus.subscribe('fast', CASE_EVENTS_TOPIC, async (m) => void fast.push(JSON.parse(m.value).eventId));
    bus.subscribe('slow', CASE_EVENTS_TOPIC, async (m) => {
      slowStarted.open();
      await slowMayFinish.opened;
      slow.push(JSON.parse(m.value).eventId);
    });
    relay.start();
    await waitFor('the slow consumer to start', () => slowStarted.isOpen);
    await waitFor('the fast consumer', () => fast.length === 1);
    expect(await relay.pending()).toBe(1); // the first consumer has it, the second not yet
    slowMayFinish.open();
    await waitFor('the row marked', async () => (await relay.pending()) === 0);
    expect({ fast, slow }).toEqual({ fast: [e.eventId], slow: [e.eventId] });
    await relay.stop();
    await outboxDb.destroy();
  });

  it('keeps the row unmarked while a consumer’s handler fails and is retried, and marks it once the handler applied it', async () => {
    const { outboxDb, bus, relay, e } = await setup();
    const consumerDb = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: MESSAGING_ENTITIES, synchronize: true }).initialize();
    bus.subscribe('fast', CASE_EVENTS_TOPIC, async () => undefined);
    const server = new CaseEventServer({ group: 'flaky', topic: CASE_EVENTS_TOPIC, transport: new InProcessTransport(bus), dataSource: consumerDb, maxAttempts: 3 });
    let attempts = 0;
    const secondAttempt = gate();
    const mayApply = gate();
    server.addHandler(
      'case.accepted',
      async () => {
        attempts++;
        if (attempts === 1) throw new Error('database is locked');
        secondAttempt.open();
        await mayApply.opened;
      },
      true,
    );
    await server.listen(() => undefined);
    relay.start();
    await waitFor('the second attempt', () => secondAttempt.isOpen);
    expect(attempts).toBe(2);
    expect(await relay.pending()).toBe(1); // failed once, retrying: not applied, not marked
    mayApply.open();
    await waitFor('the row marked', async () => (await relay.pending()) === 0);
    expect(await consumerDb.getRepository(ProcessedEventRecord).countBy({ eventId: e.eventId })).toBe(1);
    expect(bus.messages(CASE_EVENTS_DLT)).toHaveLength(0);
    await relay.stop();
    await server.close();
    await consumerDb.destroy();
    await outboxDb.destroy();
  });
});
