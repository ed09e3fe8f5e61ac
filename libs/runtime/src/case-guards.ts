import { ForbiddenError, RuleViolationError, StateConflictError } from '#libs/common';
import { mayAct, type CaseAction, type CaseSnapshot, type Decision } from '#libs/regulation';
import type { Caller } from './service-api.js';

/** Turns the state machine's answer into the contract's 409 CASE_STATE / 422 REGULATION. */
export function enforce(decision: Decision): void {
  if (decision.ok) return;
  if (decision.status === 422) throw new RuleViolationError(decision.message, undefined, decision.code);
  throw new StateConflictError(decision.message, undefined, decision.code);
}

/** A handler works the cases of its own unit only; admin corrects any case. */
export function assertOwnUnit(actor: Caller, unitCode: string | null | undefined): void {
  if (actor.roles.includes('admin')) return;
  if (!unitCode) throw new ForbiddenError('该案件尚未转送至责任单位，不能由单位办理', undefined, 'WRONG_UNIT');
  if (actor.unitCode !== unitCode) throw new ForbiddenError(`该案件由其他单位（${unitCode}）办理，不属于您所在的单位`, undefined, 'WRONG_UNIT');
}

/** The action's own time: now, or the back-dated time an admin entered from paper records. */
export function actionTime(at: string | null | undefined, now: Date): Date {
  return at ? new Date(at) : now;
}

/** The role table's answer (libs/regulation ACTION_ROLES) as the contract's 403 FORBIDDEN / WRONG_UNIT. */
export function assertMayAct(actor: Caller, snapshot: CaseSnapshot, action: CaseAction, caseUnit: string | null | undefined): void {
  const v = mayAct(snapshot, action, actor, caseUnit);
  if (!v.ok) throw new ForbiddenError(v.message, undefined, v.code);
}
