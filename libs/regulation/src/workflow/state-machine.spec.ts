import { ACTION_NAMES, applyAction, CASE_ACTIONS, CASE_STATUSES, decide, STATUS_NAMES, TRANSITIONS, type CaseAction, type CaseSnapshot, type CaseStatus } from './state-machine.js';

/**
 * The expected result of every (status, action) pair, written out by hand (not derived from
 * TRANSITIONS): a status means "allowed, leads to that status"; 409 / 422 the refusal.
 * Columns, in order:
 *   route, accept, decline, divert, object, extend, close, evaluate,
 *   review-request, review-opinion, re-review-request, re-review-opinion, supervise
 */
type Expect = CaseStatus | 409 | 422;
const COLUMNS: CaseAction[] = [
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
// prettier-ignore
const EXPECTED: Array<[string, CaseSnapshot, Expect[]]> = [
  ['registered',        { status: 'registered', reviewed: false, extensionDaysUsed: 0 },
    ['routed', 409, 'declined', 409, 409, 409, 409, 409, 409, 409, 409, 409, 'registered']],
  ['routed',            { status: 'routed', reviewed: false, extensionDaysUsed: 0 },
    [409, 'accepted', 'declined', 'diverted', 'registered', 409, 409, 409, 409, 409, 409, 409, 'routed']],
  ['accepted',          { status: 'accepted', reviewed: false, extensionDaysUsed: 0 },
    [409, 409, 409, 'diverted', 409, 'accepted', 'closed', 409, 409, 409, 409, 409, 'accepted']],
  ['closed, not yet reviewed', { status: 'closed', reviewed: false, extensionDaysUsed: 0 },
    [409, 409, 409, 409, 409, 409, 409, 'closed', 'under-review', 409, 422, 409, 409]],
  ['closed after a review opinion', { status: 'closed', reviewed: true, extensionDaysUsed: 0 },
    [409, 409, 409, 409, 409, 409, 409, 'closed', 409, 409, 'under-re-review', 409, 409]],
  ['declined',          { status: 'declined', reviewed: false, extensionDaysUsed: 0 },
    [409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409]],
  ['diverted',          { status: 'diverted', reviewed: false, extensionDaysUsed: 0 },
    [409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409]],
  ['under-review',      { status: 'under-review', reviewed: false, extensionDaysUsed: 0 },
    [409, 409, 409, 409, 409, 409, 409, 409, 409, 'closed', 409, 409, 'under-review']],
  ['under-re-review',   { status: 'under-re-review', reviewed: true, extensionDaysUsed: 0 },
    [409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 'final', 'under-re-review']],
  ['final',             { status: 'final', reviewed: true, extensionDaysUsed: 0 },
    [409, 409, 409, 409, 409, 409, 409, 409, 422, 409, 422, 409, 409]],
];

const cases = EXPECTED.flatMap(([label, snapshot, row]) => row.map((expected, i) => [label, COLUMNS[i], snapshot, expected] as const));

describe('the case state machine', () => {
  it('the expected table has every status and every action', () => {
    expect(COLUMNS).toEqual([...CASE_ACTIONS]);
    expect(new Set(EXPECTED.map(([, s]) => s.status))).toEqual(new Set(CASE_STATUSES));
    expect(cases.length).toBe(10 * 13); // 9 statuses, closed twice (before and after a review)
  });

  it.each(cases)('case %s, action %s', (_label, action, snapshot, expected) => {
    const d = decide(snapshot, action, action === 'extend' ? { extensionDays: 10 } : undefined);
    if (typeof expected === 'string') {
      expect(d).toEqual({ ok: true, next: expected });
    } else {
      expect(d.ok).toBe(false);
      if (d.ok) return;
      expect(d.status).toBe(expected);
      expect(d.code).toBe(expected === 409 ? 'CASE_STATE' : 'REGULATION');
      if (expected === 409) expect(d.message).toContain(`「${STATUS_NAMES[snapshot.status]}」`);
      else expect(d.message).toMatch(/（《信访工作条例》第[一二三四五六七八九十]+条(第[一二三四五六七八九十]+款)?）/);
    }
  });

  it('TRANSITIONS lists exactly the allowed pairs of the expected table', () => {
    const allowed = cases.filter(([, , , e]) => typeof e === 'string').map(([, action, s, e]) => `${s.status} -${action}-> ${e}`);
    expect(new Set(TRANSITIONS.map((t) => `${t.from} -${t.action}-> ${t.to}`))).toEqual(new Set(allowed));
  });

  it('a 409 names the current state and the action in words (zh-CN)', () => {
    expect(decide({ status: 'routed', reviewed: false, extensionDaysUsed: 0 }, 'close')).toEqual({
      ok: false,
      status: 409,
      code: 'CASE_STATE',
      message: '该案件当前状态为「已转送交办」，不能办结',
    });
    expect(decide({ status: 'accepted', reviewed: false, extensionDaysUsed: 0 }, 'accept')).toMatchObject({
      message: '该案件当前状态为「已受理」，不能再受理',
    });
    const terminal = decide({ status: 'diverted', reviewed: false, extensionDaysUsed: 0 }, 'supervise');
    expect(!terminal.ok && terminal.message).toMatch(/^该案件当前状态为「已导入相应程序」.*不能督办$/);
  });

  it('every state and every action has its Chinese name', () => {
    expect(Object.keys(STATUS_NAMES).sort()).toEqual([...CASE_STATUSES].sort());
    expect(Object.keys(ACTION_NAMES).sort()).toEqual([...CASE_ACTIONS].sort());
  });

  describe('extension of the handling period (Art. 34): at most 30 days in total', () => {
    const accepted = (used: number): CaseSnapshot => ({ status: 'accepted', reviewed: false, extensionDaysUsed: used });

    it('allows 30 days at once, or 20 then 10', () => {
      expect(decide(accepted(0), 'extend', { extensionDays: 30 })).toEqual({ ok: true, next: 'accepted' });
      expect(decide(accepted(20), 'extend', { extensionDays: 10 })).toEqual({ ok: true, next: 'accepted' });
    });

    it('refuses 20 then 11 with 422 citing Art. 34', () => {
      const d = decide(accepted(20), 'extend', { extensionDays: 11 });
      expect(d).toMatchObject({ ok: false, status: 422, code: 'REGULATION' });
      expect(!d.ok && d.message).toMatch(/31 日.*延期合计不得超过 30 日（《信访工作条例》第三十四条）/);
    });

    it('refuses any further extension once 30 days are used, even without a number of days', () => {
      expect(decide(accepted(30), 'extend')).toMatchObject({ ok: false, status: 422, code: 'REGULATION' });
      expect(decide(accepted(0), 'extend')).toEqual({ ok: true, next: 'accepted' });
    });
  });

  it('re-review needs a review first (Art. 36), and after re-review the same matter is not accepted again (Art. 36(3))', () => {
    const noReview = decide({ status: 'closed', reviewed: false, extensionDaysUsed: 0 }, 're-review-request');
    expect(!noReview.ok && noReview.message).toContain('（《信访工作条例》第三十六条）');
    const final = decide({ status: 'final', reviewed: true, extensionDaysUsed: 0 }, 'review-request');
    expect(!final.ok && final.message).toContain('第三十六条第三款');
    expect(!final.ok && final.message).toContain('不再受理');
  });

  it('walks a full lifecycle with applyAction: the review opinion marks the case reviewed', () => {
    let s: CaseSnapshot = { status: 'registered', reviewed: false, extensionDaysUsed: 0 };
    const steps: Array<[CaseAction, { extensionDays?: number }?]> = [
      ['route'],
      ['object'],
      ['route'],
      ['accept'],
      ['extend', { extensionDays: 15 }],
      ['extend', { extensionDays: 15 }],
      ['close'],
      ['evaluate'],
      ['review-request'],
      ['review-opinion'],
      ['re-review-request'],
      ['re-review-opinion'],
    ];
    for (const [action, input] of steps) s = applyAction(s, action, input);
    expect(s).toEqual({ status: 'final', reviewed: true, extensionDaysUsed: 30 });
    expect(() => applyAction(s, 'review-request')).toThrow(/不再受理/);
  });
});
