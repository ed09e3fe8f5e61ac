/**
 * What an action would do to a case's deadlines, before it is taken: the action appended as a
 * hypothetical fact at `now`, the deadlines computed with the same policy and calendar as the
 * real ones, and the difference said in one zh-CN sentence. Pure.
 */
import type { PrcCalendar } from '../calendar/calendar.js';
import { assessDeadlines, type CaseFact, type Deadline, type DeadlineAssessment, type DeadlineKind, type DeadlinePolicy } from '../deadlines/deadlines.js';
import { ACTION_NAMES, decide, MAX_EXTENSION_DAYS, type CaseAction, type CaseSnapshot, type Decision } from '../workflow/state-machine.js';

export const DEADLINE_NAMES: Readonly<Record<DeadlineKind, string>> = {
  route: '转送交办期限',
  'acceptance-notice': '告知受理期限',
  objection: '异议期限',
  feedback: '反馈期限',
  'unit-feedback': '单位反馈期限',
  handling: '办理期限',
  evaluation: '评价期限',
  'review-request': '申请复查期限',
  'review-opinion': '复查期限',
  're-review-request': '申请复核期限',
  're-review-opinion': '复核期限',
};

export interface PreviewInput {
  facts: CaseFact[];
  snapshot: CaseSnapshot;
  action: CaseAction;
  /** extend only: the days asked for. */
  days?: number;
  /** route only: transfer (转送, the default) or assign (交办). */
  mode?: 'transfer' | 'assign';
  now: Date;
  policy: DeadlinePolicy;
  calendar: PrcCalendar;
}

export interface ActionPreview {
  action: CaseAction;
  effect: string;
  before: DeadlineAssessment;
  after: DeadlineAssessment;
}

/** The fact the action would record at `now` (null: it records none that deadlines read). */
function factOf(action: CaseAction, now: Date, days?: number, mode: 'transfer' | 'assign' = 'transfer'): CaseFact | null {
  switch (action) {
    case 'route':
      return { type: 'routed', at: now, mode, unitCode: 'preview' };
    case 'accept':
      return { type: 'accepted', at: now, noticeToServe: true };
    case 'decline':
      return { type: 'declined', at: now };
    case 'divert':
      return { type: 'diverted', at: now };
    case 'object':
      return { type: 'objected', at: now };
    case 'extend':
      if (!Number.isInteger(days) || days! < 1) throw new RangeError('extend needs the days asked for');
      return { type: 'extended', at: now, days: days! };
    case 'close':
      return { type: 'closed', at: now };
    case 'evaluate':
      return { type: 'evaluated', at: now };
    case 'review-request':
      return { type: 'review-requested', at: now };
    case 'review-opinion':
      return { type: 'review-opinion-issued', at: now };
    case 're-review-request':
      return { type: 're-review-requested', at: now };
    case 're-review-opinion':
      return { type: 're-review-opinion-issued', at: now };
    case 'supervise':
      return null;
  }
}

/** The deadline each action starts (or moves), and how the sentence says it. */
const STARTS: Partial<Record<CaseAction, { kind: DeadlineKind; say: (d: Deadline, i: PreviewInput) => string; ends?: string }>> = {
  accept: { kind: 'handling', say: (d) => `受理后办理期限 ${d.days} 日，至 ${d.lastDay}（《信访工作条例》${d.article}）` },
  extend: {
    kind: 'handling',
    say: (d, i) => `延期 ${i.days} 日后办理期限至 ${d.lastDay}（延期合计 ${i.snapshot.extensionDaysUsed + (i.days ?? 0)} 日，最多 ${MAX_EXTENSION_DAYS} 日，${d.article}）`,
  },
  route: { kind: 'acceptance-notice', say: (d, i) => `${i.mode === 'assign' ? '交办' : '转送'}后责任单位应在 ${d.days} 日内告知受理（至 ${d.lastDay}，${d.article}）` },
  object: { kind: 'route', say: (d) => `退回后信访工作机构应在 ${d.days} 日内重新转送交办（至 ${d.lastDay}，${d.article}）` },
  close: { kind: 'review-request', ends: '办理期限即告履行；', say: (d) => `办结后办理期限即告履行；信访人可在 ${d.days} 日内申请复查（至 ${d.lastDay}，${d.article}）` },
  'review-request': { kind: 'review-opinion', say: (d) => `申请复查后应在 ${d.days} 日内出具复查意见（至 ${d.lastDay}，${d.article}）` },
  'review-opinion': { kind: 're-review-request', say: (d) => `出具复查意见后信访人可在 ${d.days} 日内申请复核（至 ${d.lastDay}，${d.article}）` },
  're-review-request': { kind: 're-review-opinion', say: (d) => `申请复核后应在 ${d.days} 日内出具复核意见（至 ${d.lastDay}，${d.article}）` },
};

const isOpen = (d: { metAt?: Date; mootAt?: Date; state?: string }) => !d.metAt && !d.mootAt && d.state !== 'lapsed';

/**
 * The action's effect on the deadlines, or the state machine's refusal (409 / 422) when the
 * action does not fit the case now. Throws RangeError for an extension without its days.
 */
export function previewAction(input: PreviewInput): { ok: true; preview: ActionPreview } | Extract<Decision, { ok: false }> {
  const { action, now, policy, calendar } = input;
  const decision = decide(input.snapshot, action, action === 'extend' ? { extensionDays: input.days } : undefined);
  if (!decision.ok) return decision;
  const fact = factOf(action, now, input.days, input.mode);
  const before = assessDeadlines(input.facts, now, policy, calendar);
  const after = fact ? assessDeadlines([...input.facts, fact], now, policy, calendar) : before;
  return { ok: true, preview: { action, before, after, effect: effectOf(input, before, after) } };
}

function effectOf(input: PreviewInput, before: DeadlineAssessment, after: DeadlineAssessment): string {
  const name = ACTION_NAMES[input.action];
  const starts = STARTS[input.action];
  if (starts) {
    const d = after.deadlines.find((x) => x.kind === starts.kind);
    if (d) return starts.say(d, input);
    const w = after.withheld.find((x) => x.kind === starts.kind);
    if (w) return `${name}后${starts.ends ?? ''}${DEADLINE_NAMES[w.kind]}暂无法计算：${w.year} 年节假日安排尚未载入（${w.article}）`;
  }
  // Actions that start nothing: say what they end.
  const openBefore = [...before.deadlines, ...before.withheld].filter(isOpen).map((d) => d.kind);
  const all = [...after.deadlines, ...after.withheld];
  const met = openBefore.filter((k) => all.some((d) => d.kind === k && d.metAt));
  const moot = openBefore.filter((k) => !met.includes(k) && all.some((d) => d.kind === k && !isOpen(d)));
  const names = (ks: DeadlineKind[]) => ks.map((k) => DEADLINE_NAMES[k]).join('、');
  const parts = [...(met.length ? [`${names(met)}即告履行`] : []), ...(moot.length ? [`${names(moot)}不再计算`] : [])];
  return parts.length ? `${name}后${parts.join('，')}，不产生新的期限` : `${name}不改变任何期限`;
}
