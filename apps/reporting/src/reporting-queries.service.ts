import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseDataError, CLOCK, DomainError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError, type Clock } from '#libs/common';
import { deserializeFacts, firstLevelOf, type DrillDownFigure } from '#libs/contracts';
import { waitForEvent } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { addDays, endOfLocalDay, formatInstant, previewAction, toLocalDate, type CaseAction, type Deadline } from '#libs/regulation';
import { enforce, snapshotOf, type Caller } from '#libs/runtime';
import { DeadlineMemo, formatDeadlines, isOverdue, nextDeadlineOf, renderErrorOf, toCaseView, type CaseView, type RenderError } from './case-view.js';
import { RptCase, RptContact, RptReceptionSession } from './reporting.entities.js';
import type { CaseExtra, TimelineEntry } from './projection.handlers.js';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings.js';

export interface ListParams {
  status?: string;
  unitCode?: string;
  authority?: string;
  overdue?: boolean;
  trackingNo?: string;
  /** 'urgency': the next due instant first; cases with no open deadline after, newest first. */
  sort?: 'received' | 'urgency';
  page?: number;
  pageSize?: number;
}

export interface SummaryParams {
  from: string;
  to: string;
  unitCode?: string;
  authority?: string;
  channel?: string;
  purpose?: string;
  /** A first-level code takes its second-level codes too. */
  category?: string;
  /** Internal (the breakdown's 'unassigned' and 'none' groups): cases without a unit, not assigned from above. */
  noUnit?: boolean;
  noAuthority?: boolean;
}

/** What the drill-down lists: the case (or, for a contact count, the contact's case) behind each unit of a figure. */
export interface FigureSet {
  numerator: string[];
  denominator?: string[];
}

/** A period's cases and contacts, loaded once for the figures of its groups. */
interface PeriodRows {
  cases: RptCase[];
  contacts: RptContact[];
  caseById: Map<string, RptCase>;
}

/** A repeat contact this long after the closure still makes the resolution not first-time (一次性化解率). */
const FIRST_TIME_DAYS = 90;

export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}
const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });

/** Who may read which case: handlers their own unit's; everyone else with a role, all. */
function scopeUnit(caller: Caller | null): string | null {
  if (!caller) throw new ForbiddenError('请先登录');
  const wide = caller.roles.some((r) => r !== 'handler');
  return wide ? null : (caller.unitCode ?? '__none__');
}

@Injectable()
export class ReportingQueries {
  private readonly logger = new Logger('ReportingQueries');
  /** Cases already reported as unrenderable (one log line per case and process, not per request). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings,
  ) {}

  private get cases() {
    return this.dataSource.getRepository(RptCase);
  }

  /** Deadlines of each case for one query; a case that cannot be computed is logged once and left out. */
  private memo(now: Date): DeadlineMemo {
    return new DeadlineMemo(now, this.settings, (row, e) => this.report(row, e));
  }

  private report(row: RptCase, e: RenderError): void {
    if (this.reported.has(row.id)) return;
    if (this.reported.size > 10_000) this.reported.clear();
    this.reported.add(row.id);
    this.logger.error(`case ${row.id} (${row.trackingNo}) cannot be rendered, shown with an error marker: ${e.detail}`);
  }

  /** The case's extra JSON, or null when it does not parse (the case is then shown as broken). */
  private extraOf(row: RptCase): CaseExtra | null {
    try {
      return JSON.parse(row.extra) as CaseExtra;
    } catch (e) {
      this.report(row, renderErrorOf(row, e));
      return null;
    }
  }

  private async load(id: string, caller: Caller | null): Promise<RptCase> {
    const unit = scopeUnit(caller);
    const row = await exclusive(this.dataSource, () => this.cases.findOneBy({ id }));
    if (!row) throw new NotFoundError(`案件 ${id} 不存在`);
    // A unit that sent a wrong transfer back may still read what it returned.
    const returnedBy = !!unit && this.extraOf(row)?.objections?.some((o) => o.unitCode === unit);
    if (unit && row.unitCode !== unit && !returnedBy) throw new ForbiddenError('该案件由其他单位办理，不属于您所在的单位', undefined, 'WRONG_UNIT');
    return row;
  }

