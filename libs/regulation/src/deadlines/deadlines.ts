/**
 * Every deadline of a case, computed from its history alone (the facts), the time now, a policy
 * and the PRC calendar. Pure: no clock, no I/O.
 *
 * | kind               | trigger                         | period                      | met by                          | holder     | article |
 * |--------------------|---------------------------------|-----------------------------|---------------------------------|------------|---------|
 * | route              | receipt, or the latest objection| 15 days                     | routed (or declined by office)  | office     | 22      |
 * | acceptance-notice  | routed                          | 15 days                     | notice served / declined / diverted / closed | unit | 23 |
 * | objection (window) | routed                          | 5 working days              | objected                        | unit       | 23(3)   |
 * | feedback           | handed down with a due date     | end of that date            | closed / declined / diverted    | office     | 22(1)(三)|
 * | unit-feedback      | assigned (交办) with a due date  | end of that date            | closed / declined / diverted    | unit       | 22(1)(三)|
 * | handling           | accepted                        | 60 days + extensions        | closed / diverted               | unit       | 34      |
 * | evaluation (window)| closed                          | evaluationWindowDays        | evaluated                       | petitioner | 21      |
 * | review-request (w.)| closed; the opinion served later| 30 days                     | review-requested                | petitioner | 35      |
 * | review-opinion     | review-requested                | 30 days                     | review-opinion-issued           | office     | 35      |
 * | re-review-request  | review opinion issued / served  | 30 days                     | re-review-requested             | petitioner | 36      |
 * | re-review-opinion  | re-review-requested             | 30 days + hearing days      | re-review-opinion-issued        | office     | 36      |
 *
 * States:
 * - obligations (route, acceptance-notice, feedback, handling, review-opinion, re-review-opinion):
 *   'met' when done before dueAt; 'breached' when done at or after dueAt, or not done and now ≥
 *   dueAt; 'lapsed' when made moot before it fell due (e.g. the acceptance notice of a transfer
 *   the unit objected to; moot at or after dueAt counts as 'breached'); otherwise 'pending'.
 *   An extension granted at or after the current due time does not cure the breach: the
 *   extended handling deadline stays 'breached'.
 * - windows (objection, evaluation, review-request, re-review-request) are rights, not duties:
 *   never 'breached'. 'met' when used before dueAt; 'lapsed' when the window closed unused,
 *   was made moot (the unit accepted instead of objecting), or was used late (metAt is then set).
 */
import { CalendarNotCoveredError, type PrcCalendar } from '../calendar/calendar.js';
import { describeDates, describeYears } from '../calendar/uncovered-days.js';
import { type LocalDate, assertLocalDate } from '../dates/local-date.js';
import { endOfLocalDay, formatInstant, toLocalDate } from '../dates/time-zone.js';
import { calendarDaysPeriod, workingDaysPeriod, type PeriodResult } from '../periods/periods.js';

export type DeadlineKind =
  'route' | 'acceptance-notice' | 'objection' | 'feedback' | 'unit-feedback' | 'handling' | 'evaluation' | 'review-request' | 'review-opinion' | 're-review-request' | 're-review-opinion';

export const DEADLINE_KINDS: readonly DeadlineKind[] = [
  'route',
  'acceptance-notice',
  'objection',
  'feedback',
  'unit-feedback',
  'handling',
  'evaluation',
  'review-request',
  'review-opinion',
  're-review-request',
  're-review-opinion',
];

