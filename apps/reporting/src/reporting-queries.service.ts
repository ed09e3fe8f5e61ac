import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CaseDataError, CLOCK, DomainError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError, type Clock } from '#libs/common';
import { CHANNELS, deserializeFacts, type DrillDownFigure } from '#libs/contracts';
import { waitForEvent } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { addDays, endOfLocalDay, formatInstant, previewAction, toLocalDate, type CaseAction } from '#libs/regulation';
import { enforce, snapshotOf, type Caller } from '#libs/runtime';
import { DeadlineMemo, formatDeadlines, nextDeadlineOf, renderErrorOf, toCaseView, type CaseView, type RenderError } from './case-view.js';
import { RptAct, RptCase, RptContact, RptReceptionSession } from './reporting.entities.js';
import { ASSIGNED_AUTHORITIES, ASSIGNED_BY_KIND, CASE_ROWS_OF_PERIOD, FIGURES, OVERDUE_NOW, RECEIVED, TOUCHES_PERIOD, type FigureSql } from './figures.js';
import type { CaseExtra } from './projection.handlers.js';
import { tallyCounts, type CaseScan, type TallyGroup } from './tallies.js';
import { ALWAYS } from './read-model.js';
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
  /** Internal (tests, the rebuild's check): count by scanning the cases even where the counters could answer. */
  source?: 'scan';
}

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

