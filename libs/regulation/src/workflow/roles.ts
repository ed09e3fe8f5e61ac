/**
 * Who may take which action: the role rules as data, next to the state machine. The gateway's
 * role check on each action route, the services' unit check and the case view's
 * `allowedActions` all read this one table.
 */
import { ACTION_NAMES, CASE_ACTIONS, decide, type CaseAction, type CaseSnapshot, type CaseStatus } from './state-machine.js';

export type ActorRole = 'reception' | 'office' | 'handler' | 'leader' | 'admin';

export interface ActionGrant {
  role: ActorRole;
  /** Only on a case routed to the actor's own unit. */
  ownUnit?: boolean;
  /** Only while the case is in one of these states (the role's part of the rule, not the state machine's). */
  onlyIn?: readonly CaseStatus[];
}

/** Besides these, `admin` may take every action the state allows (data correction). */
export const ACTION_ROLES: Readonly<Record<CaseAction, readonly ActionGrant[]>> = {
  route: [{ role: 'office' }],
  accept: [{ role: 'handler', ownUnit: true }],
  decline: [{ role: 'office' }, { role: 'handler', ownUnit: true, onlyIn: ['routed'] }],
  divert: [{ role: 'handler', ownUnit: true }],
  object: [{ role: 'handler', ownUnit: true }],
  extend: [{ role: 'handler', ownUnit: true }],
  close: [{ role: 'handler', ownUnit: true }],
  evaluate: [{ role: 'reception' }, { role: 'office' }],
  'review-request': [{ role: 'reception' }, { role: 'office' }],
  'review-opinion': [{ role: 'office' }],
  're-review-request': [{ role: 'reception' }, { role: 'office' }],
  're-review-opinion': [{ role: 'office' }],
  supervise: [{ role: 'office' }, { role: 'leader' }],
};

/**
 * The petitioner themself, on the public door once the case's query code is verified (no account,
 * never a user's role): they rate the handling and ask for review and re-review of their own case,
 * within the same windows and states as when reception or the office records it for them.
 */
export const PETITIONER_ROLE = 'petitioner';
export const PETITIONER_ACTIONS: readonly CaseAction[] = ['evaluate', 'review-request', 're-review-request'];

/** The roles the gateway lets through to an action's route (the unit and state are checked behind it). */
export function rolesFor(action: CaseAction): ActorRole[] {
  return [...new Set(ACTION_ROLES[action].map((g) => g.role))];
}

export interface Actor {
  roles: readonly string[];
  unitCode?: string | null;
}

export type RoleVerdict = { ok: true } | { ok: false; code: 'FORBIDDEN' | 'WRONG_UNIT'; message: string };

const ROLE_NAMES: Readonly<Record<ActorRole, string>> = {
  reception: '登记接待人员',
  office: '信访工作机构',
  handler: '责任单位经办人',
  leader: '领导',
  admin: '系统管理员',
};
export const roleName = (r: string): string => ROLE_NAMES[r as ActorRole] ?? r;

/**
 * Whether the caller's roles (and unit) let them take `action` on a case of `caseUnit` now.
 * The state machine is asked separately (`decide`); this is only who, not when.
 */
export function mayAct(snapshot: CaseSnapshot, action: CaseAction, actor: Actor, caseUnit: string | null | undefined): RoleVerdict {
  if (actor.roles.includes('admin')) return { ok: true };
  if (actor.roles.includes(PETITIONER_ROLE)) {
    return PETITIONER_ACTIONS.includes(action) ? { ok: true } : { ok: false, code: 'FORBIDDEN', message: `${ACTION_NAMES[action]}不能由信访人本人办理` };
  }
  const grants = ACTION_ROLES[action].filter((g) => actor.roles.includes(g.role));
  if (!grants.length) {
    return { ok: false, code: 'FORBIDDEN', message: `${ACTION_NAMES[action]}需要以下角色之一：${rolesFor(action).map(roleName).join('、')}` };
  }
  const fitting = grants.filter((g) => !g.onlyIn || g.onlyIn.includes(snapshot.status));
  if (!fitting.length) {
    return { ok: false, code: 'FORBIDDEN', message: `案件尚未转送至责任单位，${ACTION_NAMES[action]}只能由${grantNames(action, snapshot.status)}作出` };
  }
  if (fitting.some((g) => !g.ownUnit)) return { ok: true };
  if (!caseUnit) return { ok: false, code: 'WRONG_UNIT', message: '该案件尚未转送至责任单位，不能由单位办理' };
  if (actor.unitCode !== caseUnit) return { ok: false, code: 'WRONG_UNIT', message: `该案件由其他单位（${caseUnit}）办理，不属于您所在的单位` };
  return { ok: true };
}

function grantNames(action: CaseAction, status: CaseStatus): string {
  return ACTION_ROLES[action]
    .filter((g) => !g.onlyIn || g.onlyIn.includes(status))
    .map((g) => roleName(g.role))
    .join('、');
}

/**
 * Windows an action must come within, by the deadline kind that closes them: the petitioner's
 * (evaluation Art. 21, review Art. 35, re-review Art. 36) and the unit's objection (Art. 23(3)).
 */
export const ACTION_WINDOWS: Partial<Record<CaseAction, string>> = {
  evaluate: 'evaluation',
  'review-request': 'review-request',
  're-review-request': 're-review-request',
  object: 'objection',
};

export interface ActionContext {
  snapshot: CaseSnapshot;
  actor: Actor;
  caseUnit: string | null | undefined;
  /** The petitioner's rating is on record (one evaluation per case). */
  evaluated: boolean;
  /** The due instant of each deadline kind the case has (null: withheld, not computable). */
  windows: ReadonlyArray<{ kind: string; dueAt: Date | null }>;
  now: Date;
}

/**
 * The actions the caller may take now: the state machine allows them, the role table grants
 * them, and no window or one-time rule the services check has closed them.
 */
export function allowedActions(ctx: ActionContext): CaseAction[] {
  return CASE_ACTIONS.filter((action) => {
    if (!decide(ctx.snapshot, action).ok) return false;
    if (!mayAct(ctx.snapshot, action, ctx.actor, ctx.caseUnit).ok) return false;
    if (action === 'evaluate' && ctx.evaluated) return false;
    const kind = ACTION_WINDOWS[action];
    const w = kind ? ctx.windows.find((d) => d.kind === kind) : undefined;
    return !(w?.dueAt && ctx.now.getTime() >= w.dueAt.getTime());
  });
}
