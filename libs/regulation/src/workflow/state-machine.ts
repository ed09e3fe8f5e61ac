/**
 * The case lifecycle: one table of allowed transitions, and the rules of the regulation that can
 * forbid an otherwise allowed step. Every service asks `decide` before it writes.
 *
 * 409 CASE_STATE: the action does not fit the current state (the message names the state).
 * 422 REGULATION: a rule of the regulation forbids it (the message cites the article).
 * Messages are zh-CN: they reach the users as they are.
 */

export type CaseStatus = 'registered' | 'routed' | 'accepted' | 'closed' | 'declined' | 'diverted' | 'under-review' | 'under-re-review' | 'final';

export type CaseAction =
  'route' | 'accept' | 'decline' | 'divert' | 'object' | 'extend' | 'close' | 'evaluate' | 'review-request' | 'review-opinion' | 're-review-request' | 're-review-opinion' | 'supervise';

export const CASE_STATUSES: readonly CaseStatus[] = ['registered', 'routed', 'accepted', 'closed', 'declined', 'diverted', 'under-review', 'under-re-review', 'final'];

export const CASE_ACTIONS: readonly CaseAction[] = [
  'route',
  'accept',
  'decline',
  'divert',
  'object',
  'extend',
  'close',
  'evaluate',
  'review-request',
  'review-opinion',
  're-review-request',
  're-review-opinion',
  'supervise',
];

/** States from which nothing more happens. */
export const TERMINAL_STATUSES: readonly CaseStatus[] = ['declined', 'diverted', 'final'];

export interface CaseSnapshot {
  status: CaseStatus;
  /** A review opinion (复查意见) exists. */
  reviewed: boolean;
  /** Extension days already granted (Art. 34 allows 30 in total). */
  extensionDaysUsed: number;
}

/** What people call each state (zh-CN), as the messages and the web app name it. */
export const STATUS_NAMES: Readonly<Record<CaseStatus, string>> = {
  registered: '已登记',
  routed: '已转送交办',
  accepted: '已受理',
  closed: '已办结',
  declined: '不予受理',
  diverted: '已导入相应程序',
  'under-review': '复查中',
  'under-re-review': '复核中',
  final: '已终结',
};

/** What people call each action (zh-CN). */
export const ACTION_NAMES: Readonly<Record<CaseAction, string>> = {
  route: '转送/交办',
  accept: '受理',
  decline: '不予受理',
  divert: '导入相应程序',
  object: '退回',
  extend: '延期',
  close: '办结',
  evaluate: '满意度评价',
  'review-request': '申请复查',
  'review-opinion': '复查意见',
  're-review-request': '申请复核',
  're-review-opinion': '复核意见',
  supervise: '督办',
};

/**
 * `status` is the HTTP status the contract gives a refusal, `code` its machine-readable name:
 * 409 CASE_STATE (the message names the state), 422 REGULATION (the message cites the article).
 */
export type Decision =
  | { ok: true; next: CaseStatus }
  | { ok: false; status: 409; code: 'CASE_STATE'; message: string }
  | { ok: false; status: 422; code: 'REGULATION'; message: string }
  /** The stored state is none the machine knows: the case's data needs correcting. */
  | { ok: false; status: 422; code: 'CASE_DATA_INVALID'; message: string };

/** At most 30 days of extension in total (Art. 34). */
export const MAX_EXTENSION_DAYS = 30;

/**
 * The transition table. Some rows have a further condition checked by `decide`:
 * - accepted -extend-> accepted: total extension ≤ 30 days (422, Art. 34);
 * - closed -review-request-> under-review: only when not reviewed yet (409 otherwise: the next
 *   step is a re-review request);
 * - closed -re-review-request-> under-re-review: only when reviewed (422, Art. 36).
 * under-review -review-opinion-> closed also makes the case `reviewed`.
 */
export const TRANSITIONS: ReadonlyArray<{ from: CaseStatus; action: CaseAction; to: CaseStatus }> = [
  { from: 'registered', action: 'route', to: 'routed' },
  { from: 'registered', action: 'decline', to: 'declined' },
  { from: 'registered', action: 'supervise', to: 'registered' },
  { from: 'routed', action: 'accept', to: 'accepted' },
  { from: 'routed', action: 'object', to: 'registered' },
  { from: 'routed', action: 'decline', to: 'declined' },
  { from: 'routed', action: 'divert', to: 'diverted' },
  { from: 'routed', action: 'supervise', to: 'routed' },
  { from: 'accepted', action: 'extend', to: 'accepted' },
  { from: 'accepted', action: 'close', to: 'closed' },
  { from: 'accepted', action: 'divert', to: 'diverted' },
  { from: 'accepted', action: 'supervise', to: 'accepted' },
  { from: 'closed', action: 'evaluate', to: 'closed' },
  { from: 'closed', action: 'review-request', to: 'under-review' },
  { from: 'closed', action: 're-review-request', to: 'under-re-review' },
  { from: 'under-review', action: 'review-opinion', to: 'closed' },
  { from: 'under-review', action: 'supervise', to: 'under-review' },
  { from: 'under-re-review', action: 're-review-opinion', to: 'final' },
  { from: 'under-re-review', action: 'supervise', to: 'under-re-review' },
];