/** A breakdown's group as SQL over the case (the scan). */
const GROUP_SQL: Record<TallyGroup, string> = { unit: "COALESCE(c.unitCode, 'unassigned')", category: 'c.categoryTop', channel: 'c.channel', authority: "COALESCE(c.authority, 'none')" };

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
      r = previewAction({
        facts: deserializeFacts(row.facts),
        snapshot: snapshotOf(row),
        action: params.action,
        days: params.days,
        mode: params.mode,
        now: this.clock.now(),
        policy: s.policy,
        calendar: s.calendar,
      });
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
    const memo = this.memo(now);
    // Overdue and urgency come from the derived columns (read-model.ts): a breach not made good,
    // and the next obligation's due instant. A case whose deadlines cannot be computed is not
    // overdue as far as anyone can tell, and comes after every case with a deadline.
    qb.setParameter('now', now);
    if (params.overdue !== undefined) qb.andWhere(params.overdue ? `(${OVERDUE_NOW})` : `NOT (${OVERDUE_NOW})`);
    if (params.sort === 'urgency') qb.orderBy('CASE WHEN c.nextDueAt IS NULL THEN 1 ELSE 0 END', 'ASC').addOrderBy('c.nextDueAt', 'ASC').addOrderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'ASC');
    // The page's ids first, sorted in an index where one covers the filter and the order (e.g. the
    // overdue cases by received instant: idx_rpt_case_overdue_cover), then only those rows: the
    // rows are wide (histories, texts), and sorting thousands of them for one page was the cost.
    const [rows, total] = await exclusive(this.dataSource, async () => {
      const ids = (
        (await qb
          .clone()
          .select('c.id', 'id')
          .offset((page - 1) * pageSize)
          .limit(pageSize)
          .getRawMany()) as { id: string }[]
      ).map((r) => r.id);
      const found = ids.length ? await this.cases.findBy({ id: In(ids) }) : [];
      const byId = new Map(found.map((r) => [r.id, r]));
      return [ids.map((id) => byId.get(id)).filter((r): r is RptCase => !!r), await qb.getCount()] as const;
    });
    // The count the worklist always shows: overdue cases in the caller's scope, whatever the filters
    // (the same cases as ?overdue=true with no other filter).
    const overdueTotal = await exclusive(this.dataSource, () => scoped().andWhere(`(${OVERDUE_NOW})`, { now }).getCount());
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
    scopeUnit(caller);
    return this.figures(params);
  }

  /** The period's instants and the time, the parameters of every figure (figures.ts). */
  private periodParams(from: string, to: string) {
    const tz = this.settings.timeZone;
    return { start: endOfLocalDay(addDays(from, -1), tz), end: endOfLocalDay(to, tz), now: this.clock.now() };
  }

  /** The summary's filters as SQL over the case (c) and, for contact figures, the contact (k). */
  private static filterSql(p: SummaryParams, over: 'case' | 'contact'): { sql: string[]; params: Record<string, unknown> } {
    const sql: string[] = [];
    const params: Record<string, unknown> = {};
    if (p.unitCode) {
      sql.push('c.unitCode = :fUnit');
      params.fUnit = p.unitCode;
    }
    if (p.noUnit) sql.push('c.unitCode IS NULL');
    if (p.authority) {
      sql.push('c.authority = :fAuthority');
      params.fAuthority = p.authority;
    }
    if (p.noAuthority) sql.push('c.authority IS NULL');
    if (p.purpose) {
      sql.push('c.purpose = :fPurpose');
      params.fPurpose = p.purpose;
    }
    if (p.category) {
      sql.push('(c.category = :fCategory OR c.category LIKE :fCategoryChildren)');
      params.fCategory = p.category;
      params.fCategoryChildren = `${p.category}.%`;
    }
    // A contact counts by its own channel; a case by the channel it came in by.
    if (p.channel) {
      sql.push(over === 'contact' ? 'k.channel = :fChannel' : 'c.channel = :fChannel');
      params.fChannel = p.channel;
    }
    return { sql, params };
  }

  /** A query over the cases (c) or the contacts (k, joined to their case c) passing the summary's filters. */
  private over(p: SummaryParams, over: 'case' | 'contact', period = this.periodParams(p.from, p.to)) {
    const qb = over === 'case' ? this.dataSource.createQueryBuilder().from(RptCase, 'c') : this.dataSource.createQueryBuilder().from(RptContact, 'k').innerJoin(RptCase, 'c', 'c.id = k.caseId');
    const f = ReportingQueries.filterSql(p, over);
    qb.where('1 = 1').setParameters({ ...period, ...f.params });
    for (const cond of f.sql) qb.andWhere(cond);
    return qb;
  }

  /**
   * Each figure's numerator and denominator (figures.ts), the contacts' persons and channels, the
   * routing and supervision acts, and (`withOverdue`) the cases overdue now among those received,
   * per group when `group` is given: added up from the counters (tallies.ts; every combination of
   * filters and grouping has a rollup), or counted over the cases (`scanCounts`) when asked for
   * (`source: 'scan'`, the reference the tests and the rebuild's check compare with) — the same numbers.
   */
  private async counts(p: SummaryParams, group?: TallyGroup, withOverdue = false): Promise<Map<string, Map<string, number>>> {
    if (p.source !== 'scan') {
      const today = toLocalDate(this.clock.now(), this.settings.timeZone);
      const query = (sql: string, ps: unknown[]) => exclusive(this.dataSource, () => this.dataSource.query(sql, ps) as Promise<Record<string, unknown>[]>);
      const tallied = await tallyCounts(this.dataSource.manager, query, p, today, this.caseScan(p, group), group);
      if (tallied && !withOverdue) return tallied;
      if (tallied) {
        // Overdue now: a breach the history settled (counted), or an open obligation past its due instant (few: found by index).
        const pending = await this.scanOverdue(p, group ? GROUP_SQL[group] : undefined, true);
        for (const g of pending.keys()) if (!tallied.has(g)) tallied.set(g, new Map());
        for (const [g, f] of tallied) f.set('overdue', (f.get('overdueSettled') ?? 0) + (pending.get(g) ?? 0));
        return tallied;
      }
    }
    const groupBy = group ? GROUP_SQL[group] : undefined;
    const [m, acts, overdue] = await Promise.all([this.scanCounts(p, groupBy), this.scanActs(p, groupBy), withOverdue ? this.scanOverdue(p, groupBy) : new Map<string, number>()]);
    for (const [g, f] of m) {
      for (const [k, n] of acts.get(g) ?? []) f.set(k, n);
      f.set('overdue', overdue.get(g) ?? 0);
    }
    return m;
  }

  /** Counts over the report's case rows for the days the counters' month rows do not cover (tallies.ts CaseScan). */
  private caseScan(p: SummaryParams, group?: TallyGroup): CaseScan {
    const tz = this.settings.timeZone;
    const groupBy = group ? GROUP_SQL[group] : undefined;
    return async (x, closed, sums) => {
      const qb = this.over(p, 'case');
      const [a, b] = 'received' in x ? x.received : x.due;
      qb.setParameter('xs', endOfLocalDay(addDays(a, -1), tz)).setParameter('xe', endOfLocalDay(b, tz));
      // An instant on those days; a due instant (24:00 of its last day) on those days.
      qb.andWhere('received' in x ? 'c.receivedAt >= :xs AND c.receivedAt < :xe' : 'c.handlingDueAt > :xs AND c.handlingDueAt <= :xe');
      if (closed === 'byEnd') qb.andWhere('c.closedAt IS NOT NULL AND c.closedAt < :end');
      else if (closed) qb.andWhere('c.closedAt >= :ys AND c.closedAt < :ye', { ys: endOfLocalDay(addDays(closed[0], -1), tz), ye: endOfLocalDay(closed[1], tz) });
      else qb.andWhere('c.closedAt IS NOT NULL');
      qb.select('COUNT(*)', 'n');
      const names = Object.keys(sums);
      names.forEach((k, i) => qb.addSelect(`SUM(CASE WHEN ${sums[k]} THEN 1 ELSE 0 END)`, `s${i}`));
      if (groupBy) qb.addSelect(groupBy, 'g').groupBy(groupBy);
      const rows = (await exclusive(this.dataSource, () => qb.getRawMany())) as Record<string, unknown>[];
      return new Map(rows.map((r) => [groupBy ? String(r.g) : '', new Map(names.map((k, i) => [k, Number(r[`s${i}`] ?? 0)]))]));
    };
  }

  /** The routing and supervision acts of the period (转送 / 交办, manual / automatic 督办) on the cases that pass the filters. */
  private async scanActs(p: SummaryParams, groupBy?: string): Promise<Map<string, Map<string, number>>> {
    const qb = this.over(p, 'case')
      .innerJoin(RptAct, 'a', 'a.caseId = c.id')
      .andWhere('a.at >= :start AND a.at < :end')
      .select("SUM(CASE WHEN a.kind = 'routed' AND a.mode = 'transfer' THEN 1 ELSE 0 END)", 'transfer')
      .addSelect("SUM(CASE WHEN a.kind = 'routed' AND a.mode = 'assign' THEN 1 ELSE 0 END)", 'assign')
      .addSelect("SUM(CASE WHEN a.kind = 'supervised' AND a.automatic = 0 THEN 1 ELSE 0 END)", 'manual')
      .addSelect("SUM(CASE WHEN a.kind = 'supervised' AND a.automatic = 1 THEN 1 ELSE 0 END)", 'automatic');
    if (groupBy) qb.addSelect(groupBy, 'g').groupBy(groupBy);
    const rows = (await exclusive(this.dataSource, () => qb.getRawMany())) as Record<string, unknown>[];
    return new Map(rows.map((r) => [groupBy ? String(r.g) : '', new Map(['transfer', 'assign', 'manual', 'automatic'].map((k) => [`act:${k}`, Number(r[k] ?? 0)]))]));
  }

  /** Of the cases received in the period, those overdue now (the breakdown's column). */
  private async scanOverdue(p: SummaryParams, groupBy?: string, pendingOnly = false): Promise<Map<string, number>> {
    const qb = this.over(p, 'case').andWhere(`(${RECEIVED})`).select('COUNT(*)', 'n');
    // Past a due instant (not a settled breach): those rows only, read from an index that covers them
    // (idx_rpt_case_overdue_cover; a case whose deadlines cannot be computed has no overdueFrom).
    if (pendingOnly) qb.andWhere('c.overdueFrom > :always AND c.overdueFrom <= :now', { always: ALWAYS });
    else qb.andWhere(`(${OVERDUE_NOW})`);
    if (groupBy) qb.addSelect(groupBy, 'g').groupBy(groupBy);
    const rows = (await exclusive(this.dataSource, () => qb.getRawMany())) as { n: unknown; g?: unknown }[];
    return new Map(rows.map((x) => [groupBy ? String(x.g) : '', Number(x.n)]));
  }

  /**
   * Each figure's numerator and denominator (figures.ts) counted by the database over the rows
   * of the period that pass the filters, optionally per group (`groupBy`: a SQL expression over c).
   */
  private async scanCounts(p: SummaryParams, groupBy?: string): Promise<Map<string, Map<string, number>>> {
    const period = this.periodParams(p.from, p.to);
    const result = new Map<string, Map<string, number>>();
    for (const over of ['case', 'contact'] as const) {
      const parts: [string, string][] = (Object.entries(FIGURES) as [DrillDownFigure, FigureSql][])
        .filter(([, f]) => f.over === over)
        .flatMap(([name, f]): [string, string][] => [[`${name}:numerator`, f.numerator], ...(f.denominator ? [[`${name}:denominator`, f.denominator] as [string, string]] : [])])
        .concat(over === 'case' ? Object.entries(ASSIGNED_BY_KIND) : []);
      const qb = this.over(p, over, period);
      parts.forEach(([, cond], i) => qb.addSelect(`SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`, `f${i}`));
      if (over === 'case') qb.andWhere(`(${CASE_ROWS_OF_PERIOD})`);
      else {
        qb.andWhere('k.receivedAt >= :start AND k.receivedAt < :end');
        qb.addSelect('SUM(k.headcount)', 'persons');
        for (const ch of CHANNELS) qb.addSelect(`SUM(CASE WHEN k.channel = '${ch}' THEN 1 ELSE 0 END)`, `ch_${ch}`);
      }
      if (groupBy) qb.addSelect(groupBy, 'g').groupBy(groupBy);
      const rows = (await exclusive(this.dataSource, () => qb.getRawMany())) as Record<string, unknown>[];
      for (const row of rows) {
        const key = groupBy ? String(row.g) : '';
        const m = result.get(key) ?? result.set(key, new Map()).get(key)!;
        parts.forEach(([name], i) => m.set(name, Number(row[`f${i}`] ?? 0)));
        if (over === 'contact') {
          m.set('persons', Number(row.persons ?? 0));
          for (const ch of CHANNELS) m.set(`channel:${ch}`, Number(row[`ch_${ch}`] ?? 0));
        }
      }
    }
    return result;
  }

  /** The summary of a period (figures.ts for every count and rate; reception sessions and acts from their tables). */
  private async figures(params: SummaryParams) {
    const tz = this.settings.timeZone;
    const period = this.periodParams(params.from, params.to);
    const m = (await this.counts(params)).get('') ?? new Map<string, number>();
    const n = (f: DrillDownFigure, part: 'numerator' | 'denominator' = 'numerator') => m.get(`${f}:${part}`) ?? 0;
    const rateOf = (f: DrillDownFigure) => rate(n(f), n(f, 'denominator'));

    const sessions = await exclusive(this.dataSource, () =>
      this.dataSource.getRepository(RptReceptionSession).createQueryBuilder('s').where('s.date >= :from AND s.date <= :to', { from: params.from, to: params.to }).getMany(),
    );
    const sessionContacts = sessions.length
      ? ((await exclusive(this.dataSource, () =>
          this.dataSource
            .createQueryBuilder()
            .from(RptContact, 'k')
            .select('COALESCE(SUM(k.headcount), 0)', 'persons')
            .addSelect('COUNT(DISTINCT k.caseId)', 'cases')
            .where('k.receptionSessionId IN (:...ids)', { ids: sessions.map((x) => x.id) })
            .getRawOne(),
        )) as { persons: unknown; cases: unknown })
      : { persons: 0, cases: 0 };

    const act = (k: string) => m.get(`act:${k}`) ?? 0;

    // Cases of the period whose deadlines cannot be computed: counted where their columns suffice, named here.
    const broken = (await exclusive(this.dataSource, () =>
      this.over(params, 'case', period)
        .select(['c.id AS id', 'c.trackingNo AS trackingNo'])
        .andWhere(`(${TOUCHES_PERIOD})`)
        .andWhere('c.dataError IS NOT NULL')
        .orderBy('c.receivedAt', 'ASC')
        .getRawMany(),
    )) as { id: string; trackingNo: string }[];

    const resolutionOf = (f: DrillDownFigure) => {
      const received = n(f, 'denominator');
      const byKind = (k: string) => m.get(`${f}:${k}`) ?? 0;
      return { received, closedSubstantive: byKind('substantive'), closedProcedural: byKind('procedural'), open: received - byKind('substantive') - byKind('procedural'), resolution: rateOf(f) };
    };
    const assigned = Object.fromEntries(ASSIGNED_AUTHORITIES.map((a) => [a, { ...resolutionOf(`assigned.${a}`), backlog: resolutionOf(`assigned.${a}.backlog`) }]));
    return {
      period: { from: params.from, to: params.to, timeZone: tz },
      filters: ReportingQueries.filtersOf(params),
      received: {
        cases: n('received'),
        contacts: n('contacts'),
        persons: m.get('persons') ?? 0,
        byChannel: Object.fromEntries(CHANNELS.map((ch) => [ch, m.get(`channel:${ch}`) ?? 0])),
      },
      closed: {
        total: n('closed'),
        substantive: n('closedSubstantive'),
        procedural: n('closedProcedural'),
        // Of the procedural: diverted into the proper procedure (导入相应程序, Art. 31).
        diverted: n('closedDiverted'),
        onTime: n('closedOnTime'),
      },
      reception: {
        sessions: sessions.length,
        persons: Number(sessionContacts.persons ?? 0),
        cases: Number(sessionContacts.cases ?? 0),
        byKind: Object.fromEntries(['leader-day', 'appointment', 'special'].map((k) => [k, sessions.filter((x) => x.kind === k).length])),
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
      routing: { transfer: act('transfer'), assign: act('assign') },
      supervision: { total: act('manual') + act('automatic'), manual: act('manual'), automatic: act('automatic') },
      unrenderable: { cases: broken.length, items: broken.map((c) => ({ id: c.id, trackingNo: c.trackingNo })) },
    };
  }

  /**
   * The cases behind one figure of the summary (the same filters and period): its numerator or
   * its denominator, paged, as the case list shows them, newest first (a contact figure: one entry
   * per contact, in the order they came). Its condition is the figure's own (figures.ts), so the
   * totals equal the summary's numbers; a figure with an instant of its own lists by it (closed
   * cases by their closure, due ones by the last day), newest first.
   */
  async reportCases(params: SummaryParams & { figure: DrillDownFigure; part?: 'numerator' | 'denominator'; page?: number; pageSize?: number }, caller: Caller | null) {
    scopeUnit(caller);
    const f = FIGURES[params.figure];
    const part = params.part ?? 'numerator';
    const cond = part === 'denominator' ? f.denominator : f.numerator;
    if (!cond) throw new InvalidInputError(`「${params.figure}」是件数，没有分母`, [{ field: 'part', messages: ['件数只有 numerator（分子）'] }]);
    const page = params.page ?? 1;
    const pageSize = params.pageSize ?? 50;
    const qb = this.over(params, f.over).andWhere(`(${cond})`);
    const total = Number(((await exclusive(this.dataSource, () => qb.clone().select('COUNT(*)', 'n').getRawOne())) as { n: unknown }).n);
    const ordered =
      f.over === 'case'
        ? qb
            .select('c.id', 'id')
            .orderBy(f.order ?? 'c.receivedAt', 'DESC')
            .addOrderBy('c.id', 'ASC')
        : qb.select('k.caseId', 'id').orderBy('k.receivedAt', 'ASC').addOrderBy('k.id', 'ASC');
    const slice = (
      (await exclusive(this.dataSource, () =>
        ordered
          .offset((page - 1) * pageSize)
          .limit(pageSize)
          .getRawMany(),
      )) as { id: string }[]
    ).map((r) => r.id);
    const found = await this.items({ ids: slice }, caller);
    const byId = new Map((found.items as { id: string }[]).map((i) => [i.id, i]));
    return { figure: params.figure, part, total, page, pageSize, items: slice.map((id) => byId.get(id)).filter(Boolean) };
  }

  /** Open cases assigned from above, by authority: the backlog leadership watches (积案). */
  async backlog(params: { authority?: string; overdue?: boolean; dueWithinDays?: number }, caller: Caller | null) {
    const unit = scopeUnit(caller);
    const now = this.clock.now();
    const tz = this.settings.timeZone;
    const qb = this.cases
      .createQueryBuilder('c')
      .where('c.authority IS NOT NULL')
      .andWhere('c.status NOT IN (:...done)', { done: ['closed', 'declined', 'diverted', 'final'] })
      .setParameter('now', now)
      // The date the unit answers to first (the assigning body's feedback date, else the handling period…), those without one last.
      .orderBy('CASE WHEN c.answerDueAt IS NULL THEN 1 ELSE 0 END', 'ASC')
      .addOrderBy('c.answerDueAt', 'ASC')
      .addOrderBy('c.receivedAt', 'ASC')
      .addOrderBy('c.id', 'ASC');
    if (params.authority) qb.andWhere('c.authority = :authority', { authority: params.authority });
    if (unit) qb.andWhere('c.unitCode = :unit', { unit });
    if (params.overdue !== undefined) qb.andWhere(params.overdue ? `(${OVERDUE_NOW})` : `NOT (${OVERDUE_NOW})`);
    // Falls due within N days: its answer date's last day is today or one of the next N days (not yet past).
    if (params.dueWithinDays !== undefined) qb.andWhere('c.answerDueAt > :now AND c.answerDueAt <= :within', { within: endOfLocalDay(addDays(toLocalDate(now, tz), params.dueWithinDays), tz) });
    // Only the columns the list shows (not the histories and texts of every open assigned case).
    qb.select([
      'c.id',
      'c.trackingNo',
      'c.unitCode',
      'c.authority',
      'c.assignedReference',
      'c.backlog',
      'c.status',
      'c.summary',
      'c.answerDueKind',
      'c.answerDueAt',
      'c.dataError',
      'c.overdueFrom',
      'c.supervised',
      'c.receivedAt',
    ]);
    const rows = await exclusive(this.dataSource, () => qb.getMany());
    return rows.map((r) => ({
      id: r.id,
      trackingNo: r.trackingNo,
      unitCode: r.unitCode,
      authority: r.authority,
      reference: r.assignedReference,
      backlog: r.backlog,
      status: r.status,
      summary: r.summary,
      dueKind: r.answerDueKind,
      dueAt: r.answerDueAt ? formatInstant(r.answerDueAt, tz) : null,
      daysLeft: r.answerDueAt ? Math.ceil((r.answerDueAt.getTime() - now.getTime()) / 86_400_000) : null,
      overdue: !r.dataError && !!r.overdueFrom && r.overdueFrom <= now,
      supervised: r.supervised,
      ...(r.dataError ? { renderError: renderErrorOf(r, new Error(r.dataError)) } : {}),
    }));
  }

  /**
   * Cases of a period grouped by unit, first-level category, channel, assigning authority or
   * month: received (opened in the period), closed (closed in it), overdue (of those received,
   * overdue now), and each group's on-time closure, resolution and satisfaction — the summary's
   * figures filtered to the group (a month: the summary of that month within the period), counted
   * by the database per group. Months cover the whole period, zeros included; keys without a value
   * are 'unassigned' (no unit yet) and 'none' (not assigned from above).
   */
  async breakdown(params: SummaryParams & { by: 'unit' | 'category' | 'channel' | 'authority' | 'month' }, caller: Caller | null) {
    scopeUnit(caller);
    const row = (key: string, m: Map<string, number>, overdue: number) => {
      const n = (k: string) => m.get(k) ?? 0;
      const r = (f: DrillDownFigure) => rate(n(`${f}:numerator`), n(`${f}:denominator`));
      return {
        key,
        received: n('received:numerator'),
        closed: n('closed:numerator'),
        overdue,
        closedOnTime: n('closedOnTime:numerator'),
        rates: { onTimeClosure: r('onTimeClosure'), resolution: r('resolution'), satisfaction: r('satisfaction') },
      };
    };
    let items: ReturnType<typeof row>[];
    if (params.by === 'month') {
      const months: string[] = [];
      for (let mo = params.from.slice(0, 7); mo <= params.to.slice(0, 7); mo = addDays(`${mo}-28`, 4).slice(0, 7)) months.push(mo);
      items = await Promise.all(
        months.map(async (mo) => {
          const m = (await this.counts(this.groupParams(params, mo), undefined, true)).get('') ?? new Map<string, number>();
          return row(mo, m, m.get('overdue') ?? 0);
        }),
      );
    } else {
      const { by, ...p } = params;
      const groups = await this.counts(p, by, true);
      // A group is listed when something of it was received or closed in the period.
      items = [...groups].map(([k, m]) => row(k, m, m.get('overdue') ?? 0)).filter((g) => g.received || g.closed);
      items.sort((a, b) => b.received - a.received || b.closed - a.closed || a.key.localeCompare(b.key));
    }
    return { by: params.by, period: { from: params.from, to: params.to }, filters: ReportingQueries.filtersOf(params), items };
  }

  /** The filters a report states it was computed with. */
  private static filtersOf(p: SummaryParams) {
    return { unitCode: p.unitCode ?? null, authority: p.authority ?? null, channel: p.channel ?? null, purpose: p.purpose ?? null, category: p.category ?? null };
  }

  /** The summary's period and filters for one month of a breakdown by month. */
  private groupParams(params: SummaryParams & { by: string }, month: string): SummaryParams {
    const { by: _by, ...filters } = params;
    const last = addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
    return { ...filters, from: `${month}-01` < params.from ? params.from : `${month}-01`, to: last > params.to ? params.to : last };
  }

  /**
   * The figures of the annual report (Art. 41): the summary of the year, plus where the cases
   * went, what they were about, and how often the office transferred, assigned and supervised.
   */
  async annual(params: { year: number }, caller: Caller | null) {
    scopeUnit(caller);
    const period = { from: `${params.year}-01-01`, to: `${params.year}-12-31` };
    const summary = await this.figures(period);
    const countBy = async (expr: string) => {
      const qb = this.over(period, 'case').andWhere(`(${RECEIVED})`).select(expr, 'key').addSelect('COUNT(*)', 'cases').groupBy(expr);
      const rows = (await exclusive(this.dataSource, () => qb.getRawMany())) as { key: string | null; cases: unknown }[];
      return rows
        .filter((r) => r.key !== null && r.key !== '')
        .map((r) => ({ key: String(r.key), cases: Number(r.cases) }))
        .sort((a, b) => b.cases - a.cases || a.key.localeCompare(b.key));
    };
    const groupVisits = (await exclusive(this.dataSource, () => this.over(period, 'case').andWhere(`(${RECEIVED})`).andWhere('c.groupVisit = 1').select('COUNT(*)', 'n').getRawOne())) as {
      n: unknown;
    };
    // The units ranked (Art. 41's most-complained-of units, and how each handled its cases): the breakdown by unit.
    const units = (await this.breakdown({ ...period, by: 'unit' }, caller)).items.filter((u) => u.key !== 'unassigned');
    return {
      year: params.year,
      summary,
      units,
      byUnit: (await countBy('c.unitCode')).map(({ key, cases }) => ({ unitCode: key, cases })),
      byCategory: (await countBy('c.categoryTop')).map(({ key, cases }) => ({ category: key, cases })),
      byPurpose: (await countBy('c.purpose')).map(({ key, cases }) => ({ purpose: key, cases })),
      groupVisits: Number(groupVisits.n),
      routing: summary.routing,
      supervision: { total: summary.supervision.total, automatic: summary.supervision.automatic },
      unrenderable: summary.unrenderable,
    };
  }
}
