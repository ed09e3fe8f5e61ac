import { describe, expect, it, beforeEach, afterEach, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { CASE_EVENTS_TOPIC, CASE_EVENTS_DLT, createEvent, encodeEvent } from '#libs/contracts';
import { DeadLetterBox } from './dead-letters.js';
import { DeadLetterRecord, MESSAGING_ENTITIES, OutboxRecord, ProcessedEventRecord } from './entities.js';
import { CaseEventServer, waitForEvent, type CaseEventContext } from './event-server.js';
import { InProcessBus, InProcessTransport } from './in-process.transport.js';
import { appendToOutbox, OutboxRelay } from './outbox.js';

const registered = (caseId: string) =>
  createEvent(
    'case.registered',
    caseId,
    {
      trackingNo: 'XF2024091800000001',
      contact: { contactId: 'c1', channel: 'visit', receivedAt: '2024-09-18T02:00:00.000Z', enteredAt: '2024-09-18T02:00:00.000Z', headcount: 1 },
      petitioners: [{ name: '王五', idNumber: '45030219800101123X' }],
      purpose: 'appeal',
      category: 'other',
      summary: 's',
      content: 'c',
      groupVisit: false,
      backlog: false,
    },
    { username: 'reception1' },
    new Date('2024-09-18T02:00:00Z'),
  );

/** The event as intake sends it since personal data is sealed: nothing in clear (here: no identity number). */
const withoutClearPii = <E extends { payload: unknown }>(e: E): E => {
  (e.payload as { petitioners: { idNumber?: string }[] }).petitioners[0].idNumber = undefined;
  return e;
};

describe('the case event server', () => {
  let ds: DataSource;
  let bus: InProcessBus;
  let server: CaseEventServer;
  let applied: string[];
  let failNext: number;

  beforeEach(async () => {
    ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: MESSAGING_ENTITIES, synchronize: true });
    await ds.initialize();
    bus = new InProcessBus();
    applied = [];
    failNext = 0;
    server = new CaseEventServer({ group: 'test', topic: CASE_EVENTS_TOPIC, transport: new InProcessTransport(bus), dataSource: ds, maxAttempts: 2 });
    server.addHandler(
      'case.registered',
      async (event: { caseId: string }, ctx: CaseEventContext) => {
        if (failNext > 0) {
          failNext--;
          throw new Error('database hiccup');
        }
        // The effect joins the transaction that records the event id.
        await ctx.manager.getRepository(OutboxRecord).count();
        applied.push(event.caseId);
      },
      true,
    );
    await server.listen(() => undefined);
  });
  afterEach(async () => {
    await server.close();
    await ds.destroy();
  });

  const publish = (value: string, key = 'k') => bus.publish([{ topic: CASE_EVENTS_TOPIC, key, value }]);
  const afterCommit: Array<() => Promise<void>> = [];
  const runAll = async (steps: Array<() => Promise<void>>) => {
    for (const step of steps.splice(0)) await step();
  };

  it('applies an event once even when it is delivered twice', async () => {
    const e = registered('case-1');
    await publish(encodeEvent(e));
    await publish(encodeEvent(e));
    expect(applied).toEqual(['case-1']);
    expect(await ds.getRepository(ProcessedEventRecord).countBy({ eventId: e.eventId })).toBe(1);
  });

  it('wakes a waiter when the event is applied, instead of polling processed_event', async () => {
    const e = registered('case-waited');
    const looks = jest.spyOn(ds.getRepository(ProcessedEventRecord), 'existsBy');
    // No fallback look within the bound: only the wake-up can end the wait before it with one look.
    const waiting = waitForEvent(ds, e.eventId, 3_000, 60_000);
    await new Promise((r) => setTimeout(r, 100));
    await publish(encodeEvent(e));
    expect(await waiting).toBe(true);
    // The one look at the start: the old poll looked every 5–100 ms, a wait without the wake-up looks again at its bound.
    expect(looks.mock.calls.length).toBe(1);
    // Already applied: found at the first look. Never applied: false after the bound.
    expect(await waitForEvent(ds, e.eventId, 1_000)).toBe(true);
    expect(await waitForEvent(ds, 'never-applied', 300)).toBe(false);
  });

  it('sends a message that is not JSON to the dead-letter topic with the reason, and moves on', async () => {
    await publish('{not json');
    await publish(encodeEvent(registered('case-2')));
    const dead = bus.messages(CASE_EVENTS_DLT);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0].value)).toMatchObject({ reason: 'not JSON', group: 'test', source: { topic: CASE_EVENTS_TOPIC } });
    expect(applied).toEqual(['case-2']);
  });

  it('dead-letters an event whose payload breaks its schema, naming the field, with personal data masked', async () => {
    const bad = registered('case-3') as unknown as { payload: Record<string, unknown> };
    bad.payload.purpose = 'complaint';
    await publish(JSON.stringify(bad));
    const [dead] = bus.messages(CASE_EVENTS_DLT);
    const body = JSON.parse(dead.value);
    expect(body.reason).toContain('purpose');
    expect(body.value).not.toContain('45030219800101123X');
    expect(applied).toEqual([]);
  });

  it('dead-letters an unknown event type and an unknown version', async () => {
    await publish(JSON.stringify({ ...registered('x'), type: 'case.teleported' }));
    await publish(JSON.stringify({ ...registered('y'), version: 9 }));
    expect(bus.messages(CASE_EVENTS_DLT).map((m) => JSON.parse(m.value).reason)).toEqual(['unknown event type case.teleported', 'unknown version 9 of case.registered']);
  });

  it('retries a failing handler, and records nothing for the attempts that failed', async () => {
    failNext = 1;
    await publish(encodeEvent(registered('case-4')));
    expect(applied).toEqual(['case-4']);
    expect(bus.messages(CASE_EVENTS_DLT)).toHaveLength(0);
  });

  it('drops the copy of an event it applied itself without asking the database; a rolled-back one is applied', async () => {
    const own = registered('own');
    await ds.transaction((m) => server.applyLocalMany(m, [own], afterCommit));
    await runAll(afterCommit);
    const rolledBack = registered('rolled-back');
    const pending: Array<() => Promise<void>> = [];
    await expect(
      ds.transaction(async (m) => {
        await server.applyLocalMany(m, [rolledBack], pending);
        throw new Error('command refused');
      }),
    ).rejects.toThrow('command refused');
    // (after-commit steps of a rolled-back transaction never run)
    applied = [];
    const transactions = jest.spyOn(ds, 'transaction');
    await publish(encodeEvent(own));
    expect(transactions).not.toHaveBeenCalled();
    await publish(encodeEvent(rolledBack));
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(applied).toEqual(['rolled-back']);
    // The skip is once: a later redelivery is checked against the table as usual.
    await publish(encodeEvent(own));
    expect(transactions).toHaveBeenCalledTimes(2);
    expect(applied).toEqual(['rolled-back']);
  });

  it('dead-letters a poison message after its attempts, and the next message still gets through', async () => {
    failNext = 2;
    await publish(encodeEvent(registered('poison')));
    await publish(encodeEvent(registered('case-5')));
    expect(JSON.parse(bus.messages(CASE_EVENTS_DLT)[0].value).reason).toContain('handler failed 2 times');
    expect(applied).toEqual(['case-5']);
  });

  it('keeps each dead letter in the dead_letter table: a valid event as it came, anything else masked; a redelivery is one row', async () => {
    failNext = 4;
    const poison = withoutClearPii(registered('poison'));
    const clear = registered('clear');
    await publish(encodeEvent(poison), 'poison');
    await publish(encodeEvent(poison), 'poison'); // redelivered: fails twice again
    await publish('{"eventId": "e1", "note": "身份证 45030219800101123X"');
    failNext = 2;
    await publish(encodeEvent(clear), 'clear');
    const rows = await ds.getRepository(DeadLetterRecord).find({ order: { firstFailedAt: 'ASC', sourceKey: 'ASC' } });
    expect(rows).toHaveLength(3);
    const byEvent = rows.find((r) => r.eventId === poison.eventId)!;
    expect(byEvent).toMatchObject({ eventType: 'case.registered', caseId: 'poison', status: 'open', attempts: 4, valueMasked: false, value: encodeEvent(poison), topic: CASE_EVENTS_TOPIC });
    expect(byEvent.reason).toContain('handler failed 2 times: database hiccup');
    const broken = rows.find((r) => r.eventId === null)!;
    expect(broken).toMatchObject({ eventId: null, caseId: 'k', attempts: 1, valueMasked: true, reason: 'not JSON' });
    expect(broken.value).toContain('450302********123X');
    expect(broken.value).not.toContain('45030219800101123X');
    // A valid event with an identity number in clear (from before sealing) is kept masked, and cannot be replayed.
    const legacy = rows.find((r) => r.eventId === clear.eventId)!;
    expect(legacy).toMatchObject({ valueMasked: true, caseId: 'clear' });
    expect(rows.map((r) => r.value).join()).not.toContain('45030219800101123X');
    await expect(new DeadLetterBox(ds, server).replay(legacy.id, { username: 'admin', roles: ['admin'] })).rejects.toMatchObject({ status: 409 });
    expect(bus.messages(CASE_EVENTS_DLT)).toHaveLength(4);
  });

  it('holds the partition until the dead letter is stored (the next message waits), then moves on', async () => {
    await ds.query('ALTER TABLE dead_letter RENAME TO dead_letter_away');
    failNext = 2;
    const delivered = publish(encodeEvent(registered('poison')));
    const next = publish(encodeEvent(registered('after')));
    await new Promise((r) => setTimeout(r, 1500));
    expect(applied).toEqual([]);
    expect(bus.messages(CASE_EVENTS_DLT)).toHaveLength(0);
    await ds.query('ALTER TABLE dead_letter_away RENAME TO dead_letter');
    await delivered;
    await next;
    expect(await ds.getRepository(DeadLetterRecord).countBy({ caseId: 'poison' })).toBe(1);
    expect(bus.messages(CASE_EVENTS_DLT)).toHaveLength(1);
    expect(applied).toEqual(['after']);
  }, 10_000);

  it('gives a dead letter it could not store back when it closes (not acknowledged), instead of retrying forever', async () => {
    await ds.query('ALTER TABLE dead_letter RENAME TO dead_letter_away');
    failNext = 2;
    const received = server.receive({ topic: CASE_EVENTS_TOPIC, key: 'poison', value: encodeEvent(registered('poison')), partition: 0, offset: '7' });
    await new Promise((r) => setTimeout(r, 800));
    await server.close();
    await expect(received).rejects.toThrow('left for redelivery');
    expect(bus.messages(CASE_EVENTS_DLT)).toHaveLength(0);
    await ds.query('ALTER TABLE dead_letter_away RENAME TO dead_letter');
  }, 10_000);

  it('replays a stored dead letter through the handler once it no longer fails; a second replay is refused', async () => {
    failNext = 2;
    const poison = withoutClearPii(registered('poison'));
    await publish(encodeEvent(poison), 'poison');
    const box = new DeadLetterBox(ds, server);
    const [row] = await box.list('open');
    failNext = 1;
    await expect(box.replay(row.id, { username: 'admin', roles: ['admin'] })).rejects.toMatchObject({ status: 422, code: 'REPLAY_FAILED' });
    expect((await box.list('open'))[0]).toMatchObject({ attempts: 3, reason: 'replay failed: database hiccup' });
    await expect(box.replay(row.id, { username: 'office1', roles: ['office'] })).rejects.toMatchObject({ status: 403 });
    expect(await box.replay(row.id, { username: 'admin', roles: ['admin'] })).toMatchObject({ status: 'replayed', resolvedBy: 'admin' });
    expect(applied).toEqual(['poison']);
    expect(await ds.getRepository(ProcessedEventRecord).countBy({ eventId: poison.eventId })).toBe(1);
    await expect(box.replay(row.id, { username: 'admin', roles: ['admin'] })).rejects.toMatchObject({ status: 409, code: 'DEAD_LETTER_STATE' });
    // A later redelivery of the replayed event is a copy: dropped.
    await publish(encodeEvent(poison), 'poison');
    expect(applied).toEqual(['poison']);
    await expect(box.discard('nope', { username: 'admin', roles: ['admin'] })).rejects.toMatchObject({ status: 404 });
  });
});

