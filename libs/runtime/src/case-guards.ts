import { ForbiddenError, RuleViolationError, StateConflictError } from '#libs/common';
import type { Decision } from '#libs/regulation';
import type { Caller } from './service-api.js';

/** Turns the state machine's answer into the contract's 409 / 422. */
export function enforce(decision: Decision): void {
  if (decision.ok) return;
  if (decision.code === 422) throw new RuleViolationError(decision.message);
  throw new StateConflictError(decision.message);
}

/** A handler works the cases of its own unit only; admin corrects any case. */
export function assertOwnUnit(actor: Caller, unitCode: string | null | undefined): void {
  if (actor.roles.includes('admin')) return;
  if (!unitCode || actor.unitCode !== unitCode) {
    throw new ForbiddenError(`case belongs to unit ${unitCode ?? '(none yet)'}, not to ${actor.unitCode ?? 'the caller'}`);
  }
}

/** The action's own time: now, or the back-dated time an admin entered from paper records. */
export function actionTime(at: string | null | undefined, now: Date): Date {
  return at ? new Date(at) : now;
}
