import { ACTION_ROLES, allowedActions, mayAct, PETITIONER_ROLE, rolesFor } from './roles.js';
import { CASE_ACTIONS, type CaseSnapshot } from './state-machine.js';

const snap = (status: CaseSnapshot['status'], extra: Partial<CaseSnapshot> = {}): CaseSnapshot => ({ status, reviewed: false, extensionDaysUsed: 0, ...extra });
const handler = (unitCode: string) => ({ roles: ['handler'], unitCode });
const role = (r: string) => ({ roles: [r], unitCode: null });
const now = new Date('2027-01-01T02:00:00Z');
const ctx = (status: CaseSnapshot['status'], actor: { roles: string[]; unitCode: string | null }, more: Partial<Parameters<typeof allowedActions>[0]> = {}) =>
  allowedActions({ snapshot: snap(status), actor, caseUnit: 'housing', evaluated: false, windows: [], now, ...more });

describe('who may take which action', () => {
  it('every action has at least one role, and only known roles', () => {
    for (const a of CASE_ACTIONS) {
      expect(ACTION_ROLES[a].length).toBeGreaterThan(0);
      for (const g of ACTION_ROLES[a]) expect(['reception', 'office', 'handler', 'leader']).toContain(g.role);
    }
  });

  it('only the petition office routes', () => {
    expect(rolesFor('route')).toEqual(['office']);
    expect(mayAct(snap('registered'), 'route', role('office'), null)).toEqual({ ok: true });
    expect(mayAct(snap('registered'), 'route', role('reception'), null)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('a handler accepts, closes, diverts, objects and extends only the cases of its own unit', () => {
    for (const a of ['accept', 'close', 'divert', 'object', 'extend'] as const) {
      expect(mayAct(snap('routed'), a, handler('housing'), 'housing')).toEqual({ ok: true });
      const other = mayAct(snap('routed'), a, handler('labour'), 'housing');
      expect(other).toMatchObject({ ok: false, code: 'WRONG_UNIT' });
      expect(!other.ok && other.message).toContain('housing');
      expect(mayAct(snap('routed'), a, role('office'), 'housing')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
  });

  it('a handler declines a case routed to its unit; the office declines in any state the machine allows', () => {
    expect(mayAct(snap('routed'), 'decline', handler('housing'), 'housing')).toEqual({ ok: true });
    expect(mayAct(snap('routed'), 'decline', handler('labour'), 'housing')).toMatchObject({ ok: false, code: 'WRONG_UNIT' });
    expect(mayAct(snap('registered'), 'decline', handler('housing'), null)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(mayAct(snap('registered'), 'decline', role('office'), null)).toEqual({ ok: true });
  });

  it('reception and office record the petitioner’s evaluation and requests; only the office gives opinions', () => {
    for (const a of ['evaluate', 'review-request', 're-review-request'] as const) expect(rolesFor(a).sort()).toEqual(['office', 'reception']);
    for (const a of ['review-opinion', 're-review-opinion'] as const) expect(rolesFor(a)).toEqual(['office']);
  });

  it('office and leader supervise; a handler does not', () => {
    expect(rolesFor('supervise').sort()).toEqual(['leader', 'office']);
    expect(mayAct(snap('accepted'), 'supervise', handler('housing'), 'housing')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('the petitioner themself (the public door) rates and asks for review and re-review, nothing else, and only as the state and the windows allow', () => {
    const petitioner = role(PETITIONER_ROLE);
    for (const a of CASE_ACTIONS) {
      const mine = ['evaluate', 'review-request', 're-review-request'].includes(a);
      expect({ a, v: mayAct(snap('closed'), a, petitioner, 'housing') }).toMatchObject({ a, v: { ok: mine } });
    }
    expect(ctx('closed', petitioner)).toEqual(['evaluate', 'review-request']);
    expect(ctx('closed', petitioner, { evaluated: true, windows: [{ kind: 'review-request', dueAt: new Date(now.getTime() - 1) }] })).toEqual([]);
    expect(ctx('accepted', petitioner)).toEqual([]);
    // the role table grants no user role to the petitioner's door: the staff routes stay as they are
    for (const a of CASE_ACTIONS) expect(rolesFor(a)).not.toContain(PETITIONER_ROLE);
  });

  it('admin may take any action, whatever its unit', () => {
    for (const a of CASE_ACTIONS) expect(mayAct(snap('routed'), a, { roles: ['admin'], unitCode: null }, 'housing')).toEqual({ ok: true });
  });

  it('the refusal of a role names the roles that may, in Chinese', () => {
    const v = mayAct(snap('accepted'), 'supervise', handler('housing'), 'housing');
    expect(!v.ok && v.message).toBe('督办需要以下角色之一：信访工作机构、领导');
  });
});

describe('the actions a caller may take now', () => {
  it('are those the state allows and the role grants', () => {
    expect(ctx('routed', handler('housing'))).toEqual(['accept', 'decline', 'divert', 'object']);
    expect(ctx('routed', handler('labour'))).toEqual([]);
    expect(ctx('routed', role('office'))).toEqual(['decline', 'supervise']);
    expect(ctx('registered', role('office'))).toEqual(['route', 'decline', 'supervise']);
    expect(ctx('accepted', role('leader'))).toEqual(['supervise']);
    expect(ctx('closed', role('reception'))).toEqual(['evaluate', 'review-request']);
    expect(ctx('final', { roles: ['admin'], unitCode: null })).toEqual([]);
  });

  it('do not include an extension once 30 days are used', () => {
    expect(ctx('accepted', handler('housing'))).toContain('extend');
    expect(allowedActions({ snapshot: snap('accepted', { extensionDaysUsed: 30 }), actor: handler('housing'), caseUnit: 'housing', evaluated: false, windows: [], now })).not.toContain('extend');
  });

  it('do not include a second evaluation', () => {
    expect(ctx('closed', role('office'), { evaluated: true })).toEqual(['review-request']);
  });

  it('do not include a request whose window has ended, nor an objection after its 5 working days', () => {
    const ended = [
      { kind: 'review-request', dueAt: now },
      { kind: 'evaluation', dueAt: new Date(now.getTime() + 1) },
    ];
    expect(ctx('closed', role('office'), { windows: ended })).toEqual(['evaluate']);
    expect(ctx('routed', handler('housing'), { windows: [{ kind: 'objection', dueAt: new Date(now.getTime() - 1) }] })).toEqual(['accept', 'decline', 'divert']);
    expect(ctx('routed', handler('housing'), { windows: [{ kind: 'objection', dueAt: null }] })).toContain('object');
  });
});
