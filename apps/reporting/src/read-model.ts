import { deserializeFacts, firstLevelOf } from '#libs/contracts';
import { assessDeadlines, WINDOWS, type Deadline, type DeadlineKind } from '#libs/regulation';
import { isOpenObligation, renderErrorOf } from './case-view.js';
import type { RptCase } from './reporting.entities.js';
import type { CaseExtra } from './projection.handlers.js';
import type { ReportingSettings } from './reporting.settings.js';

/**
 * The columns the reports filter, group and count on, derived from a case's history when an
 * event arrives (the projection) — so that no report parses JSON or computes a deadline per case
 * at query time.
 *
 * A deadline's state depends on the time only in one way (libs/regulation, deadlines.ts): one that
 * is neither met nor moot is 'pending' until its due instant and 'breached' (a window: 'lapsed')
 * from then on; every other state is settled by the history. So the columns hold due instants and
 * settled facts, and a query decides "is it past due now" by comparing an instant with `now`.
 */
export type DerivedColumns = Pick<
  RptCase,
  | 'categoryTop'
  | 'dataError'
  | 'acceptanceDueAt'
  | 'acceptanceMet'
  | 'handlingDueAt'
  | 'evaluationDueAt'
  | 'evaluationWindow'
  | 'evaluatedAt'
  | 'evaluationRating'
  | 'reviewRequested'
  | 'comeBackBy'
  | 'overdueFrom'
  | 'nextDueAt'
  | 'nextDueKind'
  | 'answerDueAt'
  | 'answerDueKind'
>;

/** A repeat contact this long after the closure still makes the resolution not first-time (一次性化解率). */
export const FIRST_TIME_DAYS = 90;

/** "Always" for `overdueFrom`: a breach the history already settled (met late, moot late, breach carried into an extension). */
export const ALWAYS = new Date(0);

/** Before every fact: the deadlines' states then are the settled ones, and 'pending' for the open. */
const BEFORE_EVERYTHING = new Date(-8.64e15);

/** The date a unit answers to on the backlog, first found first: the assigning body's feedback date, else the handling period… */
const ANSWER_KINDS: readonly DeadlineKind[] = ['feedback', 'unit-feedback', 'handling', 'acceptance-notice', 'route', 'review-opinion', 're-review-opinion'];

/** Satisfied ratings (满意 + 基本满意). */
export const SATISFIED_RATINGS = ['satisfied', 'basically-satisfied'] as const;

const earliest = (ds: Deadline[]) => ds.reduce<Deadline | null>((a, b) => (!a || b.dueAt.getTime() < a.dueAt.getTime() ? b : a), null);

/**
 * The derived columns of a case row (its facts, extra records, category and closure as they are
 * after the event). A history whose deadlines cannot be computed gives `dataError` (masked) and no
 * deadline columns: the case still counts where its plain columns suffice and is left out of
 * every figure that needs its deadlines.
 */
export function deriveColumns(row: Pick<RptCase, 'facts' | 'category' | 'closedAt' | 'trackingNo'>, extra: CaseExtra, s: ReportingSettings): DerivedColumns {
  const plain = {
    categoryTop: firstLevelOf(row.category),
    evaluatedAt: extra.evaluation ? new Date(extra.evaluation.at) : null,
    evaluationRating: extra.evaluation?.rating ?? null,
    reviewRequested: !!(extra.review || extra.reReview),
    comeBackBy: row.closedAt ? new Date(row.closedAt.getTime() + FIRST_TIME_DAYS * 86_400_000) : null,
  };
  const none = {
    acceptanceDueAt: null,
    acceptanceMet: false,
    handlingDueAt: null,
    evaluationDueAt: null,
    evaluationWindow: null,
    overdueFrom: null,
    nextDueAt: null,
    nextDueKind: null,
    answerDueAt: null,
    answerDueKind: null,
  };
  let deadlines: Deadline[];
  try {
    deadlines = assessDeadlines(deserializeFacts(row.facts), BEFORE_EVERYTHING, s.policy, s.calendar).deadlines;
  } catch (e) {
    return { ...plain, ...none, dataError: renderErrorOf(row, e).detail.slice(0, 500) };
  }
  const of = (kind: DeadlineKind) => deadlines.find((d) => d.kind === kind);
  const acceptance = of('acceptance-notice');
  const evaluation = of('evaluation');

  // Overdue (a breach not made good): settled breaches at once, open obligations from their due instant.
  let overdueFrom: Date | null = null;
  for (const d of deadlines) {
    if (d.metAt || WINDOWS.has(d.kind)) continue;
    const from = d.state === 'breached' ? ALWAYS : d.mootAt ? null : d.dueAt;
    if (from && (!overdueFrom || from < overdueFrom)) overdueFrom = from;
  }
  // The next obligation of the office or the unit (the urgency order), as case-view.ts nextDeadlineOf.
  const next = earliest(deadlines.filter(isOpenObligation));
  const answer = ANSWER_KINDS.map(of).find((d) => !!d && !d.metAt && d.state !== 'lapsed' && d.holder !== 'petitioner');
  return {
    ...plain,
    dataError: null,
    acceptanceDueAt: acceptance?.dueAt ?? null,
    acceptanceMet: acceptance?.state === 'met',
    handlingDueAt: of('handling')?.dueAt ?? null,
    evaluationDueAt: evaluation?.dueAt ?? null,
    evaluationWindow: evaluation ? (evaluation.metAt ? 'used' : evaluation.mootAt ? 'moot' : 'open') : null,
    overdueFrom,
    nextDueAt: next?.dueAt ?? null,
    nextDueKind: next?.kind ?? null,
    answerDueAt: answer?.dueAt ?? null,
    answerDueKind: answer?.kind ?? null,
  };
}