/** 该案件当前状态为「已受理」，不能再受理 — "再" when the state is the one the action leads to. */
const notAllowed = (action: CaseAction, status: CaseStatus, why = ''): Decision => {
  const again = TRANSITIONS.some((t) => t.action === action && t.to === status && t.from !== status);
  return { ok: false, status: 409, code: 'CASE_STATE', message: `该案件当前状态为「${STATUS_NAMES[status]}」${why}，不能${again ? '再' : ''}${ACTION_NAMES[action]}` };
};
const forbiddenBy = (message: string): Decision => ({ ok: false, status: 422, code: 'REGULATION', message });

/** Whether `action` may be taken on a case in `snapshot`, and the status it leads to. */
export function decide(snapshot: CaseSnapshot, action: CaseAction, input?: { extensionDays?: number }): Decision {
  const { status } = snapshot;
  if (!Object.hasOwn(STATUS_NAMES, status)) {
    return { ok: false, status: 422, code: 'CASE_DATA_INVALID', message: `该案件保存的状态「${String(status)}」无法识别，不能${ACTION_NAMES[action]}，请系统管理员核查` };
  }

  if (status === 'final' && (action === 'review-request' || action === 're-review-request')) {
    return forbiddenBy(`该事项已经复核，信访人以同一事实和理由提出的${ACTION_NAMES[action]}不再受理（《信访工作条例》第三十六条第三款）`);
  }
  if (TERMINAL_STATUSES.includes(status)) {
    return notAllowed(action, status, '（办理程序已结束）');
  }

  const row = TRANSITIONS.find((t) => t.from === status && t.action === action);

  if (status === 'closed' && action === 'review-request' && snapshot.reviewed) {
    return { ok: false, status: 409, code: 'CASE_STATE', message: `该案件当前状态为「${STATUS_NAMES[status]}」且已出具复查意见，不能再申请复查；下一步为申请复核` };
  }
  if (status === 'closed' && action === 're-review-request' && !snapshot.reviewed) {
    return forbiddenBy('复核只能针对复查意见提出，请先申请复查（《信访工作条例》第三十六条）');
  }
  if (!row) return notAllowed(action, status);

  if (action === 'extend') {
    const used = snapshot.extensionDaysUsed;
    const asked = input?.extensionDays;
    if (asked === undefined ? used >= MAX_EXTENSION_DAYS : used + asked > MAX_EXTENSION_DAYS) {
      const total = used + (asked ?? 0);
      return forbiddenBy(
        asked === undefined
          ? `办理期限已延期 ${used} 日，延期合计不得超过 ${MAX_EXTENSION_DAYS} 日（《信访工作条例》第三十四条）`
          : `延期 ${asked} 日将使延期合计达到 ${total} 日（已延期 ${used} 日），延期合计不得超过 ${MAX_EXTENSION_DAYS} 日（《信访工作条例》第三十四条）`,
      );
    }
  }
  return { ok: true, next: row.to };
}

/** The snapshot after an allowed action (the caller has checked `decide`). */
export function applyAction(snapshot: CaseSnapshot, action: CaseAction, input?: { extensionDays?: number }): CaseSnapshot {
  const d = decide(snapshot, action, input);
  if (!d.ok) throw new Error(d.message);
  return {
    status: d.next,
    reviewed: snapshot.reviewed || action === 'review-opinion',
    extensionDaysUsed: snapshot.extensionDaysUsed + (action === 'extend' ? (input?.extensionDays ?? 0) : 0),
  };
}

/**
 * A copy of the case's state moved by an action another service already decided (its event):
 * the action applies when it fits, and one that does not (a correction raced another) leaves the
 * copy as it is.
 */
export function followAction(snapshot: CaseSnapshot, action: CaseAction, input?: { extensionDays?: number }): CaseSnapshot {
  return decide(snapshot, action, input).ok ? applyAction(snapshot, action, input) : snapshot;
}

/** Open for new contacts on the same matter (Art. 19(3)): otherwise a repeat opens a new case or asks for review. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['registered', 'routed', 'accepted', 'under-review', 'under-re-review'];
