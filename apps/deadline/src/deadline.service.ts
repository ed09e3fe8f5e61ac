import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, LessThanOrEqual, type EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '#libs/common';
import { createEvent, deserializeFacts, serializeFacts } from '#libs/contracts';
import { computeDeadlines, type CaseFact } from '#libs/regulation';
import { UnitOfWork } from '#libs/runtime';
import { exclusive } from '#libs/persistence';
import { DeadlineCase, DeadlineRow } from './deadline.entities.js';
import { DEADLINE_SETTINGS, type DeadlineSettings } from './deadline.settings.js';
import { TIMER_SCHEDULER, timerId, type DeadlineTimer, type TimerScheduler } from './timers/timer-scheduler.js';

const DAY = 86_400_000;

/**
 * Keeps every deadline of every case in the database, computed by libs/regulation from the
 * case history alone, and arms timers for the near ones. A fired timer re-reads the deadline
 * and emits its warning or breach once per revision (a conditional update decides who sends).
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
    await this.scheduler.start((t) => this.fire(t));
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile().catch((e) => this.logger.error(`reconcile failed: ${e.message}`)), this.settings.reconcileIntervalMs);
    this.reconcileTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.scheduler.close();
  }

  /** Adds a fact to the case history and recomputes its deadlines; returns the timers to arm. */
  async applyFact(m: EntityManager, caseId: string, fact: CaseFact): Promise<DeadlineTimer[]> {
    const now = this.clock.now();
    const caseRepo = m.getRepository(DeadlineCase);
    const existing = await caseRepo.findOneBy({ caseId });
    const facts = [...deserializeFacts(existing?.facts), fact];
    await caseRepo.save({ caseId, facts: serializeFacts(facts), updatedAt: now });

    const rows = m.getRepository(DeadlineRow);
    const timers: DeadlineTimer[] = [];
    for (const d of computeDeadlines(facts, now, this.settings.policy, this.settings.calendar)) {
      const state = d.state === 'breached' && !(await this.breachAnnounced(m, caseId, d.kind, d.revision)) ? 'pending' : d.state;
      await rows.save({
        caseId,
        kind: d.kind,
        revision: d.revision,
        dueAt: d.dueAt,
        lastDay: d.lastDay,
        state,
        holder: d.holder,
        basis: d.basis,
      });
      if (state === 'pending') timers.push(...this.timersFor({ caseId, kind: d.kind, revision: d.revision, dueAt: d.dueAt }, now));
    }
    return timers;
  }

  /** Arms timers (after the facts that caused them have committed). */
  arm(timers: DeadlineTimer[]): Promise<void> {
    return this.scheduler.schedule(timers);
  }

  /**
   * Compares the database with the timer store: every pending deadline falling due within the
   * window gets its timers (re)created. Adding an existing timer is a no-op.
   */
  async reconcile(): Promise<number> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + (this.settings.windowDays + Math.max(0, ...this.settings.warnDaysBefore)) * DAY);
    const pending = await exclusive(this.dataSource, () =>
      this.dataSource.getRepository(DeadlineRow).find({ where: { state: 'pending', dueAt: LessThanOrEqual(horizon) } }),
    );
    const timers = pending.flatMap((r) => this.timersFor(r, now));
    await this.scheduler.schedule(timers);
    return timers.length;
  }

  /** A timer fired: send the warning or the breach if the deadline is still that revision and pending. */
  async fire(t: DeadlineTimer): Promise<void> {
    const now = this.clock.now();
    await this.uow.run(async (m) => {
      const row = await m.getRepository(DeadlineRow).findOneBy({ caseId: t.caseId, kind: t.kind });
      if (!row || row.revision !== t.revision || row.state !== 'pending') return { result: null, events: [] };
      const due = { kind: row.kind, revision: row.revision, dueAt: row.dueAt.toISOString(), basis: row.basis };
      if (t.purpose === 'breach') {
        if (now < row.dueAt) return { result: null, events: [] };
        const res = await m
          .createQueryBuilder()
          .update(DeadlineRow)
          .set({ state: 'breached', breachedRevision: row.revision })
          .where('caseId = :caseId AND kind = :kind AND revision = :revision AND breachedRevision < :revision', { caseId: row.caseId, kind: row.kind, revision: row.revision })
          .execute();
        if (res.affected !== 1) return { result: null, events: [] };
        return { result: null, events: [createEvent('deadline.breached', row.caseId, due, null, now)] };
      }
      const mark = `${row.revision}.${t.daysBefore}`;
      const res = await m
        .createQueryBuilder()
        .update(DeadlineRow)
        .set({ lastWarning: mark })
        .where('caseId = :caseId AND kind = :kind AND revision = :revision AND (lastWarning IS NULL OR lastWarning <> :mark)', { caseId: row.caseId, kind: row.kind, revision: row.revision, mark })
        .execute();
      if (res.affected !== 1) return { result: null, events: [] };
      const daysLeft = Math.max(0, Math.ceil((row.dueAt.getTime() - now.getTime()) / DAY));
      return { result: null, events: [createEvent('deadline.warned', row.caseId, { ...due, daysLeft }, null, now)] };
    });
  }

  private async breachAnnounced(m: EntityManager, caseId: string, kind: string, revision: number): Promise<boolean> {
    const row = await m.getRepository(DeadlineRow).findOneBy({ caseId, kind });
    return !!row && row.breachedRevision >= revision;
  }

  private timersFor(d: { caseId: string; kind: string; revision: number; dueAt: Date }, now: Date): DeadlineTimer[] {
    const horizon = now.getTime() + this.settings.windowDays * DAY;
    const base = { caseId: d.caseId, kind: d.kind, revision: d.revision };
    const timers: DeadlineTimer[] = [];
    for (const days of this.settings.warnDaysBefore) {
      const at = d.dueAt.getTime() - days * DAY;
      if (at > now.getTime() && at <= horizon) timers.push({ ...base, purpose: 'warn', daysBefore: days, fireAt: new Date(at).toISOString() });
    }
    if (d.dueAt.getTime() <= horizon) timers.push({ ...base, purpose: 'breach', fireAt: d.dueAt.toISOString() });
    return timers;
  }
}

export { timerId };
