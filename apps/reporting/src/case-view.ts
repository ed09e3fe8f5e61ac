import { allowedActions, assessDeadlines, computeDeadlines, daysBetween, DEADLINE_KINDS, formatInstant, toLocalDate, WINDOWS, type Deadline, type DeadlineAssessment } from '#libs/regulation';
import { snapshotOf, type Caller } from '#libs/runtime';
import { deserializeFacts } from '#libs/contracts';
import type { RptCase } from './reporting.entities.js';
import type { CaseExtra, TimelineEntry } from './projection.handlers.js';
import type { ReportingSettings } from './reporting.settings.js';
import { petitionersToShow } from './petitioner-pii.js';
import { maskText } from '#libs/common';

/**
 * A case this read model holds but cannot compute or show (a fact the regulation cannot compute,
 * JSON that does not parse, a sealed value that does not open): lists, reports and the case page
 * show it with this marker instead of failing for every case around it.
 */
export interface RenderError {
  code: 'CASE_DATA_INVALID';
  message: string;
  /** What failed, for the administrator (personal data masked). */
  detail: string;
}

export function renderErrorOf(row: Pick<RptCase, 'trackingNo'>, e: unknown): RenderError {
  return {
    code: 'CASE_DATA_INVALID',
    message: `案件 ${row.trackingNo} 的数据异常，无法计算办理期限或显示全部内容，请系统管理员核查；其他案件不受影响`,
    detail: maskText(e instanceof Error ? `${e.name}: ${e.message}` : String(e)),
  };
}

/**
 * The deadlines of each case, computed once per query; a case whose deadlines cannot be computed
 * is remembered with its error (and left out of every figure that needs its deadlines).
 */
export class DeadlineMemo {
  private readonly done = new Map<string, Deadline[] | RenderError>();
  constructor(
    private readonly now: Date,
    private readonly s: ReportingSettings,
    private readonly onError?: (row: RptCase, e: RenderError) => void,
  ) {}
  /** The case's deadlines, or null when they cannot be computed. */
  of(row: RptCase): Deadline[] | null {
    let r = this.done.get(row.id);
    if (!r) {
      try {
        r = deadlinesOf(row, this.now, this.s);
      } catch (e) {
        r = renderErrorOf(row, e);
        this.onError?.(row, r);
      }
      this.done.set(row.id, r);
    }
    return Array.isArray(r) ? r : null;
  }
  errorOf(row: RptCase): RenderError | null {
    this.of(row);
    const r = this.done.get(row.id)!;
    return Array.isArray(r) ? null : r;
  }
}

/** Deadlines as of `now`, from the case history (the same rules the deadline service enforces). */
export function deadlinesOf(row: RptCase, now: Date, s: ReportingSettings): Deadline[] {
  return computeDeadlines(deserializeFacts(row.facts), now, s.policy, s.calendar);
}

/** A deadline that was missed and is still not met. */
export function isOverdue(deadlines: Deadline[]): boolean {
  return deadlines.some((d) => d.state === 'breached' && !d.metAt);
}

/** Deadlines in the API contract's shape (the case view's, and a preview's). */
export function formatDeadlines({ deadlines, withheld }: DeadlineAssessment, tz: string) {
  return [
    ...deadlines.map((d) => ({
      kind: d.kind,
      dueAt: formatInstant(d.dueAt, tz),
      lastDay: d.lastDay,
      // The contract knows pending / met / breached: a petitioner's window that ran out unused
      // is complete, not breached by anyone; `lapsed` says which.
      state: d.state === 'lapsed' ? 'met' : d.state,
      ...(d.state === 'lapsed' ? { lapsed: true } : {}),
      metAt: d.metAt ? formatInstant(d.metAt, tz) : null,
      article: d.article,
      basis: d.basis,
      revision: d.revision,
      ...(d.provisional ? { provisional: true } : {}),
    })),
    // Refused for want of the year's holiday data: no due date, and never reported overdue.
    ...withheld.map((w) => ({
      kind: w.kind,
      dueAt: null,
      lastDay: null,
      state: w.metAt || w.mootAt ? ('met' as const) : ('pending' as const),
      ...(w.mootAt ? { lapsed: true } : {}),
      metAt: w.metAt ? formatInstant(w.metAt, tz) : null,
      article: w.article,
      basis: w.basis,
      revision: w.revision,
      withheld: true,
      awaitsCalendarYear: w.year,
    })),
  ].sort((a, b) => DEADLINE_KINDS.indexOf(a.kind) - DEADLINE_KINDS.indexOf(b.kind));
}

