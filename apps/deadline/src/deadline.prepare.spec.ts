import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '#libs/common';
import type { EventEnvelope } from '#libs/contracts';
import type { OutboxRelay } from '#libs/messaging';
import { DEFAULT_POLICY, PrcCalendar } from '#libs/regulation';
import type { UnitOfWork } from '#libs/runtime';
import { DEADLINE_ENTITIES, DeadlineRow } from './deadline.entities.js';
import { DeadlineService } from './deadline.service.js';
import type { DeadlineTimer, TimerScheduler } from './timers/timer-scheduler.js';

const DAY = 86_400_000;

/**
 * Timers taken ahead of their instant (BullMQ's lead) are prepared: row read, event built. At the
 * instant a conditional update must find every row as it was read, or the batch is done afresh.
 */
describe('firing timers prepared ahead of their instant', () => {
  const due = new Date('2026-12-01T16:00:00.000Z'); // 24:00 office time
  let now = due.getTime() - 10_000;
  const clock: Clock = { now: () => new Date(now) };
  let ds: DataSource;
  let committed: EventEnvelope[];
  let service: DeadlineService;

  const uow = {
    run: (work: (m: EntityManager) => Promise<{ result: unknown; events: EventEnvelope[] }>) =>
      ds.transaction(async (m) => {
        const r = await work(m);
        committed.push(...r.events);
        return { ...r, eventIds: r.events.map((e) => e.eventId) };
      }),
  } as unknown as UnitOfWork;
  const relay = { hold: () => () => undefined } as unknown as OutboxRelay;
  const scheduler: TimerScheduler = {
    start: async () => undefined,
    schedule: async () => undefined,
    cancel: async () => undefined,
    markReconciled: async () => undefined,
    wasWiped: async () => false,
    close: async () => undefined,
  };
  const row = (caseId: string, extra: Partial<DeadlineRow> = {}) => ({
    caseId,
    kind: 'handling',
    revision: 1,
    dueAt: due,
    lastDay: '2026-12-01',
    state: 'pending',
    holder: 'unit',
    basis: `受理 2026-10-02 起 60 日（${caseId}）`,
    lastWarning: null,
    breachedRevision: -1,
    escalatedRevision: -1,
    ...extra,
  });
  const breach = (caseId: string): DeadlineTimer => ({ caseId, kind: 'handling', revision: 1, purpose: 'breach', fireAt: due.toISOString() });
  const warning = (caseId: string): DeadlineTimer => ({ caseId, kind: 'handling', revision: 1, purpose: 'warn', daysBefore: 1, fireAt: new Date(due.getTime() - DAY).toISOString() });
  /** Prepares, waits for the preparation to be done, then fires at the instant. */
  const prepareThenFire = async (timers: DeadlineTimer[], meanwhile: () => Promise<unknown> = async () => undefined) => {
    await Promise.all(timers.map((t) => service.prepare(t)));
    await meanwhile();
    now = due.getTime() + 5;
    await Promise.all(timers.map((t) => service.fire(t)));
  };
  const stored = async (caseId: string) => ds.getRepository(DeadlineRow).findOneByOrFail({ caseId });

  beforeEach(async () => {
    now = due.getTime() - 10_000;
    committed = [];
    ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: DEADLINE_ENTITIES, synchronize: true }).initialize();
    await ds.getRepository(DeadlineRow).insert([row('a'), row('b'), row('c', { dueAt: new Date(due.getTime() + DAY), lastDay: '2026-12-02' })]);
    const settings = { policy: DEFAULT_POLICY, calendar: PrcCalendar.default(), warnDaysBefore: [1], windowDays: 7, reconcileIntervalMs: 60_000, escalateAfterHours: 24, lateEntrySettleMs: 600_000 };
    service = new DeadlineService(ds, uow, relay, clock, scheduler, settings);
  });
  afterEach(() => ds.destroy());

  it('commits the prepared breaches and warnings, dated at their instant, once each', async () => {
    const timers = [breach('a'), breach('b'), { ...warning('c'), fireAt: due.toISOString() }];
    await prepareThenFire([...timers, breach('a')]); // a duplicate delivery too
    expect(committed.map((e) => `${e.type}:${e.caseId}:${e.occurredAt}`).sort()).toEqual([
      `deadline.breached:a:${due.toISOString()}`,
      `deadline.breached:b:${due.toISOString()}`,
      `deadline.warned:c:${due.toISOString()}`,
    ]);
    expect(committed.find((e) => e.caseId === 'c')!.payload).toMatchObject({ daysLeft: 1, basis: '受理 2026-10-02 起 60 日（c）' });
    expect(await stored('a')).toMatchObject({ state: 'breached', breachedRevision: 1 });
    expect(await stored('c')).toMatchObject({ state: 'pending', lastWarning: '1.1' });

    // Fired again (a second delivery after the commit): nothing more.
    committed = [];
    await prepareThenFire(timers);
    expect(committed).toEqual([]);
  });

  it('does the batch afresh when a row changed after it was prepared: no stale event, the rest still sent', async () => {
    await prepareThenFire([breach('a'), breach('b')], async () => {
      // The case was closed in the last seconds: the deadline is met (what applyFact stores).
      await ds.getRepository(DeadlineRow).update({ caseId: 'a', kind: 'handling' }, { state: 'met' });
    });
    expect(committed.map((e) => `${e.type}:${e.caseId}`)).toEqual(['deadline.breached:b']);
    expect(committed[0].occurredAt).toBe(new Date(due.getTime() + 5).toISOString()); // decided afresh at the instant
    expect(await stored('a')).toMatchObject({ state: 'met', breachedRevision: -1 });
    expect(await stored('b')).toMatchObject({ state: 'breached' });
  });

  it('prepares nothing for a row that no longer calls for the timer', async () => {
    await ds.getRepository(DeadlineRow).update({ caseId: 'b', kind: 'handling' }, { revision: 2 });
    await prepareThenFire([breach('a'), breach('b')]);
    expect(committed.map((e) => `${e.type}:${e.caseId}`)).toEqual(['deadline.breached:a']);
  });
});