export type CaseFact =
  | { type: 'registered'; at: Date; feedbackDueDate?: LocalDate }
  | { type: 'routed'; at: Date; mode: 'transfer' | 'assign'; unitCode: string; unitName?: string; feedbackDueDate?: LocalDate }
  | { type: 'objected'; at: Date }
  /**
   * `noticeToServe`: the petitioner is told by serving the acceptance notice (acceptance-notified).
   * Without it (histories recorded before the 已送达 mark) accepting met the acceptance notice.
   */
  | { type: 'accepted'; at: Date; noticeToServe?: boolean }
  /**
   * The 受理告知书 was served on the petitioner (the office marked it 已送达): deciding to accept
   * is not telling, Art. 23 asks for both. `at` is the instant it counts from — on the day served.
   */
  | { type: 'acceptance-notified'; at: Date }
  /**
   * A written opinion reached the petitioner (its 意见书 marked served): the window to ask the next
   * level runs from receiving it (Art. 35: the handling opinion → review; Art. 36: the review
   * opinion → re-review). Until then it runs from the opinion's issue.
   */
  | { type: 'opinion-served'; at: Date; opinion: 'handling' | 'review' }
  | { type: 'declined'; at: Date }
  | { type: 'diverted'; at: Date }
  | { type: 'extended'; at: Date; days: number }
  | { type: 'closed'; at: Date }
  | { type: 'evaluated'; at: Date }
  | { type: 'review-requested'; at: Date }
  | { type: 'review-opinion-issued'; at: Date }
  | { type: 're-review-requested'; at: Date }
  | { type: 're-review-opinion-issued'; at: Date; hearingDays?: number };

export type DeadlineState = 'pending' | 'met' | 'breached' | 'lapsed';

export type DeadlineHolder = 'office' | 'unit' | 'petitioner';

/** An earlier revision of a deadline, replaced by a later computation. */
export interface SupersededDeadline {
  revision: number;
  trigger: Date;
  lastDay: LocalDate;
  dueAt: Date;
  /** Its state when it was replaced ('lapsed' when replaced before it fell due and unmet). */
  state: DeadlineState;
  metAt?: Date;
  /** When it was replaced (the fact that recomputed it). */
  replacedAt: Date;
}

export interface Deadline {
  kind: DeadlineKind;
  /** The instant that started the period. */
  trigger: Date;
  /** 24:00 of lastDay in the policy's time zone: the first instant that is too late. */
  dueAt: Date;
  lastDay: LocalDate;
  state: DeadlineState;
  /** When the deadline was met (or, for a window, used — possibly late). */
  metAt?: Date;
  /** Article of 《信访工作条例》, e.g. '第三十四条'. */
  article: string;
  /** The computation in words (Chinese), including any roll-over. */
  basis: string;
  holder: DeadlineHolder;
  /** 1 for the first computation; +1 each time the deadline of this kind is recomputed. */
  revision: number;
  // --- additions ---
  /** Length of the period: calendar days, or working days for `objection`; absent for `feedback`. */
  days?: number;
  workingDays?: boolean;
  /** The last day before a holiday roll-over (only when rolledOver). */
  originalLastDay?: LocalDate;
  rolledOver?: boolean;
  /** When the deadline stopped applying without being met (e.g. the unit objected). */
  mootAt?: Date;
  /** True when part of the computation assumed ordinary days in a year the calendar lacks. */
  provisional?: boolean;
  /** The years assumed ordinary (only when provisional). */
  assumedYears?: number[];
  /** Earlier revisions, oldest first (absent when revision is 1). */
  superseded?: SupersededDeadline[];
}

export interface DeadlinePolicy {
  /** The office's time zone; days are its wall-calendar days. Default 'Asia/Shanghai'. */
  timeZone: string;
  /** Holiday roll-over (Civil Code Art. 203(1)) per kind. */
  rollOver: Record<DeadlineKind, boolean>;
  /** The petitioner's evaluation window in days (a local convention; default 30). */
  evaluationWindowDays: number;
  /** Also roll a last day off an ordinary weekend rest day (default false; see periods.ts). */
  rollOverWeekends?: boolean;
  /**
   * When a deadline needs a year the calendar does not cover (a working-day count, or a
   * roll-over check of a last day in that year) and a day it depends on is one that only the
   * year's notice can settle (near a statutory holiday; days the law fixes are used as they are,
   * see calendar/uncovered-days.ts):
   * - 'throw' (default): CalendarNotCoveredError for the whole computation;
   * - 'withhold': refuse that deadline alone ("refuse rather than guess"): it is reported in
   *   `withheld` with the missing year and the undecided days, without a due date, and every
   *   other deadline is computed;
   * - 'provisional': assume ordinary weeks on the undecided days and mark the deadline `provisional`
   *   with a note in its basis.
   */
  onUncoveredYear?: 'throw' | 'withhold' | 'provisional';
}

