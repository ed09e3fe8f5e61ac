import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { And, DataSource, IsNull, LessThanOrEqual, MoreThanOrEqual, Not, type EntityManager } from 'typeorm';
import { CLOCK, maskText, RuleViolationError, type Clock } from '#libs/common';
import { createEvent, deserializeFacts, type CalendarLoadResult, type CalendarNoticeLoadedV1, type CalendarYearView, type EventEnvelope, type RecomputedDeadline } from '#libs/contracts';
import { exclusive, forUpdate } from '#libs/persistence';
import { checkYearNotice, daysChangedBy, formatInstant, PRC_CALENDAR_DATA, sameDays, yearNoticeOf, type CaseFact, type YearNotice } from '#libs/regulation';
import { applyNotice, CalendarNoticeRecord, keepNotice, keptNotices, noticeOfRecord, NOTICE_POLL_MS, UnitOfWork, type Caller, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { DeadlineCase, DeadlineRow } from '../deadline.entities.js';
import { DeadlineService } from '../deadline.service.js';
import { DEADLINE_SETTINGS, type DeadlineSettings } from '../deadline.settings.js';
import type { DeadlineTimer } from '../timers/timer-scheduler.js';

const CASES_LISTED = 200;
/** How long the load's answer waits for the recomputation (result null in the answer beyond). */
const ANSWER_WITHIN_MS = 10_000;
/** recompute() of DeadlineService (see the report: it should be public there). */
type Recompute = (m: EntityManager, caseId: string, facts: CaseFact[]) => Promise<{ arm: DeadlineTimer[]; cancel: string[]; events: EventEnvelope[] }>;

/**
 * The owner of the holiday notices the office uploads. A load is checked (the law's holidays
 * inside a break, make-up days on weekends, no overlap: checkYearNotice), kept in
 * `calendar_notice` with `calendar.notice-loaded` in the outbox (one transaction), applied to
 * this service's calendar, and then every case it could change is computed again, each in its
 * own transaction as if a fact had arrived: withheld deadlines get their due dates, provisional
 * or law-only ones move if the notice says otherwise, timers are re-armed, and each changed
 * deadline is announced (`deadline.recomputed`, on the case's timeline). At start the kept
 * notices are applied before anything is computed; a load whose recomputation did not finish
 * (the process stopped) is recomputed then.
 */
@Injectable()
export class CalendarNoticesService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('deadline:calendar');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly deadlines: DeadlineService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DEADLINE_SETTINGS) private readonly settings: DeadlineSettings,
  ) {}

  private get calendar() {
    return this.settings.calendar;
  }

  /** Before DeadlineService's start recomputes the cases that waited for a year: the kept notices are in the calendar. */
  async onModuleInit(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch((e) => this.logger.warn(`kept holiday notices not read: ${maskText(String(e?.message ?? e))}`)), NOTICE_POLL_MS);
    this.timer.unref();
  }

  async onApplicationBootstrap(): Promise<void> {
    const unfinished = (await exclusive(this.dataSource, () => keptNotices(this.dataSource.manager))).filter((r) => r.result === null);
    for (const r of unfinished) {
      this.logger.log(`holiday notice of ${r.year}: recomputing the deadlines it changes (the last start stopped before)`);
      await this.recomputeAndRecord(r.year, r.eventId, { username: r.loadedBy, roles: ['admin'] }, 0);
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Applies the kept notices (another instance may have taken a load). */
  private async sync(): Promise<void> {
    for (const r of await exclusive(this.dataSource, () => keptNotices(this.dataSource.manager))) applyNotice(this.calendar, noticeOfRecord(r));
  }

  /** The covered years, each with where it comes from and, uploaded, who loaded it, when, and what it changed. */
  async list(): Promise<CalendarYearView[]> {
    const kept = new Map((await exclusive(this.dataSource, () => keptNotices(this.dataSource.manager))).map((r) => [Number(r.year), r]));
    const tz = this.settings.policy.timeZone;
    return this.calendar.years().map((year) => {
      const n = yearNoticeOf(this.calendar, year)!;
      const r = kept.get(year);
      const bundled = PRC_CALENDAR_DATA.years[String(year)];
      const source: CalendarYearView['source'] = r && sameDays(noticeOfRecord(r), n) ? 'uploaded' : bundled && sameDays(bundled, n) ? 'bundled' : 'file';
      return {
        year,
        source,
        notice: n.notice ?? null,
        holidays: n.holidays,
        workdays: n.workdays,
        loadedBy: source === 'uploaded' ? r!.loadedBy : null,
        loadedAt: source === 'uploaded' ? formatInstant(r!.loadedAt, tz) : null,
        result: source === 'uploaded' && r!.result ? (JSON.parse(r!.result) as CalendarLoadResult) : null,
      };
    });
  }

  /** POST /api/v1/admin/calendar: check, keep and publish, apply, recompute; answers the year's view with what it changed. */
  async load(cmd: ServiceCommand<unknown>): Promise<CommandResult> {
    const check = checkYearNotice(cmd.body);
    if (!check.notice) {
      throw new RuleViolationError(
        `节假日安排未加载（${check.problems.length} 处问题，未作任何更改）：${check.problems
          .slice(0, 5)
          .map((p) => `${p.at}：${p.message}`)
          .join('；')}${check.problems.length > 5 ? '；……' : ''}`,
        check.problems.map((p) => ({ field: p.at, messages: [p.message] })),
      );
    }
    const notice: YearNotice = check.notice;
    const daysChanged = daysChangedBy(this.calendar, notice).length;
    const now = this.clock.now();
    const actor = { username: cmd.actor.username, roles: cmd.actor.roles, unitCode: cmd.actor.unitCode ?? null };
    const payload: CalendarNoticeLoadedV1 = { year: notice.year, holidays: notice.holidays, workdays: notice.workdays, notice: notice.notice ?? null, loadedAt: now.toISOString() };
    const event = createEvent('calendar.notice-loaded', `calendar-${notice.year}`, payload, actor, now);
    const { eventIds } = await this.uow.run(async (m) => {
      await keepNotice(m, event);
      return { result: null, events: [event] };
    });
    applyNotice(this.calendar, notice);
    this.logger.log(`holiday notice of ${notice.year} loaded by ${actor.username}: ${daysChanged} day(s) of the year answer differently now`);
    // The answer waits for the recomputation up to ANSWER_WITHIN_MS (the gateway's internal call
    // gives up at 15 s); a longer one goes on, and the list shows its result once it is done.
    const recomputed = this.recomputeAndRecord(notice.year, event.eventId, cmd.actor, daysChanged).catch((e) => {
      this.logger.error(`holiday notice of ${notice.year}: recomputation failed (the next start does it): ${maskText(String((e as Error)?.message ?? e))}`);
    });
    await Promise.race([recomputed, new Promise((r) => setTimeout(r, ANSWER_WITHIN_MS).unref())]);
    const view = (await this.list()).find((v) => v.year === notice.year)!;
    return { caseId: `calendar-${notice.year}`, eventIds, data: { ...view, notes: check.notes } };
  }

  /** Recomputes every case the year could change and records the result on the year's row (if it is still this load's). */
  private async recomputeAndRecord(year: number, eventId: string, actor: Pick<Caller, 'username' | 'roles'>, daysChanged: number): Promise<CalendarLoadResult> {
    const result = await this.recomputeYear(year, { username: actor.username, roles: actor.roles }, eventId);
    result.daysChanged = daysChanged;
    await exclusive(this.dataSource, () => this.dataSource.getRepository(CalendarNoticeRecord).update({ year, eventId }, { result: JSON.stringify(result) }));
    return result;
  }

  /**
   * The cases a notice of `year` can change: those whose deadlines wait for a year (withheld or
   * provisional), and those with a deadline whose last day lies from December before the year to
   * January after it (a working-day count or a roll-over through the year's days).
   */
  private async candidates(year: number): Promise<string[]> {
    return exclusive(this.dataSource, async () => {
      const waiting = await this.dataSource.getRepository(DeadlineCase).find({ select: { caseId: true }, where: { awaitsCalendarYear: And(Not(IsNull()), LessThanOrEqual(year)) } });
      const near = await this.dataSource
        .getRepository(DeadlineRow)
        .find({ select: { caseId: true }, where: { lastDay: And(MoreThanOrEqual(`${year - 1}-12-01`), LessThanOrEqual(`${year + 1}-01-31`)) } });
      return [...new Set([...waiting, ...near].map((r) => r.caseId))].sort();
    });
  }

  private async recomputeYear(year: number, actor: { username: string; roles: string[] }, causedBy: string): Promise<CalendarLoadResult> {
    const recompute: Recompute = (this.deadlines as unknown as { recompute: Recompute }).recompute.bind(this.deadlines);
    const result: CalendarLoadResult = { computed: 0, moved: 0, timersArmed: 0, casesRecomputed: 0, cases: [], moreCases: 0, failed: 0, daysChanged: 0 };
    const tz = this.settings.policy.timeZone;
    for (const caseId of await this.candidates(year)) {
      try {
        const { result: out } = await this.uow.run(async (m) => {
          const c = await m.getRepository(DeadlineCase).findOne({ where: { caseId }, ...forUpdate(m.connection) });
          if (!c) return { result: null, events: [] };
          const rows = m.getRepository(DeadlineRow);
          const before = new Map((await rows.findBy({ caseId })).map((r) => [r.kind, r]));
          const plan = await recompute(m, caseId, deserializeFacts(c.facts));
          const changes: RecomputedDeadline[] = [];
          const events: EventEnvelope[] = [...plan.events];
          for (const a of await rows.findBy({ caseId })) {
            const b = before.get(a.kind);
            if (b && b.dueAt.getTime() === a.dueAt.getTime()) continue;
            const change = b ? 'moved' : 'computed';
            changes.push({ kind: a.kind, change, lastDay: a.lastDay, previousLastDay: b?.lastDay ?? null });
            events.push(
              createEvent(
                'deadline.recomputed',
                caseId,
                {
                  kind: a.kind,
                  revision: a.revision,
                  dueAt: formatInstant(a.dueAt, tz),
                  lastDay: a.lastDay,
                  basis: a.basis,
                  previousDueAt: b ? formatInstant(b.dueAt, tz) : null,
                  previousLastDay: b?.lastDay ?? null,
                  calendarYear: year,
                },
                { username: actor.username, roles: actor.roles },
                this.clock.now(),
              ),
            );
          }
          return { result: { plan, changes }, events };
        });
        if (!out) continue;
        await this.deadlines.afterFact(out.plan);
        result.casesRecomputed++;
        if (!out.changes.length) continue;
        const changed = new Set(out.changes.map((x) => x.kind));
        result.timersArmed += out.plan.arm.filter((t) => changed.has(t.kind)).length;
        result.computed += out.changes.filter((x) => x.change === 'computed').length;
        result.moved += out.changes.filter((x) => x.change === 'moved').length;
        if (result.cases.length < CASES_LISTED) result.cases.push({ caseId, deadlines: out.changes });
        else result.moreCases++;
      } catch (e) {
        result.failed++;
        this.logger.error(`case ${caseId}: recomputing with the ${year} holiday notice failed: ${maskText(String((e as Error)?.message ?? e))}`);
      }
    }
    this.logger.log(
      `holiday notice of ${year} (event ${causedBy}): ${result.casesRecomputed} case(s) recomputed, ${result.computed} deadline(s) computed, ${result.moved} moved, ${result.timersArmed} timer(s) armed`,
    );
    return result;
  }
}
