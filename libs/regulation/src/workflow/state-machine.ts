/**
 * The case lifecycle: one table of allowed transitions, and the rules of the regulation that can
 * forbid an otherwise allowed step. Every service asks `decide` before it writes.
 *
 * 409: the action does not fit the current state (the message names the state).
 * 422: a rule of the regulation forbids it (the message cites the article).
 */

export type CaseStatus =
  | 'registered'
  | 'routed'
  | 'accepted'
  | 'closed'
  | 'declined'
  | 'diverted'
  | 'under-review'
  | 'under-re-review'
  | 'final';

export type CaseAction =
  | 'route'
  | 'accept'
  | 'decline'
  | 'divert'
  | 'object'
  | 'extend'
  | 'close'
  | 'evaluate'
  | 'review-request'
  | 'review-opinion'
  | 're-review-request'
  | 're-review-opinion'
  | 'supervise';

export const CASE_STATUSES: readonly CaseStatus[] = [
  'registered',
  'routed',
  'accepted',
  'closed',
  'declined',
  'diverted',
  'under-review',
  'under-re-review',
  'final',
];

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

export type Decision =
  | { ok: true; next: CaseStatus }
  | { ok: false; code: 409 | 422; message: string };

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

const notAllowed = (action: CaseAction, status: CaseStatus, why = ''): Decision => ({
  ok: false,
  code: 409,
  message: `action ${action} is not allowed while the case is ${status}${why}`,
});

/** Whether `action` may be taken on a case in `snapshot`, and the status it leads to. */
export function decide(snapshot: CaseSnapshot, action: CaseAction, input?: { extensionDays?: number }): Decision {
  const { status } = snapshot;

  if (status === 'final' && (action === 'review-request' || action === 're-review-request')) {
    return {
      ok: false,
      code: 422,
      message:
        `the matter has been re-reviewed (复核); a ${action} on the same facts and reasons is not accepted again ` +
        `(不再受理), Art. 36(3) (第三十六条第三款)`,
    };
  }
  if (TERMINAL_STATUSES.includes(status)) {
    return notAllowed(action, status, ' (a terminal state)');
  }

  const row = TRANSITIONS.find((t) => t.from === status && t.action === action);

  if (status === 'closed' && action === 'review-request' && snapshot.reviewed) {
    return notAllowed(action, status, ' and already reviewed (复查); the next step is a re-review-request (复核)');
  }
  if (status === 'closed' && action === 're-review-request' && !snapshot.reviewed) {
    return {
      ok: false,
      code: 422,
      message: 're-review (复核) is only available against a review opinion (复查意见); ask for a review first, Art. 36 (第三十六条)',
    };
  }
  if (!row) return notAllowed(action, status);

  if (action === 'extend') {
    const used = snapshot.extensionDaysUsed;
    const asked = input?.extensionDays;
    if (asked === undefined ? used >= MAX_EXTENSION_DAYS : used + asked > MAX_EXTENSION_DAYS) {
      const total = used + (asked ?? 0);
      return {
        ok: false,
        code: 422,
        message:
          asked === undefined
            ? `the handling period has already been extended by ${used} days; at most ${MAX_EXTENSION_DAYS} days in total, Art. 34 (第三十四条)`
            : `an extension of ${asked} days would bring the total to ${total} days (${used} already granted); ` +
              `at most ${MAX_EXTENSION_DAYS} days in total, Art. 34 (第三十四条)`,
      };
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