/**
 * A deadline that cannot be computed until the calendar has its year (policy 'withhold'):
 * no due date, no state of its own. `metAt` / `mootAt` say the duty was done or fell away
 * meanwhile; whether in time is decided once the year's data is loaded.
 */
export interface WithheldDeadline {
  kind: DeadlineKind;
  trigger: Date;
  article: string;
  holder: DeadlineHolder;
  revision: number;
  /** The year whose holiday arrangements (State Council notice) are missing (of the first undecided day). */
  year: number;
  /**
   * The days, ascending, that only the missing notice(s) can say are working days or days off
   * and that could change this deadline (a roll-over of its last day, or its working-day count);
   * every other day it needs is fixed by law.
   */
  unknownDates: LocalDate[];
  /** The computation in words, up to where it stops. */
  basis: string;
  metAt?: Date;
  mootAt?: Date;
}

export interface DeadlineAssessment {
  deadlines: Deadline[];
  withheld: WithheldDeadline[];
}

export const DEFAULT_POLICY: DeadlinePolicy = Object.freeze({
  timeZone: 'Asia/Shanghai',
  rollOver: Object.freeze({
    route: false,
    'acceptance-notice': false,
    objection: false,
    feedback: false,
    'unit-feedback': false,
    handling: false,
    evaluation: false,
    'review-request': true,
    'review-opinion': false,
    're-review-request': true,
    're-review-opinion': false,
  }),
  evaluationWindowDays: 30,
  rollOverWeekends: false,
  onUncoveredYear: 'throw',
});

// ---------------------------------------------------------------------------------------------

const ROUTE_DAYS = 15;
const ACCEPTANCE_NOTICE_DAYS = 15;
/** The unit's window to object to a wrong transfer (Art. 23(3)). */
export const OBJECTION_WORKING_DAYS = 5;
const HANDLING_DAYS = 60;
const REVIEW_REQUEST_DAYS = 30;
const REVIEW_OPINION_DAYS = 30;
const RE_REVIEW_REQUEST_DAYS = 30;
const RE_REVIEW_OPINION_DAYS = 30;

export const LAW = '《信访工作条例》';

/** The article each deadline kind comes from. */
export const ARTICLE: Readonly<Record<DeadlineKind, string>> = {
  route: '第二十二条',
  'acceptance-notice': '第二十三条',
  objection: '第二十三条',
  feedback: '第二十二条',
  'unit-feedback': '第二十二条',
  handling: '第三十四条',
  evaluation: '第二十一条',
  'review-request': '第三十五条',
  'review-opinion': '第三十五条',
  're-review-request': '第三十六条',
  're-review-opinion': '第三十六条',
};

/** Kinds that are rights of the petitioner or the unit (windows), not obligations anyone can miss. */
export const WINDOWS: ReadonlySet<DeadlineKind> = new Set<DeadlineKind>(['objection', 'evaluation', 'review-request', 're-review-request']);

/** A deadline while the history is being replayed. */
interface Instance {
  kind: DeadlineKind;
  trigger: Date;
  holder: DeadlineHolder;
  revision: number;
  period: PeriodResult;
  days?: number;
  workingDays?: boolean;
  /** Text before the arrow, e.g. "受理 2024-09-20 起 60 日". */
  describe: string;
  /** Extra text after the result. */
  notes: string[];
  /** The holiday roll-over of the last day, in words, when there was one. */
  rollNote?: string;
  metAt?: Date;
  mootAt?: Date;
  /** An earlier revision of the same obligation was already breached when this one replaced it. */
  carriedBreach?: boolean;
  superseded: SupersededDeadline[];
}

interface PeriodSpec {
  kind: DeadlineKind;
  trigger: Date;
  holder: DeadlineHolder;
  describe: string;
  days?: number;
  workingDays?: boolean;
  /** A fixed last day (feedback) instead of a count. */
  fixedLastDay?: LocalDate;
  notes?: string[];
}