  /** The case, after this read model has applied `waitFor` (the last event of a command). */
  async getCase(params: { id: string; waitFor?: string }, caller: Caller | null): Promise<CaseView> {
    if (params.waitFor && !(await waitForEvent(this.dataSource, params.waitFor, this.settings.readYourWritesTimeoutMs))) {
      throw new UnavailableError(`操作已保存，但案件视图尚未更新，请稍后重新打开案件（事件 ${params.waitFor}）`);
    }
    const row = await this.load(params.id, caller);
    const view = toCaseView(row, caller, this.clock.now(), this.settings);
    if (view.renderError) this.report(row, view.renderError);
    return view;
  }

  /**
   * What `action` would do to the case's deadlines if taken now: one sentence, and the deadlines
   * after it (the case view's shape). 409 / 422 when the state machine refuses the action.
   */
  async preview(params: { id: string; action: CaseAction; days?: number; mode?: 'transfer' | 'assign' }, caller: Caller | null) {
    const row = await this.load(params.id, caller);
    const s = this.settings;
    let r: ReturnType<typeof previewAction>;
    try {
      r = previewAction({ facts: deserializeFacts(row.facts), snapshot: snapshotOf(row), action: params.action, days: params.days, mode: params.mode, now: this.clock.now(), policy: s.policy, calendar: s.calendar });
    } catch (e) {
      if (e instanceof DomainError) throw e;
      const err = renderErrorOf(row, e);
      this.report(row, err);
      throw new CaseDataError(err.message);
    }
    if (!r.ok) {
      enforce(r);
      throw new Error('unreachable');
    }
    return { action: params.action, effect: r.preview.effect, deadlines: formatDeadlines(r.preview.after, s.timeZone) };
  }

  /** Waits (bounded) until this read model has applied an event. */
  async awaitEvent(params: { eventId: string }): Promise<{ applied: true }> {
    if (!(await waitForEvent(this.dataSource, params.eventId, this.settings.readYourWritesTimeoutMs))) {
      throw new UnavailableError(`操作已保存，但统计数据尚未更新，请稍后再试（事件 ${params.eventId}）`);
    }
    return { applied: true };
  }

  /** The newest event of the case this read model has applied (the caller's causal token). */
  async head(params: { id: string; lastStep?: boolean }, caller: Caller | null): Promise<{ id: string; lastEventId: string; status: string; unitCode: string | null; lastStep?: { type: string; at: string } | null }> {
    const row = await this.load(params.id, caller);
    // The timeline is parsed only for a back-dated act: every command asks for the head.
    return { id: row.id, lastEventId: row.lastEventId, status: row.status, unitCode: row.unitCode, ...(params.lastStep ? { lastStep: this.lastStepOf(row) } : {}) };
  }

  /**
   * The case's latest step taken by a person (registration, routing, acceptance…, by the instant
   * it happened): a back-dated correction may not go before it. The platform's own entries
   * (warnings, breaches, automatic supervision) are not steps of the case.
   */
  private lastStepOf(row: RptCase): { type: string; at: string } | null {
    let entries: TimelineEntry[];
    try {
      entries = JSON.parse(row.timeline) as TimelineEntry[];
    } catch {
      return null;
    }
    const steps = entries.filter((t) => !t.type.startsWith('deadline-') && !(t.type === 'supervised' && t.detail?.automatic) && !Number.isNaN(Date.parse(t.at)));
    const last = steps.reduce<TimelineEntry | null>((a, b) => (!a || Date.parse(b.at) >= Date.parse(a.at) ? b : a), null);
    return last ? { type: last.type, at: formatInstant(new Date(last.at), this.settings.timeZone) } : null;
  }

