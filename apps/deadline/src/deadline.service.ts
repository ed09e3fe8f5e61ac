import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, In, LessThanOrEqual, type EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '#libs/common';
import { createEvent, deserializeFacts, serializeFacts, type EventEnvelope } from '#libs/contracts';
import { exclusive, forUpdate } from '#libs/persistence';
import { computeDeadlines, decide, type CaseFact } from '#libs/regulation';
import { enforce, snapshotOf, UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { DeadlineCase, DeadlineRow } from './deadline.entities.js';
import { DEADLINE_SETTINGS, type DeadlineSettings } from './deadline.settings.js';
import { TIMER_SCHEDULER, timerId, type DeadlineTimer, type TimerScheduler } from './timers/timer-scheduler.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Timers whose outcome one transaction commits. */
const FIRE_BATCH = 250;

type DeadlineKey = Pick<DeadlineRow, 'caseId' | 'kind' | 'revision' | 'dueAt' | 'state' | 'holder'>;

/**
 * Keeps every deadline of every case in the database, computed by libs/regulation from the
 * case history alone, and arms timers for the near ones. A fired timer re-reads the deadline
 * and acts once per revision: a warning before the due time, the breach at it, and supervision
 * (督办) when a breach is still unmet after the grace (a conditional update decides who sends).
 */
@Injectable()
export class DeadlineService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineService.name);
  private reconcileTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMER_SCHEDULER) private readonly scheduler: TimerScheduler,
    @Inject(DEADLINE_SETTINGS) private readonly settings: DeadlineSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.start((t) => this.fire(t), this.clock);
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile().catch((e) => this.logger.error(`reconcile failed: ${e.message}`)), this.settings.reconcileIntervalMs);
    this.reconcileTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.scheduler.close();
  }

  /**
   * Adds a fact to the case history and recomputes its deadlines. Returns what to do after the
   * commit (arm new timers, cancel those of superseded revisions) and the `deadline.met` events.
   */
  async applyFact(m: EntityManager, caseId: string, fact: CaseFact): Promise<{ arm: DeadlineTimer[]; cancel: string[]; events: EventEnvelope[] }> {
    const now = this.clock.now();
    const caseRow = await m.getRepository(DeadlineCase).findOneBy({ caseId });
    const facts = [...deserializeFacts(caseRow?.facts), fact];
    await m.getRepository(DeadlineCase).update({ caseId }, { facts: serializeFacts(facts), updatedAt: now });

    const rows = m.getRepository(DeadlineRow);
    const before = new Map((await rows.findBy({ caseId })).map((r) => [r.kind, r]));
    const out = { arm: [] as DeadlineTimer[], cancel: [] as string[], events: [] as EventEnvelope[] };
    for (const d of computeDeadlines(facts, now, this.settings.policy, this.settings.calendar)) {
      const old = before.get(d.kind);
      // A breach is announced by its timer (once); until then the stored state stays pending.
      const state = d.state === 'breached' && (old?.breachedRevision ?? -1) < d.revision ? 'pending' : d.state;
      await rows.save({ caseId, kind: d.kind, revision: d.revision, dueAt: d.dueAt, lastDay: d.lastDay, state, holder: d.holder, basis: d.basis });
      const row = { caseId, kind: d.kind, revision: d.revision, dueAt: d.dueAt, state, holder: d.holder };
      if (old && old.revision !== d.revision) out.cancel.push(...this.timerIdsOf(old));
      if (state === 'pending') out.arm.push(...this.timersFor(row, now));
      else if (old && old.revision === d.revision && old.state === 'pending') {
        out.cancel.push(...this.timerIdsOf(old));
        if (state === 'met') out.events.push(createEvent('deadline.met', caseId, { kind: d.kind, revision: d.revision, dueAt: d.dueAt.toISOString(), basis: d.basis }, null, now));
      }
    }
    return out;
  }

  /** Arms and cancels timers (after the facts that caused them have committed). */
  async afterFact(plan: { arm: DeadlineTimer[]; cancel: string[] }): Promise<void> {
    await this.scheduler.cancel(plan.cancel);
    await this.scheduler.schedule(plan.arm);
  }

  /** Supervision (督办) by the petition office or a leader (Art. 39–40). */
  supervise(cmd: ServiceCommand<{ note: string }>): Promise<CommandResult> {
    return this.uow.act(cmd, {
      load: (m, caseId) => m.getRepository(DeadlineCase).findOne({ where: { caseId }, ...forUpdate(m.connection) }),
      check: (c) => enforce(decide(snapshotOf(c), 'supervise')),
      produce: (c, _at, now) => createEvent('case.supervised', c.caseId, { note: cmd.body.note, automatic: false }, cmd.actor, now),
    });
  }

  /**
   * Compares the database with the timer store: every pending deadline falling due within the
   * window, and every breach awaiting escalation, gets its timers (re)created. Adding an
   * existing timer is a no-op, so this is safe at any time and from any instance.
   */
  async reconcile(): Promise<number> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + (this.settings.windowDays + Math.max(0, ...this.settings.warnDaysBefore)) * DAY);
    const rows = await exclusive(this.dataSource, () =>
      this.dataSource.getRepository(DeadlineRow).find({ where: { state: In(['pending', 'breached']), dueAt: LessThanOrEqual(horizon) } }),
    );
    const timers = rows.flatMap((r) => (r.state === 'pending' ? this.timersFor(r, now) : r.escalatedRevision < r.revision ? [this.escalation(r)] : []));
    await this.scheduler.schedule(timers);
    return timers.length;
  }

  /**
   * A timer fired. Timers falling due together (every deadline ends at 24:00) are handled in
   * batches: one transaction commits the outcome of up to FIRE_BATCH timers, which is what
   * keeps thousands of breaches at midnight on time. Resolves when this timer's batch committed.
   */
  fire(t: DeadlineTimer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.fired.push({ t, resolve, reject });
      this.flushing ??= this.flushFired();
    });
  }

  private readonly fired: { t: DeadlineTimer; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  private async flushFired(): Promise<void> {
    await new Promise((r) => setImmediate(r)); // let the timers firing with this one join its batch
    try {
      while (this.fired.length) {
        const batch = this.fired.splice(0, FIRE_BATCH);
        try {
          await this.fireBatch(batch.map((b) => b.t));
          batch.forEach((b) => b.resolve());
        } catch {
          // One bad timer must not hold back the others: settle them one by one.
          for (const b of batch) await this.fireBatch([b.t]).then(b.resolve, b.reject);
        }
      }
    } finally {
      this.flushing = null;
      if (this.fired.length) this.flushing = this.flushFired();
    }
  }

  private async fireBatch(timers: DeadlineTimer[]): Promise<void> {
    const now = this.clock.now();
    const after: DeadlineTimer[] = [];
    await this.uow.run(async (m) => {
      const events: EventEnvelope[] = [];
      const bulk = timers.filter((t) => t.purpose !== 'escalate');
      if (bulk.length) events.push(...(await this.fireBulk(m, bulk, now, after)));
      for (const t of timers.filter((x) => x.purpose === 'escalate')) events.push(...(await this.fireOne(m, t, now, after)));
      return { result: null, events };
    });
    await this.scheduler.schedule(after);
  }

  /**
   * Breaches and warnings of a batch in a few statements: the rows are read FOR UPDATE (a second
   * instance waits, then finds them done), the still-eligible ones updated together, one event each.
   */
  private async fireBulk(m: EntityManager, timers: DeadlineTimer[], now: Date, after: DeadlineTimer[]): Promise<EventEnvelope[]> {
    const rows = await m.getRepository(DeadlineRow).find({ where: timers.map((t) => ({ caseId: t.caseId, kind: t.kind })), ...forUpdate(m.connection) });
    const byKey = new Map(rows.map((r) => [`${r.caseId}|${r.kind}`, r]));
    const events: EventEnvelope[] = [];
    const marks = new Map<string, DeadlineRow[]>(); // new lastWarning -> rows
    const breached: DeadlineRow[] = [];
    const seen = new Set<string>();
    for (const t of timers) {
      const row = byKey.get(`${t.caseId}|${t.kind}`);
      const key = `${t.caseId}|${t.kind}|${t.purpose}|${t.daysBefore ?? ''}`;
      if (!row || row.revision !== t.revision || row.state !== 'pending' || seen.has(key)) continue;
      seen.add(key);
      const due = { kind: row.kind, revision: row.revision, dueAt: row.dueAt.toISOString(), basis: row.basis };
      if (t.purpose === 'breach') {
        if (now < row.dueAt || row.breachedRevision >= row.revision) continue;
        breached.push(row);
        after.push(this.escalation(row));
        events.push(createEvent('deadline.breached', row.caseId, due, null, now));
      } else {
        const mark = `${row.revision}.${t.daysBefore}`;
        if (row.lastWarning === mark) continue;
        marks.set(mark, [...(marks.get(mark) ?? []), row]);
        const daysLeft = Math.max(0, Math.ceil((row.dueAt.getTime() - now.getTime()) / DAY));
        events.push(createEvent('deadline.warned', row.caseId, { ...due, daysLeft }, null, now));
      }
    }
    const keysOf = (rs: DeadlineRow[]) => rs.map((r) => ({ caseId: r.caseId, kind: r.kind, revision: r.revision }));
    if (breached.length) {
      for (const r of breached) Object.assign(r, { state: 'breached', breachedRevision: r.revision });
      await m.getRepository(DeadlineRow).createQueryBuilder().update().set({ state: 'breached', breachedRevision: () => 'revision' }).where(keysOf(breached)).execute();
    }
    for (const [mark, rs] of marks) await m.getRepository(DeadlineRow).createQueryBuilder().update().set({ lastWarning: mark }).where(keysOf(rs)).execute();
    return events;
  }

  /** Acts if the deadline is still that revision and in the state the timer expects; once per revision. */
  private async fireOne(m: EntityManager, t: DeadlineTimer, now: Date, after: DeadlineTimer[]): Promise<EventEnvelope[]> {
    const row = await m.getRepository(DeadlineRow).findOneBy({ caseId: t.caseId, kind: t.kind });
    if (!row || row.revision !== t.revision) return [];
    const due = { kind: row.kind, revision: row.revision, dueAt: row.dueAt.toISOString(), basis: row.basis };
    const once = (set: Partial<DeadlineRow>, where: string, params: Record<string, unknown> = {}) =>
      m
        .createQueryBuilder()
        .update(DeadlineRow)
        .set(set)
        .where(`caseId = :caseId AND kind = :kind AND revision = :revision AND ${where}`, { caseId: row.caseId, kind: row.kind, revision: row.revision, ...params })
        .execute()
        .then((r) => r.affected === 1);

    if (t.purpose === 'breach') {
      if (row.state !== 'pending' || now < row.dueAt) return [];
      if (!(await once({ state: 'breached', breachedRevision: row.revision }, 'breachedRevision < :revision'))) return [];
      after.push(this.escalation(row));
      return [createEvent('deadline.breached', row.caseId, due, null, now)];
    }
    if (t.purpose === 'escalate') {
      if (row.state !== 'breached') return [];
      const c = await m.getRepository(DeadlineCase).findOneBy({ caseId: row.caseId });
      if (!c || !decide(snapshotOf(c), 'supervise').ok) return [];
      if (!(await once({ escalatedRevision: row.revision }, 'escalatedRevision < :revision'))) return [];
      const note = `逾期未办：${row.basis}（到期 ${row.lastDay}），自动督办`;
      return [createEvent('case.supervised', row.caseId, { note, automatic: true }, null, now)];
    }
    if (row.state !== 'pending') return [];
    const mark = `${row.revision}.${t.daysBefore}`;
    if (!(await once({ lastWarning: mark }, '(lastWarning IS NULL OR lastWarning <> :mark)', { mark }))) return [];
    const daysLeft = Math.max(0, Math.ceil((row.dueAt.getTime() - now.getTime()) / DAY));
    return [createEvent('deadline.warned', row.caseId, { ...due, daysLeft }, null, now)];
  }

  private escalation(d: Pick<DeadlineRow, 'caseId' | 'kind' | 'revision' | 'dueAt'>): DeadlineTimer {
    const at = new Date(d.dueAt.getTime() + this.settings.escalateAfterHours * HOUR);
    return { caseId: d.caseId, kind: d.kind, revision: d.revision, purpose: 'escalate', fireAt: at.toISOString() };
  }

  private timerIdsOf(d: DeadlineKey): string[] {
    const base = { caseId: d.caseId, kind: d.kind, revision: d.revision };
    return [
      ...this.settings.warnDaysBefore.map((days) => timerId({ ...base, purpose: 'warn', daysBefore: days })),
      timerId({ ...base, purpose: 'breach' }),
      timerId({ ...base, purpose: 'escalate' }),
    ];
  }

  private timersFor(d: DeadlineKey, now: Date): DeadlineTimer[] {
    // The petitioner's own windows (evaluation, asking for review) lapse; nobody breaches them.
    if (d.holder === 'petitioner') return [];
    const horizon = now.getTime() + this.settings.windowDays * DAY;
    const base = { caseId: d.caseId, kind: d.kind, revision: d.revision };
    const timers: DeadlineTimer[] = [];
    for (const days of this.settings.warnDaysBefore) {
      const at = d.dueAt.getTime() - days * DAY;
      if (at > now.getTime() && at <= horizon) timers.push({ ...base, purpose: 'warn', daysBefore: days, fireAt: new Date(at).toISOString() });
    }
    if (d.dueAt.getTime() <= horizon) {
      const overdue = d.dueAt.getTime() <= now.getTime();
      const fireAt = overdue ? new Date(now.getTime() + this.settings.lateEntrySettleMs) : d.dueAt;
      timers.push({ ...base, purpose: 'breach', fireAt: fireAt.toISOString() });
    }
    return timers;
  }
}