/**
 * The current deadline of every kind that applies to the case, in the order of DEADLINE_KINDS.
 * Facts are replayed in time order (ties keep their given order). `now` only decides between
 * pending and breached/lapsed. Throws CalendarNotCoveredError when a working-day count or a
 * holiday roll-over depends on a day of a year the calendar lacks that the law alone does not
 * settle, unless policy.onUncoveredYear is 'provisional' or 'withhold'; throws RangeError on
 * malformed facts.
 */
export function computeDeadlines(facts: CaseFact[], now: Date, policy: DeadlinePolicy, calendar: PrcCalendar): Deadline[] {
  return assessDeadlines(facts, now, policy, calendar).deadlines;
}

/**
 * computeDeadlines, plus the deadlines withheld for want of calendar data (only with
 * policy.onUncoveredYear 'withhold'; otherwise `withheld` is empty).
 */
export function assessDeadlines(facts: CaseFact[], now: Date, policy: DeadlinePolicy, calendar: PrcCalendar): DeadlineAssessment {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
  facts.forEach(validateFact);
  const tz = policy.timeZone;
  const day = (t: Date) => toLocalDate(t, tz);
  const sorted = facts
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.at.getTime() - b.f.at.getTime() || a.i - b.i)
    .map((x) => x.f);

  const current = new Map<DeadlineKind, Instance>();
  const withheld = new Map<DeadlineKind, WithheldDeadline>();

  const period = (spec: PeriodSpec): { period: PeriodResult; notes: string[]; rollNote?: string } => {
    const notes: string[] = [];
    let rollNote: string | undefined;
    let p: PeriodResult;
    const uncovered = policy.onUncoveredYear === 'provisional' ? 'assume' : 'throw';
    if (spec.fixedLastDay !== undefined) {
      p = { lastDay: spec.fixedLastDay, dueAt: endOfLocalDay(spec.fixedLastDay, tz), rolledOver: false, originalLastDay: spec.fixedLastDay };
    } else if (spec.workingDays) {
      p = workingDaysPeriod(spec.trigger, spec.days ?? 0, { timeZone: tz, calendar, uncovered });
    } else {
      p = calendarDaysPeriod(spec.trigger, spec.days ?? 0, {
        timeZone: tz,
        calendar,
        rollOverHolidays: policy.rollOver[spec.kind] === true,
        rollOverWeekends: policy.rollOverWeekends === true,
        uncovered,
      });
    }
    if (p.rolledOver) {
      const what = calendar.dayStatus(p.originalLastDay) === 'holiday' ? '法定节假日' : '休息日';
      rollNote = `末日 ${p.originalLastDay} 为${what}，顺延至 ${p.lastDay}（《民法典》第二百零三条）`;
    }
    if (p.assumedYears) {
      notes.push(`${p.assumedYears.join('、')} 年节假日安排未收录，暂按常规周计算，待日历数据更新后重算`);
    }
    return { period: p, notes, rollNote };
  };

  /**
   * Opens a deadline, replacing the current one of the same kind (kept in `superseded`).
   * `replacedAt`: when the recomputation happened (default: the new trigger).
   * `sameObligation`: the same duty with a new due (an extension): if the old due had already
   * passed unmet, the breach carries over. `retroactive`: the new period replaces the old one from
   * its start (hearing days not counted), so the old one is not judged on its own.
   */
  const open = (spec: PeriodSpec, opts: { replacedAt?: Date; sameObligation?: boolean; retroactive?: boolean } = {}): void => {
    const prev = current.get(spec.kind);
    const revision = (prev?.revision ?? withheld.get(spec.kind)?.revision ?? 0) + 1;
    let computed: { period: PeriodResult; notes: string[]; rollNote?: string };
    try {
      computed = period(spec);
    } catch (e) {
      if (!(e instanceof CalendarNotCoveredError) || policy.onUncoveredYear !== 'withhold') throw e;
      current.delete(spec.kind);
      const article = ARTICLE[spec.kind];
      withheld.set(spec.kind, {
        kind: spec.kind,
        trigger: spec.trigger,
        article,
        holder: spec.holder,
        revision,
        year: e.year,
        unknownDates: [...e.unknownDates],
        basis: withheldBasis(`${spec.describe}（${LAW}${article}）`, e),
      });
      return;
    }
    withheld.delete(spec.kind);
    const { period: p, notes, rollNote } = computed;
    const inst: Instance = {
      kind: spec.kind,
      trigger: spec.trigger,
      holder: spec.holder,
      revision,
      period: p,
      days: spec.days,
      workingDays: spec.workingDays,
      describe: spec.describe,
      notes: [...(spec.notes ?? []), ...notes],
      rollNote,
      superseded: prev ? [...prev.superseded] : [],
    };
    if (prev) {
      const replacedAt = opts.replacedAt ?? spec.trigger;
      const resolved = prev.metAt !== undefined || prev.mootAt !== undefined;
      const state: DeadlineState = resolved ? stateOf(prev, replacedAt) : opts.retroactive ? 'lapsed' : stateOf({ ...prev, mootAt: replacedAt }, replacedAt);
      inst.superseded.push({
        revision: prev.revision,
        trigger: prev.trigger,
        lastDay: prev.period.lastDay,
        dueAt: prev.period.dueAt,
        state,
        ...(prev.metAt ? { metAt: prev.metAt } : {}),
        replacedAt,
      });
      if (opts.sameObligation && !resolved && state === 'breached') {
        inst.carriedBreach = true;
        inst.notes.push(`于原期限 ${prev.period.lastDay} 届满后方延期，已逾期`);
      }
    }
    current.set(spec.kind, inst);
  };

  /** Marks the current deadline of `kind` met at `at`, if it is still open. */
  const meet = (kind: DeadlineKind, at: Date): void => {
    const inst = current.get(kind) ?? withheld.get(kind);
    if (inst && inst.metAt === undefined && inst.mootAt === undefined) inst.metAt = at;
  };
  /** Marks the current deadline of `kind` moot at `at`, if it is still open. */
  const moot = (kind: DeadlineKind, at: Date): void => {
    const inst = current.get(kind) ?? withheld.get(kind);
    if (inst && inst.metAt === undefined && inst.mootAt === undefined) inst.mootAt = at;
  };
  const isOpen = (kind: DeadlineKind): boolean => {
    const inst = current.get(kind) ?? withheld.get(kind);
    return !!inst && inst.metAt === undefined && inst.mootAt === undefined;
  };

  let acceptedAt: Date | undefined;
  let extensionDays = 0;
  let routeLabel: string;

  for (const f of sorted) {
    switch (f.type) {
      case 'registered': {
        open({ kind: 'route', trigger: f.at, holder: 'office', days: ROUTE_DAYS, describe: `收到信访事项 ${day(f.at)}，自次日起 ${ROUTE_DAYS} 日内转送、交办或告知` });
        // The date the assigning authority set: owed upward, kept whatever the office later sets for the unit.
        if (f.feedbackDueDate !== undefined) {
          openFeedback('feedback', f.at, f.feedbackDueDate, 'office', '上级交办');
        }
        break;
      }
      case 'routed': {
        meet('route', f.at);
        routeLabel = `${f.mode === 'assign' ? '交办' : '转送'}至${f.unitName ?? ` ${f.unitCode}`}`;
        open({
          kind: 'acceptance-notice',
          trigger: f.at,
          holder: 'unit',
          days: ACCEPTANCE_NOTICE_DAYS,
          describe: `${routeLabel} ${day(f.at)}，自次日起 ${ACCEPTANCE_NOTICE_DAYS} 日内告知受理情况`,
        });
        open({
          kind: 'objection',
          trigger: f.at,
          holder: 'unit',
          days: OBJECTION_WORKING_DAYS,
          workingDays: true,
          describe: `${routeLabel} ${day(f.at)}，自次日起 ${OBJECTION_WORKING_DAYS} 个工作日内可对转送、交办提出异议`,
        });
        // The date the petition office sets for the unit when it assigns: a deadline of its own.
        if (f.mode === 'assign' && f.feedbackDueDate !== undefined) {
          openFeedback('unit-feedback', f.at, f.feedbackDueDate, 'unit', `${routeLabel}`);
        }
        break;
      }
      case 'objected': {
        meet('objection', f.at);
        moot('acceptance-notice', f.at);
        // The unit gave the case back: the date set for it no longer applies (a new assignment sets its own).
        moot('unit-feedback', f.at);
        open({
          kind: 'route',
          trigger: f.at,
          holder: 'office',
          days: ROUTE_DAYS,
          describe: `责任单位 ${day(f.at)} 提出异议退回，自退回次日起重新计算 ${ROUTE_DAYS} 日内转送、交办或告知`,
        });
        break;
      }
      case 'accepted': {
        // Accepting decides; the petitioner is told when the acceptance notice is served (acceptance-notified) —
        // in a history recorded before that mark existed, accepting counted as telling.
        if (!f.noticeToServe) meet('acceptance-notice', f.at);
        moot('objection', f.at);
        acceptedAt = f.at;
        extensionDays = 0;
        open({ kind: 'handling', trigger: f.at, holder: 'unit', days: HANDLING_DAYS, describe: `受理 ${day(f.at)}，自次日起计算 ${HANDLING_DAYS} 日` });
        break;
      }
      case 'acceptance-notified': {
        meet('acceptance-notice', f.at);
        break;
      }
      case 'opinion-served': {
        // The window counts from receipt: a later receipt than the issue moves it (the old one not judged on its own).
        const kind = f.opinion === 'handling' ? 'review-request' : 're-review-request';
        const inst = current.get(kind) ?? withheld.get(kind);
        if (!inst || !isOpen(kind) || day(f.at) <= day(inst.trigger)) break;
        const days = f.opinion === 'handling' ? REVIEW_REQUEST_DAYS : RE_REVIEW_REQUEST_DAYS;
        const what = f.opinion === 'handling' ? '处理意见书' : '复查意见书';
        open(
          { kind, trigger: f.at, holder: 'petitioner', days, describe: `${what} ${day(f.at)} 送达信访人，自次日起 ${days} 日内可请求${f.opinion === 'handling' ? '复查' : '复核'}` },
          { replacedAt: f.at, retroactive: true },
        );
        break;
      }
      case 'declined':
      case 'diverted': {
        // The case leaves the petition procedure: disposing of it meets the duties still open
        // (telling the petitioner is part of declining / diverting); the unit's objection window
        // is moot.
        if (f.type === 'declined' && isOpen('route')) meet('route', f.at);
        meet('acceptance-notice', f.at);
        moot('objection', f.at);
        meet('handling', f.at);
        meet('feedback', f.at);
        meet('unit-feedback', f.at);
        break;
      }
      case 'extended': {
        if (acceptedAt === undefined || !isOpen('handling')) break;
        extensionDays += f.days;
        const total = HANDLING_DAYS + extensionDays;
        open(
          {
            kind: 'handling',
            trigger: acceptedAt,
            holder: 'unit',
            days: total,
            describe: `受理 ${day(acceptedAt)}，自次日起计算 ${HANDLING_DAYS} 日，经批准延长 ${extensionDays} 日，共 ${total} 日`,
          },
          { replacedAt: f.at, sameObligation: true },
        );
        break;
      }
      case 'closed': {
        // The written opinion tells the petitioner the case was taken up: an acceptance notice still
        // owed is met by it (late, a breach, when its last day has passed).
        meet('acceptance-notice', f.at);
        meet('handling', f.at);
        meet('feedback', f.at);
        meet('unit-feedback', f.at);
        open({
          kind: 'evaluation',
          trigger: f.at,
          holder: 'petitioner',
          days: policy.evaluationWindowDays,
          describe: `办结 ${day(f.at)}，自次日起 ${policy.evaluationWindowDays} 日内评价（评价期限为本地规定）`,
        });
        open({
          kind: 'review-request',
          trigger: f.at,
          holder: 'petitioner',
          days: REVIEW_REQUEST_DAYS,
          describe: `收到处理意见 ${day(f.at)}，自次日起 ${REVIEW_REQUEST_DAYS} 日内可请求复查`,
        });
        break;
      }
      case 'evaluated':
        meet('evaluation', f.at);
        break;
      case 'review-requested':
        meet('review-request', f.at);
        open({
          kind: 'review-opinion',
          trigger: f.at,
          holder: 'office',
          days: REVIEW_OPINION_DAYS,
          describe: `收到复查请求 ${day(f.at)}，自次日起 ${REVIEW_OPINION_DAYS} 日内提出复查意见`,
        });
        break;
      case 'review-opinion-issued':
        meet('review-opinion', f.at);
        open({
          kind: 're-review-request',
          trigger: f.at,
          holder: 'petitioner',
          days: RE_REVIEW_REQUEST_DAYS,
          describe: `收到复查意见 ${day(f.at)}，自次日起 ${RE_REVIEW_REQUEST_DAYS} 日内可请求复核`,
        });
        break;
      case 're-review-requested':
        meet('re-review-request', f.at);
        open({
          kind: 're-review-opinion',
          trigger: f.at,
          holder: 'office',
          days: RE_REVIEW_OPINION_DAYS,
          describe: `收到复核请求 ${day(f.at)}，自次日起 ${RE_REVIEW_OPINION_DAYS} 日内提出复核意见`,
        });
        break;
      case 're-review-opinion-issued': {
        const inst = current.get('re-review-opinion');
        const hearing = f.hearingDays ?? 0;
        if (inst && isOpen('re-review-opinion') && hearing > 0) {
          // Hearing time does not count (Art. 36): the period is longer from the start.
          const total = RE_REVIEW_OPINION_DAYS + hearing;
          open(
            {
              kind: 're-review-opinion',
              trigger: inst.trigger,
              holder: 'office',
              days: total,
              describe: `收到复核请求 ${day(inst.trigger)}，自次日起 ${RE_REVIEW_OPINION_DAYS} 日内提出复核意见，听证 ${hearing} 日不计入，共 ${total} 日`,
            },
            { replacedAt: f.at, retroactive: true },
          );
        }
        meet('re-review-opinion', f.at);
        break;
      }
    }
  }

  return {
    deadlines: DEADLINE_KINDS.filter((k) => current.has(k)).map((k) => toDeadline(current.get(k)!, now)),
    withheld: DEADLINE_KINDS.filter((k) => withheld.has(k)).map((k) => withheld.get(k)!),
  };

  function openFeedback(kind: 'feedback' | 'unit-feedback', at: Date, due: LocalDate, holder: DeadlineHolder, who: string): void {
    const prev = current.get(kind);
    if (prev && prev.period.lastDay === due && prev.metAt === undefined && prev.mootAt === undefined) return; // same due date: not a new revision
    open({
      kind,
      trigger: at,
      holder,
      fixedLastDay: due,
      describe: `${who} ${day(at)}，要求于 ${due}（含当日）前报送办理结果`,
    });
  }
}