const waitFor = async (check: () => boolean, timeoutMs = 2000) => {
  for (const until = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() > until) throw new Error('timed out');
};

/** An outbox database and a bus whose probe records the case ids it receives, in order. */
const outboxWithProbe = async () => {
  const ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: MESSAGING_ENTITIES, synchronize: true }).initialize();
  const bus = new InProcessBus();
  const seen: string[] = [];
  bus.subscribe('probe', CASE_EVENTS_TOPIC, async (m) => void seen.push(JSON.parse(m.value).caseId));
  return { ds, bus, seen };
};

describe('the case event server, a broker batch at a time', () => {
  let ds: DataSource;
  let server: CaseEventServer;
  /** The runs the batch path applied (case ids), and the events the one-message path applied. */
  let runs: string[][];
  let single: string[];
  let refuse: Set<string>;

  beforeEach(async () => {
    ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: MESSAGING_ENTITIES, synchronize: true });
    await ds.initialize();
    runs = [];
    single = [];
    refuse = new Set();
    server = new CaseEventServer({
      group: 'test',
      topic: CASE_EVENTS_TOPIC,
      transport: new InProcessTransport(new InProcessBus()),
      dataSource: ds,
      maxAttempts: 2,
      batch: {
        types: ['case.registered'],
        apply: async (events, m) => {
          // The run's effect joins the transaction that records its event ids.
          await m.getRepository(OutboxRecord).count();
          runs.push(events.map((e) => e.caseId));
          return events.filter((e) => refuse.has(e.caseId)).map((event) => ({ event }));
        },
      },
    });
    const one = async (event: { caseId: string }) => {
      if (refuse.has(event.caseId)) throw new Error('cannot be applied');
      single.push(event.caseId);
    };
    server.addHandler('case.registered', one, true);
    server.addHandler('case.routed', one, true);
  });
  afterEach(async () => {
    await server.close();
    await ds.destroy();
  });

  const message = (value: string, offset: number) => ({ topic: CASE_EVENTS_TOPIC, partition: 0, offset: String(offset), key: 'k', value });
  const routed = (caseId: string) =>
    createEvent('case.routed', caseId, { mode: 'transfer', unitCode: 'housing', routedAt: '2024-09-19T02:00:00.000Z' }, { username: 'office1' }, new Date('2024-09-19T02:00:00Z'));
  const processed = async () => (await ds.getRepository(ProcessedEventRecord).find()).length;

  it('applies each run of batch-type events in one transaction, in order; other types, bad messages and duplicates take the one-message path', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => withoutClearPii(registered(id)));
    const r = routed('b');
    const batch = [a, b, a, r, c, d].map((e, i) => message(encodeEvent(e), i));
    batch.splice(4, 0, message('not json', 99));
    await server.receiveBatch(batch);
    // a, b (a again: once) | routed b: its own | not json: dead-lettered | c, d
    expect(runs).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(single).toEqual(['b']);
    expect(await processed()).toBe(5);
    expect(await ds.getRepository(DeadLetterRecord).count()).toBe(1);
    // The same batch delivered again (the broker's redelivery after a crash): nothing applied twice —
    // the second time known to this process, the third time found in processed_event.
    await server.receiveBatch(batch);
    await server.receiveBatch(batch);
    expect(runs).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(single).toEqual(['b']);
    expect(await processed()).toBe(5);
    expect(await ds.getRepository(DeadLetterRecord).count()).toBe(1);
  });

  it('applies the other types a run per transaction through their handlers; a handler that throws sends its run one by one', async () => {
    const events = ['x', 'y', 'bad', 'z'].map((id) => routed(id));
    refuse.add('bad');
    const commits: number[] = [];
    const counting = jest.spyOn(ds, 'transaction');
    await server.receiveBatch(events.slice(0, 2).map((e, i) => message(encodeEvent(e), i)));
    commits.push(counting.mock.calls.length);
    expect(single).toEqual(['x', 'y']);
    expect(commits).toEqual([1]); // both in one transaction
    await server.receiveBatch(events.slice(2).map((e, i) => message(encodeEvent(e), 10 + i)));
    expect(single).toEqual(['x', 'y', 'z']);
    expect((await ds.getRepository(DeadLetterRecord).find()).map((x) => x.eventId)).toEqual([events[2].eventId]);
    expect(await processed()).toBe(3);
  });

  it('a run with an event that cannot be applied is rolled back; the others go on as runs, that one alone: only it is dead-lettered', async () => {
    const events = ['a', 'bad', 'c'].map((id) => withoutClearPii(registered(id)));
    refuse.add('bad');
    await server.receiveBatch(events.map((e, i) => message(encodeEvent(e), i)));
    // Tried whole and rolled back; then what came before it, it alone (one message: its retries, the dead letter), what came after.
    expect(runs).toEqual([['a', 'bad', 'c'], ['a'], ['c']]);
    expect(single).toEqual([]);
    const kept = (await ds.getRepository(ProcessedEventRecord).find()).map((p) => p.eventId).sort();
    expect(kept).toEqual([events[0].eventId, events[2].eventId].sort());
    const dead = await ds.getRepository(DeadLetterRecord).find();
    expect(dead.map((x) => x.eventId)).toEqual([events[1].eventId]);
  });
});

