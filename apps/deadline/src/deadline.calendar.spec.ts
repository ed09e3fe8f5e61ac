import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '#libs/common';
import type { EventEnvelope } from '#libs/contracts';
import type { OutboxRelay } from '#libs/messaging';
import { DEFAULT_POLICY, PRC_CALENDAR_DATA, PrcCalendar, type CaseFact, type DeadlinePolicy } from '#libs/regulation';
import type { UnitOfWork } from '#libs/runtime';
import { DEADLINE_ENTITIES, DeadlineCase, DeadlineRow } from './deadline.entities.js';
import { DeadlineService } from './deadline.service.js';
import type { DeadlineSettings } from './deadline.settings.js';
import { timerId, type DeadlineTimer, type TimerScheduler } from './timers/timer-scheduler.js';

class RecordingScheduler implements TimerScheduler {
  readonly armed = new Map<string, DeadlineTimer>();
  async start(): Promise<void> {}
  async schedule(timers: DeadlineTimer[]): Promise<void> {
    for (const t of timers) if (!this.armed.has(timerId(t))) this.armed.set(timerId(t), t);
  }
  async cancel(ids: string[]): Promise<void> {
    ids.forEach((id) => this.armed.delete(id));
  }
  async markReconciled(): Promise<void> {}
  async wasWiped(): Promise<boolean> {
    return false;
  }
  async close(): Promise<void> {}
  of(kind: string): DeadlineTimer[] {
    return [...this.armed.values()].filter((t) => t.kind === kind);
  }
}

const at = (local: string) => new Date(`${local}+08:00`);
/** The bundled calendar plus a 2027 whose New Year's Day is a holiday (as a loaded CALENDAR_FILE would be). */
const with2027 = new PrcCalendar({ ...PRC_CALENDAR_DATA, years: { ...PRC_CALENDAR_DATA.years, '2027': { holidays: ['2027-01-01'], workdays: [] } } });

/**
 * A case routed on 2026-12-28: its 5-working-day objection window runs into 2027, which the
 * bundled calendar lacks. The deadline service must neither guess it nor fail the case, and must
 * put it right at the first start whose calendar has 2027.
 */
describe('deadlines waiting for a year the holiday calendar lacks', () => {
  let ds: DataSource;
  const now = at('2026-12-28T12:00:00');
  const clock: Clock = { now: () => now };
  const uow = {
    run: (work: (m: EntityManager) => Promise<{ result: unknown; events: EventEnvelope[] }>) => ds.transaction(async (m) => ({ ...(await work(m)), eventIds: [] })),
  } as unknown as UnitOfWork;
  const settings = (policy: DeadlinePolicy, calendar: PrcCalendar): DeadlineSettings => ({
    policy,
    calendar,
    warnDaysBefore: [5, 1],
    windowDays: 7,
    reconcileIntervalMs: 60_000,
    escalateAfterHours: 24,
    lateEntrySettleMs: 600_000,
  });
  const serviceWith = (s: DeadlineSettings, scheduler: TimerScheduler) => new DeadlineService(ds, uow, null as unknown as OutboxRelay, clock, scheduler, s);

  /** What the event handlers do for case.registered and case.routed. */
  const receive = async (service: DeadlineService, _scheduler: TimerScheduler) => {
    const facts: CaseFact[] = [
      { type: 'registered', at: at('2026-12-20T09:00:00') },
      { type: 'routed', at: at('2026-12-28T10:00:00'), mode: 'transfer', unitCode: 'U01' },
    ];
    await ds.getRepository(DeadlineCase).insert({ caseId: 'c1', facts: '[]', status: 'registered', reviewed: false, extensionDaysUsed: 0, supervised: false, updatedAt: now });
    for (const f of facts) {
      const plan = await ds.transaction((m) => service.applyFact(m, 'c1', f));
      await service.afterFact(plan);
    }
  };
  const rows = async () => new Map((await ds.getRepository(DeadlineRow).findBy({ caseId: 'c1' })).map((r) => [r.kind, r]));
  const awaits = async () => (await ds.getRepository(DeadlineCase).findOneByOrFail({ caseId: 'c1' })).awaitsCalendarYear;

  beforeEach(async () => {
    ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: DEADLINE_ENTITIES, synchronize: true }).initialize();
  });
  afterEach(() => ds.destroy());

  it("'withhold': no row and no timer for the objection window, the rest as usual; computed at the start that brings 2027", async () => {
    const policy: DeadlinePolicy = { ...DEFAULT_POLICY, onUncoveredYear: 'withhold' };
    const before = new RecordingScheduler();
    await receive(serviceWith(settings(policy, PrcCalendar.default()), before), before);
    const stored = await rows();
    expect([...stored.keys()].sort()).toEqual(['acceptance-notice', 'route']);
    expect(stored.get('acceptance-notice')).toMatchObject({ state: 'pending', lastDay: '2027-01-12' });
    expect(before.of('objection')).toEqual([]);
    expect(await awaits()).toBe(2027);

    // A restart without the data changes nothing.
    expect(await serviceWith(settings(policy, PrcCalendar.default()), before).recomputeForCalendar()).toBe(0);
    expect(await awaits()).toBe(2027);

    // The restart with CALENDAR_FILE holding 2027.
    const after = new RecordingScheduler();
    const service = serviceWith(settings(policy, with2027), after);
    expect(await service.recomputeForCalendar()).toBe(1);
    expect((await rows()).get('objection')).toMatchObject({ state: 'pending', revision: 1, lastDay: '2027-01-05', dueAt: at('2027-01-06T00:00:00') });
    expect(after.of('objection').map((t) => `${t.purpose}${t.daysBefore ?? ''}@${t.fireAt}`)).toEqual([`warn5@${at('2027-01-01T00:00:00').toISOString()}`]);
    expect(await awaits()).toBeNull();
    expect(await service.recomputeForCalendar()).toBe(0);
  });

  it("'provisional': the assumed date is replaced by the real one and its timers re-armed at the new instant", async () => {
    const policy: DeadlinePolicy = { ...DEFAULT_POLICY, onUncoveredYear: 'provisional' };
    const scheduler = new RecordingScheduler();
    await receive(serviceWith(settings(policy, PrcCalendar.default()), scheduler), scheduler);
    // 元旦 (2027-01-01) is off by law; the days around it the notice could still change are assumed ordinary: 01-04 a working Monday.
    expect((await rows()).get('objection')).toMatchObject({ lastDay: '2027-01-05' });
    expect(scheduler.of('objection').map((t) => t.fireAt)).toEqual([at('2027-01-01T00:00:00').toISOString()]);
    expect(await awaits()).toBe(2027);

    // The notice makes 01-04 a rest day too (a bridge day): the window ends a day later, its warning moves with it.
    const withBridge = new PrcCalendar({ ...PRC_CALENDAR_DATA, years: { ...PRC_CALENDAR_DATA.years, '2027': { holidays: ['2027-01-01', '2027-01-04'], workdays: [] } } });
    expect(await serviceWith(settings(policy, withBridge), scheduler).recomputeForCalendar()).toBe(1);
    expect((await rows()).get('objection')).toMatchObject({ lastDay: '2027-01-06', revision: 1 });
    expect(scheduler.of('objection').map((t) => t.fireAt)).toEqual([at('2027-01-02T00:00:00').toISOString()]);
    expect(await awaits()).toBeNull();
  });
});