/**
 * The words of a withheld deadline: which year is missing and, when known, which days only its
 * notice can settle, e.g. "…，暂无法计算：2027 年节假日安排尚未收录，2027-01-22 至 2027-02-04 的放假调休
 * 安排未定，不作推算，载入国务院办公厅 2027 年节假日安排后计算".
 */
function withheldBasis(described: string, e: CalendarNotCoveredError): string {
  const dates = e.unknownDates;
  const years = dates.length ? describeYears(dates) : String(e.year);
  const which = dates.length ? `，${describeDates(dates)} 的放假调休安排未定` : '';
  return `${described}，暂无法计算：${e.year} 年节假日安排尚未收录${which}，不作推算，载入国务院办公厅 ${years} 年节假日安排后计算`;
}

function stateOf(inst: Instance, now: Date): DeadlineState {
  const due = inst.period.dueAt.getTime();
  const window = WINDOWS.has(inst.kind);
  if (inst.metAt) {
    if (window) return inst.metAt.getTime() < due ? 'met' : 'lapsed';
    return inst.metAt.getTime() < due && !inst.carriedBreach ? 'met' : 'breached';
  }
  if (inst.mootAt) {
    if (window) return 'lapsed';
    return inst.mootAt.getTime() >= due || inst.carriedBreach ? 'breached' : 'lapsed';
  }
  if (now.getTime() >= due) return window ? 'lapsed' : 'breached';
  return inst.carriedBreach ? 'breached' : 'pending';
}