describe('the outbox relay', () => {
  it('publishes committed rows in the order they were written, then marks them published', async () => {
    const { ds, bus, seen } = await outboxWithProbe();
    const events = ['a', 'b', 'c'].map(registered);
    await ds.transaction((m) => appendToOutbox(m, CASE_EVENTS_TOPIC, events, new Date()));
    const relay = new OutboxRelay(ds, new InProcessTransport(bus), { pollIntervalMs: 10_000, batchSize: 2 });
    await relay.kick();
    expect(seen).toEqual([]); // not started: nothing leaves
    relay.start();
    await relay.kick();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(await relay.pending()).toBe(0);
    await relay.stop();
    await ds.destroy();
  });

  it('holds publishing back while a burst commits, and publishes it all on release (or when the hold expires)', async () => {
    const { ds, bus, seen } = await outboxWithProbe();
    const relay = new OutboxRelay(ds, new InProcessTransport(bus), { pollIntervalMs: 10_000, batchSize: 10 });
    relay.start();
    const release = relay.hold(60_000);
    await ds.transaction((m) => appendToOutbox(m, CASE_EVENTS_TOPIC, ['a', 'b'].map(registered), new Date()));
    await relay.kick();
    expect(seen).toEqual([]);
    release();
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['a', 'b']);
    relay.hold(50); // never released: it expires
    await ds.transaction((m) => appendToOutbox(m, CASE_EVENTS_TOPIC, [registered('c')], new Date()));
    await relay.kick();
    expect(seen).toEqual(['a', 'b']);
    await waitFor(() => seen.length === 3);
    await relay.stop();
    await ds.destroy();
  });

  it('keeps rows whose transaction rolled back out of the outbox', async () => {
    const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: MESSAGING_ENTITIES, synchronize: true });
    await ds.initialize();
    await expect(
      ds.transaction(async (m) => {
        await appendToOutbox(m, CASE_EVENTS_TOPIC, [registered('z')], new Date());
        throw new Error('state change refused');
      }),
    ).rejects.toThrow('state change refused');
    expect(await ds.getRepository(OutboxRecord).count()).toBe(0);
    await ds.destroy();
  });
});