/** An obligation of the office or the unit not met yet (the petitioner's windows and the unit's objection window are rights, not duties). */
export const isOpenObligation = (d: Deadline): boolean => !d.metAt && !d.mootAt && d.state !== 'lapsed' && d.state !== 'met' && d.holder !== 'petitioner' && !WINDOWS.has(d.kind);

export interface NextDeadline {
  kind: string;
  dueAt: string;
  lastDay: string;
  daysLeft: number;
  overdueDays: number | null;
  level: 'ok' | 'warning' | 'breached';
  basis: string;
}

/**
 * The earliest obligation of the office or the unit not met yet (the petitioner's windows do
 * not count): days left to its last day (office time zone), 'warning' from the first warning,
 * 'breached' once past due.
 */
export function nextDeadlineOf(deadlines: Deadline[], now: Date, tz: string, warnDaysBefore: number[] = [5]): NextDeadline | null {
  const open = deadlines.filter(isOpenObligation);
  if (!open.length) return null;
  const d = open.reduce((a, b) => (b.dueAt.getTime() < a.dueAt.getTime() ? b : a));
  const daysLeft = daysBetween(toLocalDate(now, tz), d.lastDay);
  const breached = now.getTime() >= d.dueAt.getTime();
  const warnFrom = d.dueAt.getTime() - Math.max(0, ...warnDaysBefore) * 86_400_000;
  return {
    kind: d.kind,
    dueAt: formatInstant(d.dueAt, tz),
    lastDay: d.lastDay,
    daysLeft,
    overdueDays: breached ? Math.max(1, -daysLeft) : null,
    level: breached ? 'breached' : now.getTime() >= warnFrom ? 'warning' : 'ok',
    basis: d.basis,
  };
}

/**
 * The case in the API contract's shape; personal data masked unless the caller is admin. A case
 * that cannot be rendered comes back with what its columns hold, no actions, and `renderError`.
 */
export function toCaseView(row: RptCase, caller: Caller | null, now: Date, s: ReportingSettings): CaseView {
  try {
    return renderCaseView(row, caller, now, s);
  } catch (e) {
    return brokenCaseView(row, caller, s, renderErrorOf(row, e));
  }
}

/** What the view shows straight from the row's columns (instants through `fmt`). */
function columnsOf(row: RptCase, fmt: (d: Date | null) => string | null) {
  return {
    id: row.id,
    trackingNo: row.trackingNo,
    status: row.status,
    channel: row.channel,
    purpose: row.purpose,
    category: row.category,
    summary: row.summary,
    content: row.content,
    headcount: row.headcount,
    groupVisit: row.groupVisit,
    assignedBy: row.authority ? { authority: row.authority, reference: row.assignedReference, feedbackDueAt: row.assignedFeedbackDueAt } : null,
    backlog: row.backlog,
    unitCode: row.unitCode,
    routeMode: row.routeMode,
    receivedAt: fmt(row.receivedAt),
    routedAt: fmt(row.routedAt),
    acceptedAt: fmt(row.acceptedAt),
    closedAt: fmt(row.closedAt),
    closure: row.closureKind ? { kind: row.closureKind, outcome: row.closureOutcome, opinion: row.closureOpinion } : null,
    repeatContacts: row.repeatContacts,
    supervised: row.supervised,
  };
}

/** The timeline with every instant in the office's time zone. */
function timelineOf(row: RptCase, tz: string) {
  return (JSON.parse(row.timeline) as TimelineEntry[]).map((t) => ({
    ...t,
    at: formatInstant(new Date(t.at), tz),
    ...(t.enteredAt ? { enteredAt: formatInstant(new Date(t.enteredAt), tz) } : {}),
  }));
}

