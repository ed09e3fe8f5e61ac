import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { And, DataSource, In, IsNull, LessThanOrEqual, MoreThan, Not, type EntityManager } from 'typeorm';
import { CLOCK, maskText, NotFoundError, type Clock } from '#libs/common';
import { createEvent, deserializeFacts, serializeFacts, type EventEnvelope, type SuperviseBody } from '#libs/contracts';
import { OutboxRelay } from '#libs/messaging';
import { exclusive, forUpdate } from '#libs/persistence';
import { assessDeadlines, decide, formatInstant, type CaseFact } from '#libs/regulation';
import { enforce, snapshotOf, UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { DeadlineCase, DeadlineRow } from './deadline.entities.js';
import { DEADLINE_SETTINGS, type DeadlineSettings } from './deadline.settings.js';
import { TIMER_SCHEDULER, timerId, type DeadlineTimer, type TimerScheduler } from './timers/timer-scheduler.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Timers whose outcome one transaction commits. */
const FIRE_BATCH = 500;
/** Batch transactions in flight at once (within the pool of 10 connections). */
const FIRE_PARALLEL = 4;
/** Every this many periodic reconcile passes, one compares the whole window again. */
const FULL_PASS_EVERY = 60;
/** What arming a deadline's timers needs of its row. */
const TIMER_COLUMNS = { caseId: true, kind: true, revision: true, dueAt: true, state: true, holder: true, escalatedRevision: true } as const;
/** A fired timer's caller hears of its commit at the latest this long after it (see fire()). */
const DONE_AFTER_MS = 2000;
/** The longest the outbox relay waits for a burst of fired timers to commit. */
const RELAY_HOLD_MS = 3000;
/** Timers taken ahead within this long of each other are prepared together. */
const PREPARE_GATHER_MS = 20;
/** A prepared outcome whose timer has not fired this long after its instant is dropped (fired elsewhere). */
const PREPARED_TTL_MS = 60_000;

/** The timeline's name of each step the case history holds (the back-dating check names it). */
const STEP_OF_FACT: Record<string, string> = {
  'acceptance-notified': 'acceptance-notice-served',
  'opinion-served': 'opinion-served',
  'review-opinion-issued': 'review-opinion',
  're-review-opinion-issued': 're-review-opinion',
};

interface Firing {
  t: DeadlineTimer;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Case ids by deadline kind (the deadline's key is case + kind). */
function groupByKind(keys: Pick<DeadlineRow, 'caseId' | 'kind'>[]): Map<string, string[]> {
  const byKind = new Map<string, string[]>();
  for (const k of keys) {
    const ids = byKind.get(k.kind);
    if (ids) ids.push(k.caseId);
    else byKind.set(k.kind, [k.caseId]);
  }
  return byKind;
}

/** What firing a timer reads of its deadline. */
type FiringRow = Pick<DeadlineRow, 'caseId' | 'kind' | 'revision' | 'dueAt' | 'state' | 'basis' | 'lastWarning' | 'breachedRevision'>;

/** What a breach or warning timer does to its deadline when it fires. */
interface Outcome {
  event: EventEnvelope;
  /** A breach's escalation timer. */
  escalation: DeadlineTimer | null;
  /** A warning's new lastWarning mark. */
  mark: string | null;
}

/** The outcome of a timer taken ahead, built from its row as read then (see prepare). */
interface Prepared extends Outcome {
  t: DeadlineTimer;
  row: FiringRow;
}

/** A prepared outcome no longer matched its row at the instant: the batch is done afresh. */
class StalePreparation extends Error {}

/** What a fact does to the timers (after its commit) and which events it sends. */
interface FactPlan {
  arm: DeadlineTimer[];
  cancel: string[];
  events: EventEnvelope[];
}

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
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMER_SCHEDULER) private readonly scheduler: TimerScheduler,
    @Inject(DEADLINE_SETTINGS) private readonly settings: DeadlineSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.start(
      (t) => this.fire(t),
      this.clock,
      (t) => this.prepare(t),
    );
    await this.recomputeForCalendar();
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcileStep().catch((e) => this.logger.error(`reconcile failed: ${maskText(String(e?.message ?? e))}`)), this.settings.reconcileIntervalMs);
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
  async applyFact(m: EntityManager, caseId: string, fact: CaseFact): Promise<FactPlan> {
    const caseRow = await m.getRepository(DeadlineCase).findOneBy({ caseId });
    return this.recompute(m, caseId, [...deserializeFacts(caseRow?.facts), fact]);
  }

  /** Stores the case history and the deadlines computed from it (see applyFact). */
  private async recompute(m: EntityManager, caseId: string, facts: CaseFact[]): Promise<FactPlan> {
    const now = this.clock.now();
    const { deadlines, withheld } = assessDeadlines(facts, now, this.settings.policy, this.settings.calendar);
    const missingYears = [...withheld.map((w) => w.year), ...deadlines.flatMap((d) => d.assumedYears ?? [])];
    await m.getRepository(DeadlineCase).update({ caseId }, { facts: serializeFacts(facts), updatedAt: now, awaitsCalendarYear: missingYears.length ? Math.min(...missingYears) : null });

    const rows = m.getRepository(DeadlineRow);
    const before = new Map((await rows.findBy({ caseId })).map((r) => [r.kind, r]));
    const out: FactPlan = { arm: [], cancel: [], events: [] };
    for (const d of deadlines) {
      const old = before.get(d.kind);
      // A breach is announced by its timer (once); until then the stored state stays pending.
      const state = d.state === 'breached' && (old?.breachedRevision ?? -1) < d.revision ? 'pending' : d.state;
      // Moved within its revision (a holiday notice loaded): the warnings are owed again for the new date.
      const moved = !!old && old.revision === d.revision && old.dueAt.getTime() !== d.dueAt.getTime();
      await rows.save({ caseId, kind: d.kind, revision: d.revision, dueAt: d.dueAt, lastDay: d.lastDay, state, holder: d.holder, basis: d.basis, ...(moved ? { lastWarning: null } : {}) });
      const row = { caseId, kind: d.kind, revision: d.revision, dueAt: d.dueAt, state, holder: d.holder };
      // A new revision, or the same one with its real date once the calendar has the year.
      if (old && (old.revision !== d.revision || old.dueAt.getTime() !== d.dueAt.getTime())) out.cancel.push(...this.timerIdsOf(old));
      if (state === 'pending') out.arm.push(...this.timersFor(row, now));
      else if (old && old.revision === d.revision && old.state === 'pending') {
        out.cancel.push(...this.timerIdsOf(old));
        if (state === 'met') out.events.push(createEvent('deadline.met', caseId, { kind: d.kind, revision: d.revision, dueAt: d.dueAt.toISOString(), basis: d.basis }, null, now));
      }
    }
    for (const w of withheld) {
      // No due date until the calendar has the year: no row, no timer. An earlier revision's row
      // (and its timers) would otherwise fire on a due date that no longer applies.
      const old = before.get(w.kind);
      if (old) {
        out.cancel.push(...this.timerIdsOf(old));
        await rows.delete({ caseId, kind: w.kind });
      }
      if (w.metAt === undefined && w.mootAt === undefined) this.logger.warn(`case ${caseId}: ${w.kind} deadline withheld until the calendar has ${w.year}`);
    }
    return out;
  }

  /**
   * Recomputes the cases whose deadlines waited for a year the calendar now has (loaded with
   * CALENDAR_FILE): withheld deadlines get their due dates and timers, provisional ones their
   * real dates. One transaction per case, as if a fact had arrived.
   */
  async recomputeForCalendar(): Promise<number> {
    const waiting = await exclusive(this.dataSource, () =>
      this.dataSource.getRepository(DeadlineCase).find({ select: { caseId: true, awaitsCalendarYear: true }, where: { awaitsCalendarYear: Not(IsNull()) } }),
    );
    const ready = waiting.filter((c) => this.settings.calendar.covers(c.awaitsCalendarYear!));
    let done = 0;
    for (const { caseId } of ready) {
      try {
        const { result: plan } = await this.uow.run(async (m) => {
          const c = await m.getRepository(DeadlineCase).findOne({ where: { caseId }, ...forUpdate(m.connection) });
          // Another instance may have been first.
          const due = c && c.awaitsCalendarYear !== null && this.settings.calendar.covers(c.awaitsCalendarYear);
          const plan: FactPlan = due ? await this.recompute(m, caseId, deserializeFacts(c.facts)) : { arm: [], cancel: [], events: [] };
          return { result: plan, events: plan.events };
        });
        await this.afterFact(plan);
        done++;
      } catch (e) {
        this.logger.error(`case ${caseId}: recomputing with the new calendar failed (next start tries again): ${maskText(String((e as Error)?.message ?? e))}`);
      }
    }
    if (done) this.logger.log(`recomputed ${done} case(s) whose deadlines waited for the holiday calendar`);
    return done;
  }

  /** Arms and cancels timers (after the facts that caused them have committed). */
  async afterFact(plan: { arm: DeadlineTimer[]; cancel: string[] }): Promise<void> {
    for (const id of plan.cancel) this.prepared.delete(id);
    await this.scheduler.cancel(plan.cancel);
    await this.scheduler.schedule(plan.arm);
  }

  /**
   * The case's latest step taken by a person, by the instant it happened, from this service's own
   * copy of the case history (it follows every step): a back-dated correction (admin) may not go
   * before it. First catches up with `after`, the newest event of the case the gateway knows of.
   * Timers' own events are not steps; repeat contacts and manual supervision are not in the facts.
   */
  async lastStep(params: { id: string; after?: string | null }): Promise<{ type: string; at: string } | null> {
    await this.uow.catchUp(params.after);
    const row = await this.dataSource.getRepository(DeadlineCase).findOneBy({ caseId: params.id });
    if (!row) throw new NotFoundError(`案件 ${params.id} 不存在`);
    const last = deserializeFacts(row.facts).reduce<CaseFact | null>((a, f) => (!a || f.at.getTime() >= a.at.getTime() ? f : a), null);
    return last ? { type: STEP_OF_FACT[last.type] ?? last.type, at: formatInstant(last.at, this.settings.policy.timeZone) } : null;
  }

  /** Supervision (督办) by the petition office or a leader (Art. 39–40). */
  supervise(cmd: ServiceCommand<SuperviseBody>): Promise<CommandResult> {
    return this.uow.act(cmd, {
      load: (m, caseId) => m.getRepository(DeadlineCase).findOne({ where: { caseId }, ...forUpdate(m.connection) }),
      check: (c) => enforce(decide(snapshotOf(c), 'supervise')),
      produce: (c, _at, now) => createEvent('case.supervised', c.caseId, { note: cmd.body.note, automatic: false }, cmd.actor, now),
    });
  }

  /**
   * Compares the database with the timer store: every pending deadline falling due within the
   * window, and every breach awaiting escalation, gets its timers (re)created. Adding an
   * existing timer is a no-op, so this is safe at any time and from any instance. Runs at start,
   * every FULL_PASS_EVERY periodic passes, and whenever the timer store was found wiped.
   */
  async reconcile(): Promise<number> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + (this.settings.windowDays + Math.max(0, ...this.settings.warnDaysBefore)) * DAY);
    const rows = await exclusive(this.dataSource, () =>
      this.dataSource.getRepository(DeadlineRow).find({ select: TIMER_COLUMNS, where: { state: In(['pending', 'breached']), dueAt: LessThanOrEqual(horizon) } }),
    );
    const through = now.getTime() + this.settings.windowDays * DAY;
    const timers = [...rows.filter((r) => r.state === 'pending').flatMap((r) => this.timersFor(r, now)), ...this.escalationsBy(rows, through)];
    await this.scheduler.schedule(timers);
    await this.scheduler.markReconciled();
    this.armedThrough = through;
    this.passes = 0;
    return timers.length;
  }

  /** Every timer firing up to this instant has been armed (by the last full pass and the passes since). */
  private armedThrough: number | null = null;
  private passes = 0;

  /**
   * The periodic pass: arms only the timers that entered the window since the last pass. A timer
   * fires a fixed offset from its deadline's due instant (the breach at it, a warning days before,
   * an escalation hours after), so for each offset one range read on (state, dueAt) finds them.
   * New and changed deadlines arm their own timers when their facts commit; this catches the
   * far ones as the window moves over them.
   */
  async reconcileStep(): Promise<number> {
    if (this.armedThrough === null || ++this.passes >= FULL_PASS_EVERY || (await this.scheduler.wasWiped())) return this.reconcile();
    const now = this.clock.now();
    const from = this.armedThrough;
    const through = now.getTime() + this.settings.windowDays * DAY;
    if (through <= from) return 0;
    const repo = this.dataSource.getRepository(DeadlineRow);
    const entered = (state: 'pending' | 'breached', offsetMs: number) =>
      repo.find({ select: TIMER_COLUMNS, where: { state, dueAt: And(MoreThan(new Date(from + offsetMs)), LessThanOrEqual(new Date(through + offsetMs))) } });
    const [pending, breached] = await exclusive(this.dataSource, async () => [
      (await Promise.all([0, ...this.settings.warnDaysBefore].map((days) => entered('pending', days * DAY)))).flat(),
      await entered('breached', -this.settings.escalateAfterHours * HOUR),
    ]);
    const timers = [...pending.flatMap((r) => this.timersFor(r, now)), ...this.escalationsBy(breached, through)];
    await this.scheduler.schedule(timers);
    this.armedThrough = through;
    return timers.length;
  }

  /**
   * A timer fired. Timers falling due together (every deadline ends at 24:00) are handled in
   * batches: one transaction commits the outcome of up to FIRE_BATCH timers, and up to
   * FIRE_PARALLEL such transactions run at once (they touch different rows), which is what keeps
   * thousands of breaches at midnight on time. Resolves once this timer's batch has committed
   * and the burst it came with is through (or DONE_AFTER_MS later): the timer store's own
   * bookkeeping of a fired timer then waits until the burst's breaches are in.
   */
  fire(t: DeadlineTimer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.fired.push({ t, resolve, reject });
      if (this.firing === 0 && !this.starting) {
        this.starting = true;
        // Let the timers firing with this one join its batch.
        setImmediate(() => {
          this.starting = false;
          this.startFiring();
        });
      }
    });
  }

  private readonly fired: Firing[] = [];
  /** Batch loops running (at most FIRE_PARALLEL), and whether a start is already queued. */
  private firing = 0;
  private starting = false;
  /** The outbox relay waits while a burst commits (see OutboxRelay.hold). */
  private releaseRelay: (() => void) | null = null;
  /** Committed timers whose callers have not been told yet, and since when the oldest waits. */
  private readonly committed: Firing[] = [];
  private committedSince = 0;

  private startFiring(): void {
    this.releaseRelay ??= this.relay.hold(RELAY_HOLD_MS);
    while (this.firing < FIRE_PARALLEL && this.fired.length > this.firing * FIRE_BATCH) {
      this.firing++;
      void this.fireLoop().finally(() => {
        this.firing--;
        if (this.fired.length) return this.startFiring();
        if (this.firing === 0) this.burstDone();
      });
    }
  }

  private async fireLoop(): Promise<void> {
    while (this.fired.length) {
      const batch = this.fired.splice(0, FIRE_BATCH);
      try {
        await this.fireBatch(batch.map((b) => b.t));
        this.settle(batch);
      } catch {
        // One bad timer must not hold back the others: settle them one by one.
        for (const b of batch) await this.fireBatch([b.t]).then(() => this.settle([b]), b.reject);
      }
    }
  }

  private settle(batch: Firing[]): void {
    if (!this.committed.length) this.committedSince = Date.now();
    this.committed.push(...batch);
    if (Date.now() - this.committedSince >= DONE_AFTER_MS) this.committed.splice(0).forEach((b) => b.resolve());
  }

  private burstDone(): void {
    this.releaseRelay?.();
    this.releaseRelay = null;
    this.committed.splice(0).forEach((b) => b.resolve());
    const timers = this.escalations.splice(0);
    // Should this fail, reconcile() arms every breach still awaiting escalation.
    if (timers.length) void this.scheduler.schedule(timers).catch((e) => this.logger.warn(`escalation timers not armed yet (reconcile will): ${maskText(String(e?.message ?? e))}`));
  }

  /** Escalation timers of the breaches just committed (a day away): armed once a burst is over. */
  private readonly escalations: DeadlineTimer[] = [];

  private async fireBatch(timers: DeadlineTimer[]): Promise<void> {
    const now = this.clock.now();
    const after: DeadlineTimer[] = [];
    try {
      await this.uow.run(async (m) => {
        const events: EventEnvelope[] = [];
        const bulk = timers.filter((t) => t.purpose !== 'escalate');
        if (bulk.length) events.push(...(await this.fireBulk(m, bulk, now, after)));
        for (const t of timers.filter((x) => x.purpose === 'escalate')) events.push(...(await this.escalate(m, t, now)));
        return { result: null, events };
      });
    } catch (e) {
      // Rolled back; the batch's prepared outcomes are gone, so this time it reads its rows.
      if (e instanceof StalePreparation) return this.fireBatch(timers);
      throw e;
    }
    this.escalations.push(...after);
  }

  /** Outcomes built ahead, by timer id: at most one per timer held by this instance. */
  private readonly prepared = new Map<string, Prepared>();
  private readonly toPrepare: DeadlineTimer[] = [];
  /** The preparation run under way, if any. */
  private preparation: Promise<void> | null = null;

  /**
   * A breach or warning timer taken ahead of its instant (TIMER_LEAD_MS): its row is read (no
   * lock) and its event built now, so that at the instant only a conditional update and the
   * inserts remain. At 24:00 thousands fall due together; this is work they no longer queue for.
   * Resolves when the run that prepares it is over; never rejects.
   */
  prepare(t: DeadlineTimer): Promise<void> {
    if (t.purpose === 'escalate') return Promise.resolve();
    this.toPrepare.push(t);
    return (this.preparation ??= this.runPreparation());
  }

  private async runPreparation(): Promise<void> {
    await new Promise((r) => setTimeout(r, PREPARE_GATHER_MS)); // let the timers taken with this one join it
    try {
      const expired = this.clock.now().getTime() - PREPARED_TTL_MS;
      for (const [id, p] of this.prepared) if (Date.parse(p.t.fireAt) < expired) this.prepared.delete(id);
      while (this.toPrepare.length) await this.prepareBatch(this.toPrepare.splice(0, FIRE_BATCH));
    } catch (e) {
      // Nothing lost: unprepared timers read their rows when they fire.
      this.toPrepare.length = 0;
      this.logger.warn(`preparing timers failed: ${maskText(String((e as Error)?.message ?? e))}`);
    } finally {
      // Synchronously after the last look at the queue: a timer taken later starts a new run.
      this.preparation = null;
    }
  }

  private async prepareBatch(timers: DeadlineTimer[]): Promise<void> {
    const rows = await exclusive(this.dataSource, () => this.readRows(this.dataSource.manager, timers, false));
    const byKey = new Map(rows.map((r) => [`${r.caseId}|${r.kind}`, r]));
    for (const t of timers) {
      const row = byKey.get(`${t.caseId}|${t.kind}`);
      // Decided as of the timer's instant: the event says when the breach or warning happened.
      const outcome = row && this.outcomeOf(t, row, new Date(t.fireAt));
      if (outcome) this.prepared.set(timerId(t), { ...outcome, t, row });
    }
  }

  /** What the timer does to this row at `at`, or null if the row no longer calls for it. */
  private outcomeOf(t: DeadlineTimer, row: FiringRow, at: Date): Outcome | null {
    if (row.revision !== t.revision || row.state !== 'pending') return null;
    const due = { kind: row.kind, revision: row.revision, dueAt: row.dueAt.toISOString(), basis: row.basis };
    if (t.purpose === 'breach') {
      if (at < row.dueAt || row.breachedRevision >= row.revision) return null;
      return { event: createEvent('deadline.breached', row.caseId, due, null, at), escalation: this.escalation(row), mark: null };
    }
    const mark = `${row.revision}.${t.daysBefore}`;
    if (row.lastWarning === mark) return null;
    const daysLeft = Math.max(0, Math.ceil((row.dueAt.getTime() - at.getTime()) / DAY));
    return { event: createEvent('deadline.warned', row.caseId, { ...due, daysLeft }, null, at), escalation: null, mark };
  }

  /**
   * Breaches and warnings of a batch in a few statements. Prepared timers: one conditional update
   * per group, which must hit every row of the group as it was read (a second instance, or a
   * fact since, makes it miss: StalePreparation). The others: their rows read FOR UPDATE (a second
   * instance waits, then finds them done), the still-eligible ones updated together.
   */
  private async fireBulk(m: EntityManager, timers: DeadlineTimer[], now: Date, after: DeadlineTimer[]): Promise<EventEnvelope[]> {
    const events: EventEnvelope[] = [];
    const groups = new Map<string, Prepared[]>();
    const fresh: DeadlineTimer[] = [];
    for (const t of timers) {
      const id = timerId(t);
      const p = this.prepared.get(id);
      this.prepared.delete(id);
      if (!p) {
        fresh.push(t);
        continue;
      }
      const key = `${p.mark ?? 'breach'}|${p.row.kind}|${p.row.revision}|${p.row.dueAt.getTime()}`;
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    for (const group of groups.values()) {
      if ((await this.updatePrepared(m, group)) !== group.length) throw new StalePreparation();
      for (const p of group) {
        events.push(p.event);
        if (p.escalation) after.push(p.escalation);
      }
    }
    if (!fresh.length) return events;

    const rows = await this.readRows(m, fresh, true);
    const byKey = new Map(rows.map((r) => [`${r.caseId}|${r.kind}`, r]));
    const marks = new Map<string, FiringRow[]>(); // new lastWarning -> rows
    const breached: FiringRow[] = [];
    const seen = new Set<string>();
    for (const t of fresh) {
      const row = byKey.get(`${t.caseId}|${t.kind}`);
      const key = timerId(t);
      if (!row || seen.has(key)) continue;
      seen.add(key);
      const outcome = this.outcomeOf(t, row, now);
      if (!outcome) continue;
      events.push(outcome.event);
      if (outcome.mark === null) {
        breached.push(row);
        after.push(outcome.escalation!);
      } else {
        if (!marks.has(outcome.mark)) marks.set(outcome.mark, []);
        marks.get(outcome.mark)!.push(row);
      }
    }
    await this.updateRows(m, breached, "state = 'breached', breachedRevision = revision", []);
    for (const [mark, rs] of marks) await this.updateRows(m, rs, 'lastWarning = ?', [mark]);
    return events;
  }

  /** The conditional update of one group of prepared timers (same action, kind, revision, due); rows hit. */
  private async updatePrepared(m: EntityManager, group: Prepared[]): Promise<number> {
    const { row, mark } = group[0];
    const dueAt = m.connection.driver.preparePersistentValue(row.dueAt, m.connection.getMetadata(DeadlineRow).findColumnWithPropertyName('dueAt')!);
    const ids = group.map((p) => p.row.caseId);
    const asRead = `kind = ? AND revision = ? AND dueAt = ? AND state = 'pending' AND caseId IN (${ids.map(() => '?').join(', ')})`;
    const keys = [row.kind, row.revision, dueAt, ...ids];
    const [sql, params] =
      mark === null
        ? [`UPDATE deadline SET state = 'breached', breachedRevision = revision WHERE ${asRead} AND breachedRevision < revision`, keys]
        : [`UPDATE deadline SET lastWarning = ? WHERE ${asRead} AND (lastWarning IS NULL OR lastWarning <> ?)`, [mark, ...keys, mark]];
    const result = await m.queryRunner!.query(sql, params, true);
    return result.affected ?? 0;
  }

  /**
   * The deadline rows of these timers, one statement per kind; with `lock`, locked for the
   * transaction where the database can (a second instance firing the same timers waits, then
   * finds them done). Plain SQL: at midnight thousands of rows go through here, and the query
   * builder cost more than the database did.
   */
  private async readRows(m: EntityManager, keys: Pick<DeadlineRow, 'caseId' | 'kind'>[], lock: boolean): Promise<FiringRow[]> {
    const forUpdateClause = lock && forUpdate(m.connection).lock ? ' FOR UPDATE' : '';
    const dueAt = m.connection.getMetadata(DeadlineRow).findColumnWithPropertyName('dueAt')!;
    const rows: FiringRow[] = [];
    for (const [kind, caseIds] of groupByKind(keys)) {
      const raw: FiringRow[] = await m.query(
        `SELECT caseId, kind, revision, dueAt, state, basis, lastWarning, breachedRevision FROM deadline WHERE kind = ? AND caseId IN (${caseIds.map(() => '?').join(', ')})${forUpdateClause}`,
        [kind, ...caseIds],
      );
      for (const r of raw) rows.push({ ...r, revision: Number(r.revision), breachedRevision: Number(r.breachedRevision), dueAt: m.connection.driver.prepareHydratedValue(r.dueAt, dueAt) });
    }
    return rows;
  }

  /** Sets columns of these rows, locked by readRows in this transaction: one statement per kind. */
  private async updateRows(m: EntityManager, keys: Pick<DeadlineRow, 'caseId' | 'kind'>[], set: string, params: unknown[]): Promise<void> {
    for (const [kind, caseIds] of groupByKind(keys)) {
      await m.query(`UPDATE deadline SET ${set} WHERE kind = ? AND caseId IN (${caseIds.map(() => '?').join(', ')})`, [...params, kind, ...caseIds]);
    }
  }

  /**
   * Escalation (督办) of a breach still unmet after the grace, if the case can still be supervised;
   * once per revision (a conditional update decides which instance sends it).
   */
  private async escalate(m: EntityManager, t: DeadlineTimer, now: Date): Promise<EventEnvelope[]> {
    const row = await m.getRepository(DeadlineRow).findOneBy({ caseId: t.caseId, kind: t.kind });
    if (!row || row.revision !== t.revision || row.state !== 'breached') return [];
    const c = await m.getRepository(DeadlineCase).findOneBy({ caseId: row.caseId });
    if (!c || !decide(snapshotOf(c), 'supervise').ok) return [];
    const won = await m
      .createQueryBuilder()
      .update(DeadlineRow)
      .set({ escalatedRevision: row.revision })
      .where('caseId = :caseId AND kind = :kind AND revision = :revision AND escalatedRevision < :revision', { caseId: row.caseId, kind: row.kind, revision: row.revision })
      .execute();
    if (won.affected !== 1) return [];
    const note = `逾期未办：${row.basis}（到期 ${row.lastDay}），自动督办`;
    return [createEvent('case.supervised', row.caseId, { note, automatic: true }, null, now)];
  }

  /** The escalation timers, firing by `through`, of those rows that are breaches not yet escalated. */
  private escalationsBy(rows: DeadlineRow[], through: number): DeadlineTimer[] {
    return rows
      .filter((r) => r.state === 'breached' && r.escalatedRevision < r.revision)
      .map((r) => this.escalation(r))
      .filter((t) => Date.parse(t.fireAt) <= through);
  }

  private escalation(d: Pick<DeadlineRow, 'caseId' | 'kind' | 'revision' | 'dueAt'>): DeadlineTimer {
    const at = new Date(d.dueAt.getTime() + this.settings.escalateAfterHours * HOUR);
    return { caseId: d.caseId, kind: d.kind, revision: d.revision, purpose: 'escalate', fireAt: at.toISOString() };
  }

  private timerIdsOf(d: DeadlineKey): string[] {
    const base = { caseId: d.caseId, kind: d.kind, revision: d.revision };
    return [...this.settings.warnDaysBefore.map((days) => timerId({ ...base, purpose: 'warn', daysBefore: days })), timerId({ ...base, purpose: 'breach' }), timerId({ ...base, purpose: 'escalate' })];
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
