import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ACTION_ROLES, applyAction, CASE_ACTIONS, decide, mayAct, rolesFor, TRANSITIONS, type CaseAction, type CaseSnapshot } from '#libs/regulation';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Every lifecycle action over HTTP with its refusals, generated from the state machine's
 * TRANSITIONS and the role table (ACTION_ROLES), not from a hand-written list: 403 FORBIDDEN for
 * each role the table does not grant, 403 WRONG_UNIT for the unit-bound ones, 409 CASE_STATE in
 * a state the machine refuses, 422 REGULATION where the regulation forbids. Then, for a case in
 * each reachable state, the allowedActions each user sees are exactly the actions that succeed.
 */

/** Valid bodies (what a form sends); not rules. */
const BODY: Record<CaseAction, object> = {
  route: { mode: 'transfer', unitCode: 'housing' },
  accept: {},
  decline: { reason: 'out-of-scope' },
  divert: { procedure: 'litigation' },
  object: { reason: '不属于本单位职责' },
  extend: { days: 10, reason: '需调查', approvedBy: '局长' },
  close: { kind: 'substantive', outcome: 'support', opinion: '支持。' },
  evaluate: { rating: 'satisfied' },
  'review-request': {},
  'review-opinion': { kind: 'substantive', outcome: 'support', opinion: '复查支持。' },
  're-review-request': {},
  're-review-opinion': { kind: 'substantive', outcome: 'support', opinion: '复核维持。' },
  supervise: { note: '请加快办理' },
};
const EXTENSION = 10;

/** The seeded users: roles and unit (test/support/embedded.ts seedOffice). */
const USERS: Record<string, { roles: string[]; unitCode: string | null }> = {
  reception1: { roles: ['reception'], unitCode: null },
  office1: { roles: ['office'], unitCode: null },
  housing1: { roles: ['handler'], unitCode: 'housing' },
  labour1: { roles: ['handler'], unitCode: 'labour' },
  leader1: { roles: ['leader'], unitCode: null },
  admin: { roles: ['admin'], unitCode: null },
};
const ROLE_USER: Record<string, string> = { reception: 'reception1', office: 'office1', handler: 'housing1', leader: 'leader1' };

interface Reachable {
  label: string;
  snapshot: CaseSnapshot;
  path: CaseAction[];
  /** The case's unit at the end of the path (cases are always routed to housing). */
  unit: string | null;
}

/** Every snapshot reachable from registration through TRANSITIONS (one extension of EXTENSION days at most), by shortest path. */
function reachable(): Reachable[] {
  const start: Reachable = { label: 'registered', snapshot: { status: 'registered', reviewed: false, extensionDaysUsed: 0 }, path: [], unit: null };
  const seen = new Map<string, Reachable>([[key(start.snapshot), start]]);
  const queue = [start];
  while (queue.length) {
    const r = queue.shift()!;
    for (const t of TRANSITIONS.filter((x) => x.from === r.snapshot.status)) {
      const input = t.action === 'extend' ? { extensionDays: EXTENSION } : undefined;
      if (!decide(r.snapshot, t.action, input).ok) continue;
      const next = applyAction(r.snapshot, t.action, input);
      if (next.extensionDaysUsed > EXTENSION || seen.has(key(next))) continue;
      const unit = t.action === 'route' ? 'housing' : t.action === 'object' ? null : r.unit;
      const label = `${next.status}${next.reviewed && next.status === 'closed' ? ' (reviewed)' : ''}${next.extensionDaysUsed ? ` (extended ${next.extensionDaysUsed} days)` : ''}`;
      const n: Reachable = { label, snapshot: next, path: [...r.path, t.action], unit };
      seen.set(key(next), n);
      queue.push(n);
    }
  }
  return [...seen.values()];
}
function key(s: CaseSnapshot) {
  return `${s.status}|${s.reviewed}|${s.extensionDaysUsed}`;
}

/** A user the role table lets take `action` on a case of `unit` in `snapshot` (the least privileged first). */
function actorFor(action: CaseAction, snapshot: CaseSnapshot, unit: string | null): string {
  const who = ['reception1', 'office1', 'housing1', 'leader1', 'admin'].find((u) => mayAct(snapshot, action, USERS[u], unit).ok)!;
  return who;
}

const STATES = reachable();

