import type { DrillDownFigure } from '#libs/contracts';
import { SATISFIED_RATINGS } from './read-model.js';

/**
 * Every figure of the reports, once: a SQL condition over one case row (alias `c`, the read
 * model's columns, read-model.ts) or one contact row (alias `k`, joined to its case), with the
 * period and the time as parameters — `:start` (the period's first instant), `:end` (the first
 * instant after it) and `:now`. The summary counts the rows that meet each condition (SUM over
 * the period's rows, or GROUP BY a breakdown's key); the drill-down lists the same rows. So a
 * figure and the cases behind it cannot disagree.
 *
 * An instant is in the period when start ≤ t < end. A deadline falls due in the period when its
 * last day is in it: its due instant (24:00 of the last day) is then start < t ≤ end.
 */
const inPeriod = (col: string) => `(${col} >= :start AND ${col} < :end)`;
const dueInPeriod = (col: string) => `(${col} > :start AND ${col} <= :end)`;
const and = (...parts: string[]) => parts.map((p) => `(${p})`).join(' AND ');
const or = (...parts: string[]) => parts.map((p) => `(${p})`).join(' OR ');

const received = inPeriod('c.receivedAt');
const closed = inPeriod('c.closedAt');
const computable = 'c.dataError IS NULL';
/** Closed by the (possibly extended) handling due instant; a case with no handling period counts as on time. */
const closedOnTime = and('c.closedAt IS NOT NULL', computable, or('c.handlingDueAt IS NULL', 'c.closedAt <= c.handlingDueAt'));
const acceptanceDue = dueInPeriod('c.acceptanceDueAt');
const handlingDue = dueInPeriod('c.handlingDueAt');
const closedByEnd = 'c.closedAt IS NOT NULL AND c.closedAt < :end';
const evaluated = inPeriod('c.evaluatedAt');
/** The evaluation window ran out unused in the period: moot, or open and past due now. */
const evaluationLapsed = and(dueInPeriod('c.evaluationDueAt'), or("c.evaluationWindow = 'moot'", "c.evaluationWindow = 'open' AND c.evaluationDueAt <= :now"));
const satisfied = `c.evaluationRating IN (${SATISFIED_RATINGS.map((r) => `'${r}'`).join(', ')})`;
const resolvedByEnd = and(closedByEnd, "c.closureKind IN ('substantive', 'procedural')");
/** 一次性化解: substantive, no review asked for, no repeat contact from receipt to 90 days after the closure. */
const firstTime = and(closed, "c.closureKind = 'substantive'", computable, 'c.reviewRequested = 0', or('c.firstRepeatAt IS NULL', 'c.firstRepeatAt > c.comeBackBy'));

export interface FigureSql {
  /** 'case': over rpt_case c; 'contact': over rpt_contact k joined to its case c. */
  over: 'case' | 'contact';
  numerator: string;
  denominator?: string;
  /**
   * The instant a drill-down lists its cases by, newest first (an index serves the page): the
   * figure's own instant where it has one — closed by the closure, due by the due instant —, else
   * the receipt.
   */
  order?: string;
}

const AUTHORITIES = ['central', 'provincial', 'municipal'] as const;
const assigned = (a: string, backlog: boolean): FigureSql => {
  const den = and(received, `c.authority = '${a}'`, ...(backlog ? ['c.backlog = 1'] : []));
  return { over: 'case', numerator: and(den, resolvedByEnd), denominator: den, order: 'c.receivedAt' };
};

