import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { statementLogger } from '../../../test/support/statements.js';
import { CASE_EVENTS_TOPIC, createEvent, type EventEnvelope } from '#libs/contracts';
import { exclusive } from '#libs/persistence';
import { MESSAGING_ENTITIES, OutboxRecord } from './entities.js';
import { appendToOutbox, OutboxRelay } from './outbox.js';
import type { EventTransport, TransportMessage } from './transport.js';

/**
 * Issue 11, an idle relay is cheap: a commit that wrote outbox rows wakes its relay in-process
 * (no kick, no poll needed), a commit that wrote none (a consumer's batch) and an idle relay cost
 * no statement, and the fallback poll, a failed pass and the rows of an earlier run are still
 * published, in order, once.
 */
describe('the outbox relay, woken by the commits that wrote rows', () => {
  const open: Array<{ ds: DataSource; relay: OutboxRelay }> = [];
  afterEach(async () => {
    for (const { ds, relay } of open.splice(0)) {
      await relay.stop();
      await ds.destroy();
    }
  });

  const registered = (caseId: string): EventEnvelope =>
    createEvent(
      'case.contact-added',
      caseId,
      { contact: { contactId: caseId, channel: 'visit', receivedAt: new Date().toISOString(), enteredAt: new Date().toISOString(), headcount: 1, receptionSessionId: null }, groupVisit: false },
      { username: 'reception1', roles: ['reception'] },
      new Date(),
    );

  /** A data source that counts its statements, a transport that records what it was given (or fails while `failing` > 0). */
  async function setup(opts: { pollIntervalMs?: number; batchSize?: number } = {}) {
    const statements: string[] = [];
    const logger = statementLogger((q) => void statements.push(q));
    const ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: MESSAGING_ENTITIES, synchronize: true, logger }).initialize();
    const sent: string[] = [];
    const transport = {
      failing: 0,
      async publish(ms: TransportMessage[]) {
        if (this.failing > 0) {
          this.failing--;
          throw new Error('broker down');
        }
        for (const m of ms) sent.push(m.key);
      },
      subscribe: async () => undefined,
      close: async () => undefined,
    } satisfies EventTransport & { failing: number };
    const relay = new OutboxRelay(ds, transport, { pollIntervalMs: opts.pollIntervalMs ?? 60_000, batchSize: opts.batchSize ?? 10 });
    open.push({ ds, relay });
    /** A command's transaction, as the unit of work runs it (serialized on SQLite). */
    const commit = (keys: string[], more?: (m: import('typeorm').EntityManager) => Promise<void>) =>
      exclusive(ds, () =>
        ds.transaction(async (m) => {
          await appendToOutbox(m, CASE_EVENTS_TOPIC, keys.map(registered), new Date());
          await more?.(m);
        }),
      );
    return { ds, relay, transport, sent, statements, commit };
  }

  const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 5000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const settle = () => new Promise((r) => setTimeout(r, 100));

  it('publishes a commit’s rows right after it commits, without a kick or a poll; in order, once', async () => {
    const { relay, sent, commit } = await setup();
    relay.start();
    await settle();
    await commit(['a', 'b']);
    await until('a and b', () => sent.length === 2);
    await commit(['c']);
    await commit(['d', 'e']);
    await until('all', () => sent.length === 5);
    await settle();
    expect(sent).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await relay.pending()).toBe(0);
  });

  it('costs nothing when idle, nor for a commit that wrote no outbox row, nor for a kick without one', async () => {
    const { ds, relay, statements } = await setup();
    relay.start();
    await settle();
    statements.length = 0;
    // a consumer's transaction that wrote no event, and the kick its server sends after it
    await exclusive(ds, () => ds.transaction((m) => m.query('SELECT 1')));
    await relay.kick();
    await settle();
    expect(statements.filter((q) => /outbox/i.test(q))).toEqual([]);
  });

  it('is woken by the outer commit, not by a savepoint inside it; a rolled-back transaction does not wake it', async () => {
    const { ds, relay, sent } = await setup();
    relay.start();
    await settle();
    const woken = jest.spyOn(relay, 'committed');
    await exclusive(ds, () =>
      ds.transaction(async (outer) => {
        await outer.transaction((inner) => appendToOutbox(inner, CASE_EVENTS_TOPIC, [registered('nested')], new Date()));
        expect(woken).not.toHaveBeenCalled(); // the savepoint is released, nothing is committed yet
      }),
    );
    expect(woken).toHaveBeenCalledTimes(1);
    await until('the nested row', () => sent.length === 1);
    await expect(
      exclusive(ds, () =>
        ds.transaction(async (m) => {
          await appendToOutbox(m, CASE_EVENTS_TOPIC, [registered('refused')], new Date());
          throw new Error('state change refused');
        }),
      ),
    ).rejects.toThrow('refused');
    expect(woken).toHaveBeenCalledTimes(1);
    expect(await ds.getRepository(OutboxRecord).count()).toBe(1);
  });

  it('publishes the rows an earlier run left at start, and a burst bigger than a batch in one run', async () => {
    const { relay, sent, commit } = await setup({ batchSize: 3 });
    await commit(['old-1', 'old-2']); // before start: they wait
    await settle();
    expect(sent).toEqual([]);
    relay.start();
    await until('the old rows', () => sent.length === 2);
    await Promise.all(Array.from({ length: 5 }, (_, i) => commit([`n${i}a`, `n${i}b`])));
    await until('the burst', () => sent.length === 12);
    expect(sent.slice(2)).toEqual(['n0a', 'n0b', 'n1a', 'n1b', 'n2a', 'n2b', 'n3a', 'n3b', 'n4a', 'n4b']);
  });

  it('retries a failed pass by itself, sooner than the fallback poll, and publishes each row once', async () => {
    const { relay, sent, transport, commit } = await setup({ pollIntervalMs: 60_000 });
    relay.start();
    await settle();
    transport.failing = 3;
    await commit(['x', 'y']);
    await until('x and y after three failures', () => sent.length === 2, 3000);
    await settle();
    expect(sent).toEqual(['x', 'y']);
    expect(await relay.pending()).toBe(0);
  });

  it('finds rows no commit of its own announced with the fallback poll, at its interval', async () => {
    const { ds, relay, sent } = await setup({ pollIntervalMs: 150 });
    relay.start();
    await settle();
    // written by another process (another instance of the service, a restore): no wake-up here
    await ds.getRepository(OutboxRecord).insert({ eventId: 'e-other', topic: CASE_EVENTS_TOPIC, messageKey: 'other', value: '{}', createdAt: new Date(), publishedAt: null, attempts: 0 });
    await until('the poll', () => sent.length === 1, 2000);
    expect(sent).toEqual(['other']);
  });
});
