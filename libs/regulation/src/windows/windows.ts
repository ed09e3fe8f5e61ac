/**
 * The windows a request must fall within, and what a late one is told: the unit's objection to a
 * wrong transfer (5 working days, Art. 23(3)), the petitioner's evaluation (Art. 21, a local
 * period), review (30 days from receiving the opinion, Art. 35) and re-review (Art. 36). The
 * services that take those requests (assignment, closure) ask here; the periods themselves are
 * the deadlines' (deadlines.ts). Pure.
 */
import type { PrcCalendar } from '../calendar/calendar.js';
import { CalendarNotCoveredError } from '../calendar/calendar.js';
import { formatInstant } from '../dates/time-zone.js';
import { workingDaysPeriod, type PeriodResult } from '../periods/periods.js';
import { ARTICLE, LAW, OBJECTION_WORKING_DAYS, type DeadlineKind, type DeadlinePolicy } from '../deadlines/deadlines.js';
import type { CaseAction } from '../workflow/state-machine.js';

export type WindowedAction = 'object' | 'evaluate' | 'review-request' | 're-review-request';

/** Each windowed request: the deadline kind that is its window, and the rule as the refusal says it. */
export const REQUEST_WINDOWS: Readonly<Record<WindowedAction, { kind: DeadlineKind; rule: string; article: string }>> = {
  object: { kind: 'objection', rule: `对转送错误的异议应在收到之日起 ${OBJECTION_WORKING_DAYS} 个工作日内提出`, article: `${ARTICLE.objection}第三款` },
  evaluate: { kind: 'evaluation', rule: '满意度评价应在办结后的评价期限内作出', article: ARTICLE.evaluation },
  'review-request': { kind: 'review-request', rule: '复查申请应在收到书面处理意见之日起 30 日内提出', article: ARTICLE['review-request'] },
  're-review-request': { kind: 're-review-request', rule: '复核申请应在收到复查意见之日起 30 日内提出', article: ARTICLE['re-review-request'] },
};

export const isWindowedAction = (a: CaseAction): a is WindowedAction => a in REQUEST_WINDOWS;

/**
 * What a request made at or after its window's end is told (422): the rule, when the window
 * closed (office time), the article; and the computation's basis when there is one.
 */
export function lateRequestMessage(action: WindowedAction, dueAt: Date, timeZone: string, basis?: string): string {
  const w = REQUEST_WINDOWS[action];
  return `${w.rule}，该期限已于 ${formatInstant(dueAt, timeZone)} 届满（${LAW}${w.article}）${basis ? `。计算依据：${basis}` : ''}`;
}

/**
 * The unit's objection window from the routing (5 working days); null when it reaches a year the
 * calendar lacks and the policy refuses to guess — an objection is then never called late.
 */
export function objectionWindow(routedAt: Date, opts: { timeZone: string; calendar: PrcCalendar; onUncoveredYear: DeadlinePolicy['onUncoveredYear'] }): PeriodResult | null {
  try {
    return workingDaysPeriod(routedAt, OBJECTION_WORKING_DAYS, { timeZone: opts.timeZone, calendar: opts.calendar, uncovered: opts.onUncoveredYear === 'provisional' ? 'assume' : 'throw' });
  } catch (e) {
    if (e instanceof CalendarNotCoveredError) return null;
    throw e;
  }
}