export const FIGURES: Record<DrillDownFigure, FigureSql> = {
  received: { over: 'case', numerator: received, order: 'c.receivedAt' },
  contacts: { over: 'contact', numerator: inPeriod('k.receivedAt') },
  closed: { over: 'case', numerator: closed, order: 'c.closedAt' },
  closedSubstantive: { over: 'case', numerator: and(closed, "c.closureKind = 'substantive'"), order: 'c.closedAt' },
  closedProcedural: { over: 'case', numerator: and(closed, "c.closureKind = 'procedural'"), order: 'c.closedAt' },
  // Of the procedural: diverted into the proper procedure (导入相应程序, Art. 31).
  closedDiverted: { over: 'case', numerator: and(closed, "c.status = 'diverted'"), order: 'c.closedAt' },
  closedOnTime: { over: 'case', numerator: and(closed, closedOnTime), order: 'c.closedAt' },
  timelyAcceptance: { over: 'case', numerator: and(acceptanceDue, 'c.acceptanceMet = 1'), denominator: acceptanceDue, order: 'c.acceptanceDueAt' },
  onTimeClosure: { over: 'case', numerator: and(handlingDue, closedOnTime), denominator: handlingDue, order: 'c.handlingDueAt' },
  closure: { over: 'case', numerator: and(or(handlingDue, closed), closedByEnd), denominator: or(handlingDue, closed) },
  resolution: { over: 'case', numerator: and(received, closedByEnd), denominator: received, order: 'c.receivedAt' },
  substantiveResolution: { over: 'case', numerator: and(received, closedByEnd, "c.closureKind = 'substantive'"), denominator: received, order: 'c.receivedAt' },
  satisfaction: { over: 'case', numerator: and(evaluated, satisfied), denominator: evaluated, order: 'c.evaluatedAt' },
  // A window that ran out unused is one not used: a case evaluated counts as evaluated only (as the counters count it, tallies.ts).
  participation: { over: 'case', numerator: evaluated, denominator: or(evaluated, and(evaluationLapsed, 'c.evaluatedAt IS NULL')) },
  repeat: { over: 'contact', numerator: and(inPeriod('k.receivedAt'), 'k.repeat = 1'), denominator: inPeriod('k.receivedAt') },
  firstTimeResolution: { over: 'case', numerator: firstTime, denominator: closed, order: 'c.closedAt' },
  'assigned.central': assigned('central', false),
  'assigned.provincial': assigned('provincial', false),
  'assigned.municipal': assigned('municipal', false),
  'assigned.central.backlog': assigned('central', true),
  'assigned.provincial.backlog': assigned('provincial', true),
  'assigned.municipal.backlog': assigned('municipal', true),
};

/**
 * The resolved cases of each assigned figure split by closure kind (the summary's and annual
 * report's 实体性 / 程序性办结 per authority), keyed `assigned.<authority>[.backlog]:<kind>`.
 */
export const ASSIGNED_BY_KIND: Record<string, string> = Object.fromEntries(
  AUTHORITIES.flatMap((a) =>
    [false, true].flatMap((backlog) =>
      (['substantive', 'procedural'] as const).map((kind) => [`assigned.${a}${backlog ? '.backlog' : ''}:${kind}`, and(assigned(a, backlog).numerator, `c.closureKind = '${kind}'`)]),
    ),
  ),
);

/** Rows that can count in a case figure of the period: every condition above needs one of these. */
export const CASE_ROWS_OF_PERIOD = or(received, closed, acceptanceDue, handlingDue, evaluated, dueInPeriod('c.evaluationDueAt'));

/** A case "touches" the period (received before its end and not closed before its start, or closed in it): the cases a report is about. */
export const TOUCHES_PERIOD = or(and('c.receivedAt < :end', or('c.closedAt IS NULL', 'c.closedAt >= :start')), closed);

/**
 * Overdue now: a breach not made good (read-model.ts overdueFrom). A case whose deadlines cannot be
 * computed has no overdueFrom (deriveColumns), so the condition needs no other column and an index
 * on overdueFrom answers it alone.
 */
export const OVERDUE_NOW = and('c.overdueFrom IS NOT NULL', 'c.overdueFrom <= :now');

export const ASSIGNED_AUTHORITIES = AUTHORITIES;
export const RECEIVED = received;
export const CLOSED = closed;
export const CLOSED_ON_TIME = and(closed, closedOnTime);