describe('every action with its 403 / 409 / 422, from the state machine and the role table', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  let requests = 0;
  const began = Date.now();
  const act = (id: string, action: CaseAction, who: string, body: object = BODY[action]) => {
    requests++;
    return t.http().post(`/api/v1/petitions/${id}/${action}`).set(bearer(tk[who])).send(body);
  };
  /** A fresh case walked along the state's path by users the role table allows. */
  async function caseIn(state: Reachable): Promise<string> {
    n++;
    requests++;
    const id = (
      await t
        .http()
        .post('/api/v1/petitions')
        .set(bearer(tk.reception1))
        .send(walkIn({ petitioners: [{ name: `表${n}` }] }))
        .expect(201)
    ).body.id as string;
    let s: CaseSnapshot = { status: 'registered', reviewed: false, extensionDaysUsed: 0 };
    let unit: string | null = null;
    for (const a of state.path) {
      await act(id, a, actorFor(a, s, unit)).expect(200);
      s = applyAction(s, a, a === 'extend' ? { extensionDays: EXTENSION } : undefined);
      unit = a === 'route' ? 'housing' : a === 'object' ? null : unit;
    }
    return id;
  }
  const shared = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    for (const s of STATES) shared.set(s.label, await caseIn(s));
  }, 60000);
  afterAll(async () => {
    process.stdout.write(`actions table: ${STATES.length} states, ${requests} requests in ${Date.now() - began} ms\n`);
    await t.stop();
  });

  it('reaches every status of the machine', () => {
    expect(new Set(STATES.map((s) => s.snapshot.status))).toEqual(new Set(TRANSITIONS.flatMap((x) => [x.from, x.to])));
  });

  describe.each([...CASE_ACTIONS])('%s', (action) => {
    const fits = (s: Reachable) => decide(s.snapshot, action, action === 'extend' ? { extensionDays: EXTENSION } : undefined).ok;
    // A state the action fits, on a case routed to a unit where there is one.
    const from = STATES.find((s) => fits(s) && s.unit) ?? STATES.find(fits)!;
    const who = actorFor(action, from.snapshot, from.unit);
    const others = Object.keys(ROLE_USER).filter((r) => !rolesFor(action).includes(r as never));

    it(`403 FORBIDDEN for every role the table does not grant (${others.join(', ') || 'none'})`, async () => {
      for (const role of others) {
        const res = await act(shared.get(from.label)!, action, ROLE_USER[role]).expect(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
    });

    const unitBound = ACTION_ROLES[action].some((g) => g.ownUnit);
    // Only where the table binds the action to the case's unit.
    if (unitBound)
      it('403 WRONG_UNIT for a handler of another unit', async () => {
        const res = await act(shared.get(from.label)!, action, 'labour1').expect(403);
        expect(res.body.code).toBe('WRONG_UNIT');
      });

    // A state the machine refuses, on a case the granted user may read (routed to its unit where that matters).
    const refused = STATES.find((s) => {
      const d = decide(s.snapshot, action, action === 'extend' ? { extensionDays: EXTENSION } : undefined);
      return !d.ok && d.code === 'CASE_STATE' && (USERS[who].unitCode === null || s.unit === USERS[who].unitCode);
    })!;
    it(`409 CASE_STATE in a state the machine refuses (${refused?.label}) for ${who}, the message naming it`, async () => {
      const res = await act(shared.get(refused.label)!, action, who).expect(409);
      expect(res.body.code).toBe('CASE_STATE');
      expect(res.body.message).toMatch(/「.+」/);
    });

    // Where the regulation itself forbids the action (days asked for an extension: all 30 of them).
    const input = action === 'extend' ? { extensionDays: 30 } : undefined;
    const forbidden = STATES.find((s) => {
      const d = decide(s.snapshot, action, input);
      return !d.ok && d.code === 'REGULATION';
    });
    // Only where some reachable state has the regulation forbid it.
    if (forbidden)
      it(`422 REGULATION where the regulation forbids it (${forbidden?.label ?? 'nowhere'}), citing the article`, async () => {
        const body = action === 'extend' ? { ...BODY.extend, days: 30 } : BODY[action];
        const res = await act(shared.get(forbidden!.label)!, action, actorFor(action, forbidden!.snapshot, forbidden!.unit), body).expect(422);
        expect(res.body.code).toBe('REGULATION');
        expect(res.body.message).toMatch(/第[一二三四五六七八九十]+条/);
      });
  });

  it('for a case in each reachable state, every user’s allowedActions are exactly the actions that succeed for them', async () => {
    const mismatches: string[] = [];
    for (const state of STATES) {
      const id = shared.get(state.label)!;
      for (const who of Object.keys(USERS)) {
        const view = await t.http().get(`/api/v1/petitions/${id}`).set(bearer(tk[who]));
        requests++;
        const allowed: string[] = view.status === 200 ? view.body.allowedActions : [];
        for (const action of CASE_ACTIONS) {
          if (allowed.includes(action)) continue;
          // Refusals change nothing, so they are tried on the shared case.
          const res = await act(id, action, who);
          if (res.status < 400) mismatches.push(`${state.label}: ${who} ${action} succeeded but is not in allowedActions`);
          else if (res.status === 400) mismatches.push(`${state.label}: ${who} ${action} answered 400 ${JSON.stringify(res.body.details)}`);
        }
        // Each allowed action succeeds, on a fresh case in the same state.
        for (const action of allowed as CaseAction[]) {
          const res = await act(await caseIn(state), action, who);
          if (res.status !== 200) mismatches.push(`${state.label}: ${who} ${action} is in allowedActions but answered ${res.status} ${res.body.code}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 120000);
});