function toDeadline(inst: Instance, now: Date): Deadline {
  const p = inst.period;
  const article = ARTICLE[inst.kind];
  // "…（条例第N条）：至 2024-11-19 24 时止", a roll-over named before it, other notes after.
  const basis = `${inst.describe}（${LAW}${article}）：${inst.rollNote ? `${inst.rollNote}，` : ''}至 ${p.lastDay} 24 时止${inst.notes.map((n) => `，${n}`).join('')}`;
  const d: Deadline = {
    kind: inst.kind,
    trigger: inst.trigger,
    dueAt: p.dueAt,
    lastDay: p.lastDay,
    state: stateOf(inst, now),
    article,
    basis,
    holder: inst.holder,
    revision: inst.revision,
  };
  if (inst.metAt) d.metAt = inst.metAt;
  if (inst.mootAt) d.mootAt = inst.mootAt;
  if (inst.days !== undefined) d.days = inst.days;
  if (inst.workingDays) d.workingDays = true;
  if (p.rolledOver) {
    d.rolledOver = true;
    d.originalLastDay = p.originalLastDay;
  }
  if (p.assumedYears) {
    d.provisional = true;
    d.assumedYears = p.assumedYears;
  }
  if (inst.superseded.length) d.superseded = inst.superseded;
  return d;
}