/** What a case whose data cannot be computed still shows: its columns, each part that does parse. */
export function brokenCaseView(row: RptCase, caller: Caller | null, s: ReportingSettings, renderError: RenderError): CaseView {
  const tz = s.timeZone;
  const fmt = (d: Date | null) => (d && !Number.isNaN(d.getTime()) ? formatInstant(d, tz) : null);
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch {
      return fallback;
    }
  };
  const admin = !!caller?.roles.includes('admin');
  return {
    ...columnsOf(row, fmt),
    petitioners: attempt(() => petitionersToShow(s.pii, row.petitioners, admin), []),
    extension: null,
    evaluation: null,
    evaluationState: null,
    decline: null,
    diversion: null,
    objections: [],
    review: null,
    reReview: null,
    supervisions: [],
    priorFinalCase: null,
    overdue: false,
    deadlines: [],
    allowedActions: [],
    timeline: attempt(() => timelineOf(row, tz), []),
    renderError,
  };
}

/** A review (or re-review) record with its instants in the office's time zone. */
function reviewOf<R extends { requestedAt: string; opinion?: { at: string } }>(r: R | undefined, fmt: (d: Date | null) => string | null): R | null {
  if (!r) return null;
  return { ...r, requestedAt: fmt(new Date(r.requestedAt))!, ...(r.opinion ? { opinion: { ...r.opinion, at: fmt(new Date(r.opinion.at))! } } : {}) };
}

function renderCaseView(row: RptCase, caller: Caller | null, now: Date, s: ReportingSettings) {
  const tz = s.timeZone;
  const fmt = (d: Date | null) => (d ? formatInstant(d, tz) : null);
  const admin = !!caller?.roles.includes('admin');
  const petitioners = petitionersToShow(s.pii, row.petitioners, admin);
  const { deadlines, withheld } = assessDeadlines(deserializeFacts(row.facts), now, s.policy, s.calendar);
  const extra = JSON.parse(row.extra) as CaseExtra;
  return {
    ...columnsOf(row, fmt),
    petitioners,
    extension: extra.extension ? { days: extra.extension.days, reason: extra.extension.reason, approvedBy: extra.extension.approvedBy, petitionerNotice: extra.extension.petitionerNotice } : null,
    evaluation: extra.evaluation ? { rating: extra.evaluation.rating, at: fmt(new Date(extra.evaluation.at)), ...(extra.evaluation.comment ? { comment: extra.evaluation.comment } : {}) } : null,
    evaluationState: extra.evaluation ? '已评价' : row.closedAt && row.status !== 'diverted' ? (deadlines.find((d) => d.kind === 'evaluation')?.state === 'lapsed' ? '超期未评价' : '待评价') : null,
    // every instant of the view in the office's time zone, like the top-level ones
    decline: extra.decline ? { ...extra.decline, at: fmt(new Date(extra.decline.at)) } : null,
    diversion: extra.diversion ? { ...extra.diversion, at: fmt(new Date(extra.diversion.at)) } : null,
    objections: (extra.objections ?? []).map((o) => ({ ...o, at: fmt(new Date(o.at)) })),
    review: reviewOf(extra.review, fmt),
    reReview: reviewOf(extra.reReview, fmt),
    supervisions: (extra.supervisions ?? []).map((v) => ({ ...v, at: fmt(new Date(v.at)) })),
    priorFinalCase: extra.priorFinalCase ?? null,
    overdue: isOverdue(deadlines),
    deadlines: formatDeadlines({ deadlines, withheld }, tz),
    allowedActions: caller
      ? allowedActions({
          snapshot: snapshotOf(row),
          actor: caller,
          caseUnit: row.unitCode,
          evaluated: !!extra.evaluation,
          windows: [...deadlines.map((d) => ({ kind: d.kind, dueAt: d.dueAt })), ...withheld.map((w) => ({ kind: w.kind, dueAt: null }))],
          now,
        })
      : [],
    timeline: timelineOf(row, tz),
    renderError: null as RenderError | null,
  };
}
export type CaseView = ReturnType<typeof renderCaseView>;
