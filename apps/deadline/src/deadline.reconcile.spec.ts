import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { newId, type Clock } from '#libs/common';
import { DEFAULT_POLICY, PrcCalendar } from '#libs/regulation';
import type { OutboxRelay } from '#libs/messaging';
import type { UnitOfWork } from '#libs/runtime';
import { DEADLINE_ENTITIES, DeadlineRow } from './deadline.entities.js';
import { DeadlineService } from './deadline.service.js';
import type { DeadlineSettings } from './deadline.settings.js';
import { timerId, type DeadlineTimer, type TimerScheduler } from './timers/timer-scheduler.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Records what is armed; can play a wiped Redis. */
class RecordingScheduler implements TimerScheduler {
  readonly armed = new Map<string, DeadlineTimer>();
  marked = false;
  async start(): Promise<void> {}
  async schedule(timers: DeadlineTimer[]): Promise<void> {
    for (const t of timers) this.armed.set(timerId(t), t);
  }
  async cancel(ids: string[]): Promise<void> {
    ids.forEach((id) => this.armed.delete(id));
  }
  async markReconciled(): Promise<void> {
    this.marked = true;
  }
  async wasWiped(): Promise<boolean> {
    return !this.marked;
  }
  wipe(): void {
    this.armed.clear();
    this.marked = false;
  }
  async close(): Promise<void> {}
}

describe('reconciling the timer store with the deadline table', () => {
  const settings: DeadlineSettings = {
    policy: DEFAULT_POLICY,
    calendar: PrcCalendar.default(),
    warnDaysBefore: [5, 1],
    windowDays: 7,
    reconcileIntervalMs: 60_000,
    escalateAfterHours: 24,
    lateEntrySettleMs: 600_000,
  };
  const start = Date.UTC(2026, 0, 5, 16); // 24:00 office time
  let now = start;
  const clock: Clock = { now: () => new Date(now) };
  let ds: DataSource;

  const serviceWith = (scheduler: TimerScheduler) => new DeadlineService(ds, null as unknown as UnitOfWork, null as unknown as OutboxRelay, clock, scheduler, settings);

  beforeEach(async () => {
    now = start;
    ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: DEADLINE_ENTITIES, synchronize: true }).initialize();
    // 300 deadlines due at 24:00 over the next 40 days; and breaches of the last 3 days awaiting escalation.
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const rows = Array.from({ length: 300 }, (_, i) => {
      const breached = i % 10 === 0;
      const dueAt = new Date(start + (breached ? -Math.floor(random() * 3) : Math.floor(random() * 40)) * DAY);
      return {
        caseId: newId(),
        kind: 'handling',
        revision: 1,
        dueAt,
        lastDay: '2026-01-01',
        state: breached ? 'breached' : 'pending',
        holder: 'unit',
        basis: 'b',
        lastWarning: null,
        breachedRevision: breached ? 1 : -1,
        escalatedRevision: -1,
      };
    });
    await ds.getRepository(DeadlineRow).insert(rows);
  });
  afterEach(() => ds.destroy());

  /** What a full comparison would arm right now, minus what has fired already. */
  const fullPassNow = async () => {
    const fresh = new RecordingScheduler();
    await serviceWith(fresh).reconcile();
    return [...fresh.armed.values()]
      .filter((t) => Date.parse(t.fireAt) > now)
      .map(timerId)
      .sort();
  };

  it('arms, pass after pass, everything a full comparison would, reading only what entered the window', async () => {
    const store = new RecordingScheduler();
    const service = serviceWith(store);
    await service.reconcile();
    let steps = 0;
    let armedByIncrement = 0;
    // Moves of 10 minutes to 30 hours, 50 times: some passes cross a midnight, most do not.
    for (const minutes of [10, 60, 600, 1800, 90, 1440, 30, 720, 1441, 5].flatMap((m) => [m, m, m, m, m])) {
      now += minutes * 60_000;
      const before = store.armed.size;
      const armed = await service.reconcileStep();
      steps++;
      if (store.marked) armedByIncrement += store.armed.size - before;
      const held = new Set([...store.armed.keys()]);
      const missing = (await fullPassNow()).filter((id) => !held.has(id));
      expect({ step: steps, missing }).toEqual({ step: steps, missing: [] });
      expect(armed).toBeLessThanOrEqual(store.armed.size);
    }
    expect(armedByIncrement).toBeGreaterThan(50); // the increments did the arming, not a full pass
  });

  it('a pass that finds nothing new reads a slice, not the window: it arms nothing', async () => {
    const store = new RecordingScheduler();
    const service = serviceWith(store);
    await service.reconcile();
    now += 60_000;
    const spy = [] as number[];
    const original = store.schedule.bind(store);
    store.schedule = async (timers) => {
      spy.push(timers.length);
      return original(timers);
    };
    await service.reconcileStep();
    expect(spy).toEqual([0]); // no midnight entered the window in that minute
  });

  it('compares the whole window again when the store was wiped (FLUSHALL) since the last pass', async () => {
    const store = new RecordingScheduler();
    const service = serviceWith(store);
    await service.reconcile();
    const full = store.armed.size;
    store.wipe();
    now += 60_000;
    await service.reconcileStep();
    expect(store.armed.size).toBe(full);
    expect(store.marked).toBe(true);
  });

  it('arms the escalation of a breach as it enters the window (breach + ESCALATE_AFTER_HOURS)', async () => {
    const store = new RecordingScheduler();
    const service = new DeadlineService(ds, null as unknown as UnitOfWork, null as unknown as OutboxRelay, clock, store, { ...settings, escalateAfterHours: 240 });
    const breach = {
      caseId: newId(),
      kind: 'handling',
      revision: 3,
      dueAt: new Date(start - DAY),
      lastDay: 'x',
      state: 'breached',
      holder: 'unit',
      basis: 'b',
      lastWarning: null,
      breachedRevision: 3,
      escalatedRevision: -1,
    };
    await ds.getRepository(DeadlineRow).insert(breach);
    const id = `${breach.caseId}.handling.r3.escalate`;
    await service.reconcile();
    expect(store.armed.has(id)).toBe(false); // due + 10 days: beyond the 7-day window
    now += DAY + HOUR;
    await service.reconcileStep();
    expect(store.armed.has(id)).toBe(false);
    now += DAY;
    await service.reconcileStep(); // now start + 2 d 1 h: the escalation (start + 9 d) has entered
    expect(store.armed.get(id)?.fireAt).toBe(new Date(start + 9 * DAY).toISOString());
  });
});