function validateFact(f: CaseFact, i: number): void {
  const where = `facts[${i}] (${(f as { type?: unknown })?.type})`;
  if (!f || !(f.at instanceof Date) || Number.isNaN(f.at.getTime())) throw new RangeError(`${where}: "at" must be a valid Date`);
  if (f.type === 'extended' && (!Number.isInteger(f.days) || f.days <= 0)) {
    throw new RangeError(`${where}: extension days must be a positive whole number, got ${f.days}`);
  }
  if (f.type === 're-review-opinion-issued' && f.hearingDays !== undefined && (!Number.isInteger(f.hearingDays) || f.hearingDays < 0)) {
    throw new RangeError(`${where}: hearingDays must be a whole number ≥ 0, got ${f.hearingDays}`);
  }
  if (f.type === 'accepted' && f.noticeToServe !== undefined && typeof f.noticeToServe !== 'boolean') {
    throw new RangeError(`${where}: noticeToServe must be true or false, got ${String(f.noticeToServe)}`);
  }
  if (f.type === 'opinion-served' && f.opinion !== 'handling' && f.opinion !== 'review') {
    throw new RangeError(`${where}: opinion must be handling or review, got ${String(f.opinion)}`);
  }
  if ((f.type === 'registered' || f.type === 'routed') && f.feedbackDueDate !== undefined) {
    assertLocalDate(f.feedbackDueDate, `${where}.feedbackDueDate`);
  }
}

/** A deadline as the HTTP API shows it (times as ISO 8601 with the zone's offset). */
export function serializeDeadline(d: Deadline, timeZone: string) {
  return {
    kind: d.kind,
    dueAt: formatInstant(d.dueAt, timeZone),
    lastDay: d.lastDay,
    state: d.state,
    basis: d.basis,
    article: d.article,
    holder: d.holder,
    revision: d.revision,
    trigger: formatInstant(d.trigger, timeZone),
    ...(d.metAt ? { metAt: formatInstant(d.metAt, timeZone) } : {}),
    ...(d.provisional ? { provisional: true } : {}),
  };
}