  async list(params: ListParams, caller: Caller | null): Promise<{ items: unknown[]; total: number; page: number; pageSize: number; overdueTotal: number }> {
    const unit = scopeUnit(caller);
    const page = Math.max(1, params.page ?? 1);
    const pageSize = Math.min(200, Math.max(1, params.pageSize ?? 50));
    const scoped = () => {
      const qb = this.cases.createQueryBuilder('c');
      if (unit) qb.andWhere('c.unitCode = :unit', { unit });
      return qb;
    };
    const qb = scoped().orderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'ASC');
    if (params.status) qb.andWhere('c.status = :status', { status: params.status });
    if (!unit && params.unitCode) qb.andWhere('c.unitCode = :unitCode', { unitCode: params.unitCode });
    if (params.authority) qb.andWhere('c.authority = :authority', { authority: params.authority });
    if (params.trackingNo) qb.andWhere('c.trackingNo = :trackingNo', { trackingNo: params.trackingNo.trim().toUpperCase() });
    const now = this.clock.now();
    const s = this.settings;
    const memo = this.memo(now);
    let rows: RptCase[];
    let total: number;
    if (params.overdue === undefined && params.sort !== 'urgency') {
      [rows, total] = await exclusive(this.dataSource, () => qb.skip((page - 1) * pageSize).take(pageSize).getManyAndCount());
    } else {
      // Overdue and urgency are computed from the regulation, not stored: filter and sort after computing.
      // A case whose deadlines cannot be computed is not overdue as far as anyone can tell: it is
      // listed (with its marker) among the not-overdue, after every case with a deadline.
      let all = (await exclusive(this.dataSource, () => qb.getMany())).map((r) => ({ r, ds: memo.of(r) ?? [] }));
      if (params.overdue !== undefined) all = all.filter(({ ds }) => isOverdue(ds) === params.overdue);
      if (params.sort === 'urgency') {
        const due = (ds: Deadline[]) => nextDeadlineOf(ds, now, s.timeZone, s.warnDaysBefore);
        const keyed = all.map((x) => ({ ...x, next: due(x.ds) }));
        // Stable: rows arrive newest first, which orders the cases with no open deadline.
        keyed.sort((a, b) => (a.next && b.next ? Date.parse(a.next.dueAt) - Date.parse(b.next.dueAt) : a.next ? -1 : b.next ? 1 : 0));
        all = keyed;
      }
      total = all.length;
      rows = all.slice((page - 1) * pageSize, page * pageSize).map(({ r }) => r);
    }
    // The count the worklist always shows: overdue cases in the caller's scope, whatever the filters.
    // (the same cases as ?overdue=true with no other filter)
    const overdueTotal = (await exclusive(this.dataSource, () => scoped().getMany())).filter((r) => isOverdue(memo.of(r) ?? [])).length;
    const items = rows.map((r) => this.listItem(r, caller, now, memo));
    return { items, total, page, pageSize, overdueTotal };
  }

  /** A case as the lists show it: no content, timeline or petitioner details; its next deadline. */
  private listItem(r: RptCase, caller: Caller | null, now: Date, memo = this.memo(now)) {
    const v = toCaseView(r, caller, now, this.settings);
    if (v.renderError) this.report(r, v.renderError);
    const { content: _c, timeline: _t, petitioners, ...summary } = v;
    const ds = v.renderError ? null : memo.of(r);
    return {
      ...summary,
      petitioners: petitioners.map((p) => ({ name: p.name })),
      nextDeadline: ds ? nextDeadlineOf(ds, now, this.settings.timeZone, this.settings.warnDaysBefore) : null,
    };
  }

  /** List items of the given cases (in that order) the caller may read: a person's cases found by intake. */
  async items(params: { ids: string[] }, caller: Caller | null): Promise<{ items: unknown[]; total: number }> {
    const unit = scopeUnit(caller);
    const ids = [...new Set(params.ids ?? [])];
    if (!ids.length) return { items: [], total: 0 };
    const rows = await exclusive(this.dataSource, () => this.cases.createQueryBuilder('c').where('c.id IN (:...ids)', { ids }).orderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'ASC').getMany());
    const now = this.clock.now();
    const visible = rows.filter((r) => !unit || r.unitCode === unit);
    return { items: visible.map((r) => this.listItem(r, caller, now)), total: visible.length };
  }

  /** Reception sessions in a date range, by date (the session picker). */
  async receptionSessions(params: { from: string; to: string }, caller: Caller | null) {
    scopeUnit(caller);
    const rows = await exclusive(this.dataSource, () =>
      this.dataSource
        .getRepository(RptReceptionSession)
        .createQueryBuilder('s')
        .where('s.date >= :from AND s.date <= :to', { from: params.from, to: params.to })
        .orderBy('s.date', 'ASC')
        .addOrderBy('s.id', 'ASC')
        .getMany(),
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, leader: r.leader, date: r.date }));
  }

  async summary(params: SummaryParams, caller: Caller | null) {
    return (await this.figures(params, caller)).summary;
  }

  /**
   * The cases behind one figure of the summary (the same filters and period): its numerator or
   * its denominator, paged, as the case list shows them. The totals equal the summary's numbers
   * by construction: both come from the one computation below.
   */
  async reportCases(params: SummaryParams & { figure: DrillDownFigure; part?: 'numerator' | 'denominator'; page?: number; pageSize?: number }, caller: Caller | null) {
    const { sets } = await this.figures(params, caller);
    const set = sets[params.figure];
    const part = params.part ?? 'numerator';
    const ids = part === 'denominator' ? set.denominator : set.numerator;
    if (!ids) throw new InvalidInputError(`「${params.figure}」是件数，没有分母`, [{ field: 'part', messages: ['件数只有 numerator（分子）'] }]);
    const page = params.page ?? 1;
    const pageSize = params.pageSize ?? 50;
    const slice = ids.slice((page - 1) * pageSize, page * pageSize);
    const found = await this.items({ ids: slice }, caller);
    const byId = new Map((found.items as { id: string }[]).map((i) => [i.id, i]));
    return { figure: params.figure, part, total: ids.length, page, pageSize, items: slice.map((id) => byId.get(id)).filter(Boolean) };
  }

  /** Whether a case (and, for a contact, its own channel) passes the summary's filters: the SQL filter below, in memory. */
  private static matches(p: SummaryParams, c: RptCase, contactChannel?: string): boolean {
    if (p.unitCode && c.unitCode !== p.unitCode) return false;
    if (p.noUnit && c.unitCode !== null) return false;
    if (p.authority && c.authority !== p.authority) return false;
    if (p.noAuthority && c.authority !== null) return false;
    if (p.purpose && c.purpose !== p.purpose) return false;
    if (p.category && c.category !== p.category && !c.category.startsWith(`${p.category}.`)) return false;
    if (p.channel && (contactChannel ?? c.channel) !== p.channel) return false;
    return true;
  }

  /**
   * Every case and contact of a period, unfiltered, for several figures() of its groups (a
   * breakdown): one load instead of one per group.
   */
  private async loadPeriod(from: string, to: string): Promise<PeriodRows> {
    const tz = this.settings.timeZone;
    const start = endOfLocalDay(addDays(from, -1), tz);
    const end = endOfLocalDay(to, tz);
    const cases = await exclusive(this.dataSource, () =>
      this.cases.createQueryBuilder('c').where('((c.receivedAt < :end AND (c.closedAt IS NULL OR c.closedAt >= :start)) OR (c.closedAt >= :start AND c.closedAt < :end))', { start, end }).getMany(),
    );
    const contacts = await exclusive(this.dataSource, () =>
      this.dataSource.getRepository(RptContact).createQueryBuilder('k').where('k.receivedAt >= :start AND k.receivedAt < :end', { start, end }).orderBy('k.receivedAt', 'ASC').addOrderBy('k.id', 'ASC').getMany(),
    );
    const caseById = new Map(cases.map((c) => [c.id, c]));
    const missing = [...new Set(contacts.map((k) => k.caseId).filter((id) => !caseById.has(id)))];
    if (missing.length) for (const c of await exclusive(this.dataSource, () => this.cases.createQueryBuilder('c').where('c.id IN (:...ids)', { ids: missing }).getMany())) caseById.set(c.id, c);
    return { cases, contacts, caseById };
  }

  private async figures(params: SummaryParams, caller: Caller | null, preloaded?: PeriodRows) {
    scopeUnit(caller);
    const tz = this.settings.timeZone;
    const start = endOfLocalDay(addDays(params.from, -1), tz);
    const end = endOfLocalDay(params.to, tz);
    const inPeriod = (d: Date | null) => !!d && d >= start && d < end;
    const now = this.clock.now();

    // Cases touching the period (received, routed, accepted or closed in it, or still open) and
    // its contacts, passing the filters: one load of the period, filtered in memory (a breakdown
    // hands over the load it made once for all its groups).
    const rows = preloaded ?? (await this.loadPeriod(params.from, params.to));
    const touches = (c: RptCase) => (c.receivedAt < end && (!c.closedAt || c.closedAt >= start)) || (!!c.closedAt && c.closedAt >= start && c.closedAt < end);
    const matches = (c: RptCase, channel?: string) => ReportingQueries.matches(params, c, channel);
    const cases = rows.cases.filter((c) => touches(c) && matches(c));
    const contacts = rows.contacts.filter((k) => {
      const c = rows.caseById.get(k.caseId);
      return !!c && k.receivedAt >= start && k.receivedAt < end && matches(c, k.channel);
    });

    const received = cases.filter((c) => inPeriod(c.receivedAt));
    const closed = cases.filter((c) => inPeriod(c.closedAt));
    // A case whose deadlines (or records) cannot be computed still counts where its columns
    // suffice (received, closed, by channel, assigned) and is left out of every figure that needs
    // its deadlines or records; `unrenderable` names it.
    const memo = this.memo(now);
    const dl = (c: RptCase, kind: string) => memo.of(c)?.find((d) => d.kind === kind);
    const closedOnTime = (c: RptCase) => {
      if (!memo.of(c)) return false;
      const h = dl(c, 'handling');
      return !!c.closedAt && (!h || c.closedAt <= h.dueAt);
    };

    const byChannel = { visit: 0, letter: 0, online: 0, phone: 0, fax: 0 } as Record<string, number>;
    for (const k of contacts) byChannel[k.channel] = (byChannel[k.channel] ?? 0) + 1;

    const acceptanceDue = cases.filter((c) => inPeriod(dl(c, 'acceptance-notice')?.dueAt ?? null));
    const handlingDue = cases.filter((c) => inPeriod(dl(c, 'handling')?.dueAt ?? null));
    const mustClose = [...new Set([...handlingDue, ...closed])];
    const closedByEnd = mustClose.filter((c) => c.closedAt && c.closedAt < end);
    const sessions = await exclusive(this.dataSource, () =>
      this.dataSource
        .getRepository(RptReceptionSession)
        .createQueryBuilder('s')
        .where('s.date >= :from AND s.date <= :to', { from: params.from, to: params.to })
        .getMany(),
    );
    const sessionIds = new Set(sessions.map((s) => s.id));
    const sessionContacts = sessionIds.size
      ? await exclusive(this.dataSource, () =>
          this.dataSource.getRepository(RptContact).createQueryBuilder('k').where('k.receptionSessionId IN (:...ids)', { ids: [...sessionIds] }).getMany(),
        )
      : [];
    const extras = new Map(cases.map((c) => [c.id, this.extraOf(c)]));
    const extraOf = (c: RptCase) => extras.get(c.id) ?? {};
    const evaluated = cases.filter((c) => {
      const ev = extraOf(c).evaluation;
      return !!ev && inPeriod(new Date(ev.at));
    });
    const evaluationLapsed = cases.filter((c) => {
      const d = dl(c, 'evaluation');
      return !!d && d.state === 'lapsed' && !d.metAt && inPeriod(d.dueAt);
    });
    const satisfied = evaluated.filter((c) => ['satisfied', 'basically-satisfied'].includes(extraOf(c).evaluation!.rating));

    // 一次性化解率: closed substantively, no review asked for, and the petitioner never had to come
    // back: no repeat contact joined to the case (Art. 19(3)) from its receipt until 90 days after
    // its closure. (A contact after the closure opens a new case, which intake does not link to
    // the closed one yet: that part of the 90 days is not seen.)
    const substantiveClosed = closed.filter((c) => c.closureKind === 'substantive');
    const repeatsOf = substantiveClosed.length
      ? await exclusive(this.dataSource, () =>
          this.dataSource.getRepository(RptContact).createQueryBuilder('k').where('k.repeat = :yes', { yes: true }).andWhere('k.caseId IN (:...ids)', { ids: substantiveClosed.map((c) => c.id) }).getMany(),
        )
      : [];
    const closedAtOf = new Map(substantiveClosed.map((c) => [c.id, c.closedAt!.getTime()]));
    const cameBack = new Set(repeatsOf.filter((k) => k.receivedAt.getTime() <= closedAtOf.get(k.caseId)! + FIRST_TIME_DAYS * 86_400_000).map((k) => k.caseId));
    const firstTime = substantiveClosed.filter((c) => !!extras.get(c.id) && !extraOf(c).review && !extraOf(c).reReview && !cameBack.has(c.id));

    // Everything assigned from above, and apart from it the backlog cases (积案, `backlog: true`) among them.
    const resolvedBy = (c: RptCase) => !!c.closedAt && c.closedAt < end && (c.closureKind === 'substantive' || c.closureKind === 'procedural');
    const resolutionOf = (rec: RptCase[]) => {
      const s = rec.filter((c) => c.closureKind === 'substantive' && c.closedAt && c.closedAt < end).length;
      const p = rec.filter((c) => c.closureKind === 'procedural' && c.closedAt && c.closedAt < end).length;
      return { received: rec.length, closedSubstantive: s, closedProcedural: p, open: rec.length - s - p, resolution: rate(s + p, rec.length) };
    };
    const AUTHORITIES_ = ['central', 'provincial', 'municipal'] as const;
    const assignedOf = (authority: string) => received.filter((c) => c.authority === authority);
    const assigned = Object.fromEntries(AUTHORITIES_.map((authority) => [authority, { ...resolutionOf(assignedOf(authority)), backlog: resolutionOf(assignedOf(authority).filter((c) => c.backlog)) }]));
    const resolvedOfReceived = received.filter((c) => c.closedAt && c.closedAt < end);
    const unrenderable = cases.filter((c) => !memo.of(c) || !extras.get(c.id));

    // Routing and supervision acts of the period (转送 / 交办, manual / automatic 督办).
    type Entry = { type: string; at: string; detail?: { mode?: string; automatic?: boolean } };
    // A timeline that does not parse leaves its case out of these two counts; the annual report names it.
    const unreadableTimelines: RptCase[] = [];
    const acts = cases.flatMap((c) => {
      try {
        return (JSON.parse(c.timeline) as Entry[]).filter((e) => (e.type === 'routed' || e.type === 'supervised') && inPeriod(new Date(e.at)));
      } catch (e) {
        this.report(c, renderErrorOf(c, e));
        unreadableTimelines.push(c);
        return [];
      }
    });
    const routed = acts.filter((e) => e.type === 'routed');
    const supervisedActs = acts.filter((e) => e.type === 'supervised');

    const ids = (cs: RptCase[]) => cs.map((c) => c.id);
    const met = (c: RptCase) => dl(c, 'acceptance-notice')!.state === 'met';
    const sets: Record<DrillDownFigure, FigureSet> = {
      received: { numerator: ids(received) },
      contacts: { numerator: contacts.map((k) => k.caseId) },
      closed: { numerator: ids(closed) },
      closedSubstantive: { numerator: ids(closed.filter((c) => c.closureKind === 'substantive')) },
      closedProcedural: { numerator: ids(closed.filter((c) => c.closureKind === 'procedural')) },
      closedDiverted: { numerator: ids(closed.filter((c) => c.status === 'diverted')) },
      closedOnTime: { numerator: ids(closed.filter(closedOnTime)) },
      timelyAcceptance: { numerator: ids(acceptanceDue.filter(met)), denominator: ids(acceptanceDue) },
      onTimeClosure: { numerator: ids(handlingDue.filter(closedOnTime)), denominator: ids(handlingDue) },
      closure: { numerator: ids(closedByEnd), denominator: ids(mustClose) },
      resolution: { numerator: ids(resolvedOfReceived), denominator: ids(received) },
      substantiveResolution: { numerator: ids(resolvedOfReceived.filter((c) => c.closureKind === 'substantive')), denominator: ids(received) },
      satisfaction: { numerator: ids(satisfied), denominator: ids(evaluated) },
      participation: { numerator: ids(evaluated), denominator: ids([...evaluated, ...evaluationLapsed]) },
      repeat: { numerator: contacts.filter((k) => k.repeat).map((k) => k.caseId), denominator: contacts.map((k) => k.caseId) },
      firstTimeResolution: { numerator: ids(firstTime), denominator: ids(closed) },
      ...(Object.fromEntries(
        AUTHORITIES_.flatMap((a) => [
          [`assigned.${a}`, { numerator: ids(assignedOf(a).filter(resolvedBy)), denominator: ids(assignedOf(a)) }],
          [`assigned.${a}.backlog`, { numerator: ids(assignedOf(a).filter((c) => c.backlog).filter(resolvedBy)), denominator: ids(assignedOf(a).filter((c) => c.backlog)) }],
        ]),
      ) as Record<`assigned.${(typeof AUTHORITIES_)[number]}` | `assigned.${(typeof AUTHORITIES_)[number]}.backlog`, FigureSet>),
    };
    const rateOf = (f: DrillDownFigure) => rate(sets[f].numerator.length, sets[f].denominator!.length);

    const summary = {
      period: { from: params.from, to: params.to, timeZone: tz },
      filters: { unitCode: params.unitCode ?? null, authority: params.authority ?? null, channel: params.channel ?? null, purpose: params.purpose ?? null, category: params.category ?? null },
      received: {
        cases: received.length,
        contacts: contacts.length,
        persons: contacts.reduce((n, k) => n + k.headcount, 0),
        byChannel,
      },
      closed: {
        total: closed.length,
        substantive: sets.closedSubstantive.numerator.length,
        procedural: sets.closedProcedural.numerator.length,
        // Of the procedural: diverted into the proper procedure (导入相应程序, Art. 31).
        diverted: sets.closedDiverted.numerator.length,
        onTime: sets.closedOnTime.numerator.length,
      },
      reception: {
        sessions: sessions.length,
        persons: sessionContacts.reduce((n, k) => n + k.headcount, 0),
        cases: new Set(sessionContacts.map((k) => k.caseId)).size,
        byKind: Object.fromEntries(['leader-day', 'appointment', 'special'].map((k) => [k, sessions.filter((s) => s.kind === k).length])),
      },
      rates: {
        timelyAcceptance: rateOf('timelyAcceptance'),
        onTimeClosure: rateOf('onTimeClosure'),
        closure: rateOf('closure'),
        resolution: rateOf('resolution'),
        substantiveResolution: rateOf('substantiveResolution'),
        satisfaction: rateOf('satisfaction'),
        participation: rateOf('participation'),
        repeat: rateOf('repeat'),
        firstTimeResolution: rateOf('firstTimeResolution'),
      },
      assigned,
      routing: { transfer: routed.filter((e) => e.detail?.mode === 'transfer').length, assign: routed.filter((e) => e.detail?.mode === 'assign').length },
      supervision: { total: supervisedActs.length, manual: supervisedActs.filter((e) => !e.detail?.automatic).length, automatic: supervisedActs.filter((e) => e.detail?.automatic).length },
      unrenderable: { cases: unrenderable.length, items: unrenderable.map((c) => ({ id: c.id, trackingNo: c.trackingNo })) },
    };
    return { summary, sets, received, unreadableTimelines };
  }

  /** Open cases assigned from above, by authority: the backlog leadership watches (积案). */
  async backlog(params: { authority?: string }, caller: Caller | null) {
    const unit = scopeUnit(caller);
    const qb = this.cases
      .createQueryBuilder('c')
      .where('c.authority IS NOT NULL')
      .andWhere('c.status NOT IN (:...done)', { done: ['closed', 'declined', 'diverted', 'final'] })
      .orderBy('c.receivedAt', 'ASC');
    if (params.authority) qb.andWhere('c.authority = :authority', { authority: params.authority });
    if (unit) qb.andWhere('c.unitCode = :unit', { unit });
    const rows = await exclusive(this.dataSource, () => qb.getMany());
    const now = this.clock.now();
    const tz = this.settings.timeZone;
    const memo = this.memo(now);
    return rows
      .map((r) => {
        const ds = memo.of(r) ?? [];
        // The date the unit answers to: the assigning body's feedback date, else the handling period.
        const open = ds.filter((d) => !d.metAt && d.state !== 'lapsed' && d.holder !== 'petitioner');
        const due = ['feedback', 'handling', 'acceptance-notice', 'route', 'review-opinion', 're-review-opinion'].map((k) => open.find((d) => d.kind === k)).find(Boolean);
        return {
          id: r.id,
          trackingNo: r.trackingNo,
          unitCode: r.unitCode,
          authority: r.authority,
          reference: r.assignedReference,
          backlog: r.backlog,
          status: r.status,
          summary: r.summary,
          dueKind: due?.kind ?? null,
          dueAt: due ? formatInstant(due.dueAt, tz) : null,
          daysLeft: due ? Math.ceil((due.dueAt.getTime() - now.getTime()) / 86_400_000) : null,
          overdue: isOverdue(ds),
          supervised: r.supervised,
          ...(memo.errorOf(r) ? { renderError: memo.errorOf(r) } : {}),
        };
      })
      .sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'));
  }

  /**
   * Cases of a period grouped by unit, first-level category, channel, assigning authority or
   * month: received (opened in the period), closed (closed in it), overdue (of those received,
   * overdue now). Months cover the whole period, zeros included; keys without a value are
   * 'unassigned' (no unit yet) and 'none' (not assigned from above).
   */
  async breakdown(params: { by: 'unit' | 'category' | 'channel' | 'authority' | 'month'; from: string; to: string }, caller: Caller | null) {
    scopeUnit(caller);
    const tz = this.settings.timeZone;
    const start = endOfLocalDay(addDays(params.from, -1), tz);
    const end = endOfLocalDay(params.to, tz);
    const inPeriod = (d: Date | null) => !!d && d >= start && d < end;
    // One load of the period serves the counts below and every group's figures.
    const rowsOfPeriod = await this.loadPeriod(params.from, params.to);
    const rows = rowsOfPeriod.cases;
    const now = this.clock.now();
    const memo = this.memo(now);
    const month = (d: Date) => toLocalDate(d, tz).slice(0, 7);
    const keyOf = (r: RptCase, at: Date): string => {
      switch (params.by) {
        case 'unit':
          return r.unitCode ?? 'unassigned';
        case 'category':
          return firstLevelOf(r.category);
        case 'channel':
          return r.channel;
        case 'authority':
          return r.authority ?? 'none';
        case 'month':
          return month(at);
      }
    };
    const groups = new Map<string, { key: string; received: number; closed: number; overdue: number }>();
    const group = (key: string) => groups.get(key) ?? groups.set(key, { key, received: 0, closed: 0, overdue: 0 }).get(key)!;
    if (params.by === 'month') {
      for (let m = params.from.slice(0, 7); m <= params.to.slice(0, 7); m = addDays(`${m}-28`, 4).slice(0, 7)) group(m);
    }
    for (const r of rows) {
      if (inPeriod(r.receivedAt)) {
        const g = group(keyOf(r, r.receivedAt));
        g.received++;
        if (isOverdue(memo.of(r) ?? [])) g.overdue++;
      }
      if (inPeriod(r.closedAt)) group(keyOf(r, r.closedAt!)).closed++;
    }
    // Each group's rates are the summary's, filtered to the group (a month: the summary of that
    // month within the period), so a row says what the summary would say for it.
    const items = await Promise.all(
      [...groups.values()].map(async (g) => {
        const { summary } = await this.figures(this.groupParams(params, g.key), caller, rowsOfPeriod);
        return {
          ...g,
          closedOnTime: summary.closed.onTime,
          rates: { onTimeClosure: summary.rates.onTimeClosure, resolution: summary.rates.resolution, satisfaction: summary.rates.satisfaction },
        };
      }),
    );
    if (params.by !== 'month') items.sort((a, b) => b.received - a.received || b.closed - a.closed || a.key.localeCompare(b.key));
    return { by: params.by, period: { from: params.from, to: params.to }, items };
  }

  /** The summary's filter for one breakdown group. */
  private groupParams(params: { by: 'unit' | 'category' | 'channel' | 'authority' | 'month'; from: string; to: string }, key: string): SummaryParams {
    const period = { from: params.from, to: params.to };
    switch (params.by) {
      case 'unit':
        return key === 'unassigned' ? { ...period, noUnit: true } : { ...period, unitCode: key };
      case 'category':
        return { ...period, category: key };
      case 'channel':
        return { ...period, channel: key };
      case 'authority':
        return key === 'none' ? { ...period, noAuthority: true } : { ...period, authority: key };
      case 'month': {
        const last = addDays(`${addDays(`${key}-28`, 4).slice(0, 7)}-01`, -1);
        return { from: `${key}-01` < params.from ? params.from : `${key}-01`, to: last > params.to ? params.to : last };
      }
    }
  }

  /**
   * The figures of the annual report (Art. 41): the summary of the year, plus where the cases
   * went, what they were about, and how often the office transferred, assigned and supervised.
   */
  async annual(params: { year: number }, caller: Caller | null) {
    const { summary, received, unreadableTimelines } = await this.figures({ from: `${params.year}-01-01`, to: `${params.year}-12-31` }, caller);
    const count = (keys: (string | null)[]) => {
      const m = new Map<string, number>();
      for (const k of keys) if (k) m.set(k, (m.get(k) ?? 0) + 1);
      return [...m].map(([key, cases]) => ({ key, cases })).sort((a, b) => b.cases - a.cases || a.key.localeCompare(b.key));
    };
    // Cases left out of a figure: the summary's, and those whose timeline (routing, supervision) does not parse.
    const left = new Map(summary.unrenderable.items.map((c) => [c.id, c]));
    for (const r of unreadableTimelines) left.set(r.id, { id: r.id, trackingNo: r.trackingNo });
    return {
      year: params.year,
      summary,
      byUnit: count(received.map((r) => r.unitCode)).map(({ key, cases }) => ({ unitCode: key, cases })),
      byCategory: count(received.map((r) => firstLevelOf(r.category))).map(({ key, cases }) => ({ category: key, cases })),
      byPurpose: count(received.map((r) => r.purpose)).map(({ key, cases }) => ({ purpose: key, cases })),
      groupVisits: received.filter((r) => r.groupVisit).length,
      routing: summary.routing,
      supervision: { total: summary.supervision.total, automatic: summary.supervision.automatic },
      unrenderable: { cases: left.size, items: [...left.values()] },
    };
  }
}
