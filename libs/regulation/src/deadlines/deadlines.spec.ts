import { CalendarNotCoveredError, PrcCalendar } from '../calendar/calendar.js';
import { PRC_CALENDAR_DATA } from '../calendar/prc-calendar.data.js';
import { statutoryHolidays } from '../calendar/statutory-holidays.js';
import { describeDates } from '../calendar/uncovered-days.js';
import { formatInstant } from '../dates/time-zone.js';
import { assessDeadlines, computeDeadlines, DEADLINE_KINDS, DEFAULT_POLICY, serializeDeadline, type CaseFact, type Deadline, type DeadlineKind, type DeadlinePolicy } from './deadlines.js';

const calendar = PrcCalendar.default();
const TZ = 'Asia/Shanghai';
const at = (local: string) => new Date(`${local}+08:00`);
const show = (d: Date | undefined) => (d ? formatInstant(d, TZ) : undefined);

function deadlines(facts: CaseFact[], now: string, policy: DeadlinePolicy = DEFAULT_POLICY): Record<string, Deadline> {
  const list = computeDeadlines(facts, at(now), policy, calendar);
  expect(new Set(list.map((d) => d.kind)).size).toBe(list.length); // one per kind
  return Object.fromEntries(list.map((d) => [d.kind, d]));
}
const states = (ds: Record<string, Deadline>) => Object.fromEntries(Object.entries(ds).map(([k, d]) => [k, d.state]));

const registered = (t: string, feedbackDueDate?: string): CaseFact => ({ type: 'registered', at: at(t), ...(feedbackDueDate ? { feedbackDueDate } : {}) });
const routed = (t: string, unitCode = 'U01', mode: 'transfer' | 'assign' = 'transfer', feedbackDueDate?: string): CaseFact => ({
  type: 'routed',
  at: at(t),
  mode,
  unitCode,
  ...(feedbackDueDate ? { feedbackDueDate } : {}),
});
const fact = (type: Exclude<CaseFact['type'], 'registered' | 'routed' | 'extended' | 're-review-opinion-issued' | 'opinion-served'>, t: string): CaseFact => ({ type, at: at(t) });
/** An acceptance as recorded now: the petitioner is told when the acceptance notice is served. */
const accepted = (t: string): CaseFact => ({ type: 'accepted', at: at(t), noticeToServe: true });

describe('the default policy', () => {
  it('rolls over only the petitioner’s own windows (review and re-review requests), in Asia/Shanghai, with a 30-day evaluation window', () => {
    expect(DEFAULT_POLICY.timeZone).toBe('Asia/Shanghai');
    expect(DEFAULT_POLICY.evaluationWindowDays).toBe(30);
    const on = (Object.entries(DEFAULT_POLICY.rollOver) as Array<[DeadlineKind, boolean]>).filter(([, v]) => v).map(([k]) => k);
    expect(on.sort()).toEqual(['re-review-request', 'review-request']);
    expect(Object.keys(DEFAULT_POLICY.rollOver).sort()).toEqual([...DEADLINE_KINDS].sort());
  });
});

describe('handling (Art. 34)', () => {
  const history: CaseFact[] = [registered('2024-09-18T09:00:00'), routed('2024-09-19T09:00:00'), fact('accepted', '2024-09-20T10:00:00')];

  it('a case accepted on 2024-09-20 is due 60 days later, on 2024-11-19, at 24:00 Beijing time', () => {
    const { handling } = deadlines(history, '2024-10-01T12:00:00');
    expect(handling.lastDay).toBe('2024-11-19');
    expect(show(handling.dueAt)).toBe('2024-11-20T00:00:00+08:00');
    expect(handling.state).toBe('pending');
    expect(handling.basis).toBe('受理 2024-09-20，自次日起计算 60 日（《信访工作条例》第三十四条）：至 2024-11-19 24 时止');
    expect(handling).toMatchObject({ article: '第三十四条', holder: 'unit', revision: 1, days: 60 });
    expect(show(handling.trigger)).toBe('2024-09-20T10:00:00+08:00');
  });

  it('is still pending one second before 24:00 of the last day, and breached at 24:00', () => {
    expect(deadlines(history, '2024-11-19T23:59:59').handling.state).toBe('pending');
    expect(deadlines(history, '2024-11-20T00:00:00').handling.state).toBe('breached');
  });

  it('closing at 23:59 on the last day is in time; closing the next morning is a breach even though it is met', () => {
    const inTime = deadlines([...history, fact('closed', '2024-11-19T23:59:00')], '2024-12-01T00:00:00').handling;
    expect(inTime.state).toBe('met');
    expect(show(inTime.metAt)).toBe('2024-11-19T23:59:00+08:00');
    const late = deadlines([...history, fact('closed', '2024-11-20T09:00:00')], '2024-12-01T00:00:00').handling;
    expect(late.state).toBe('breached');
    expect(show(late.metAt)).toBe('2024-11-20T09:00:00+08:00');
  });

  it('each extension recomputes the due date from acceptance (60 + all extension days) and bumps the revision', () => {
    const ext1: CaseFact = { type: 'extended', at: at('2024-11-01T10:00:00'), days: 20 };
    const ext2: CaseFact = { type: 'extended', at: at('2024-12-01T10:00:00'), days: 10 };
    const after1 = deadlines([...history, ext1], '2024-11-02T00:00:00').handling;
    expect(after1).toMatchObject({ lastDay: '2024-12-09', revision: 2, state: 'pending', days: 80 });
    expect(after1.basis).toBe('受理 2024-09-20，自次日起计算 60 日，经批准延长 20 日，共 80 日（《信访工作条例》第三十四条）：至 2024-12-09 24 时止');
    const after2 = deadlines([...history, ext1, ext2, fact('closed', '2024-12-15T16:00:00')], '2025-01-01T00:00:00').handling;
    expect(after2).toMatchObject({ lastDay: '2024-12-19', revision: 3, state: 'met', days: 90 });
    expect(show(after2.dueAt)).toBe('2024-12-20T00:00:00+08:00');
    expect(after2.superseded?.map((s) => [s.revision, s.lastDay, s.state, show(s.replacedAt)])).toEqual([
      [1, '2024-11-19', 'lapsed', '2024-11-01T10:00:00+08:00'],
      [2, '2024-12-09', 'lapsed', '2024-12-01T10:00:00+08:00'],
    ]);
  });

  it('an extension granted after the period already ran out does not cure the breach', () => {
    const lateExtension: CaseFact = { type: 'extended', at: at('2024-11-25T10:00:00'), days: 30 };
    const h = deadlines([...history, lateExtension, fact('closed', '2024-12-10T10:00:00')], '2025-01-01T00:00:00').handling;
    expect(h).toMatchObject({ lastDay: '2024-12-19', revision: 2, state: 'breached' });
    expect(h.superseded?.[0]).toMatchObject({ revision: 1, state: 'breached' });
    expect(h.basis).toContain('已逾期');
  });

  it('accepted just before the Spring Festival: the office does not get the break added (no roll-over)', () => {
    const h = deadlines([fact('accepted', '2024-11-29T09:00:00')], '2024-12-01T00:00:00').handling;
    expect(h.lastDay).toBe('2025-01-28');
    expect(h.rolledOver).toBeUndefined();
  });

  it('a diverted case (Art. 31) meets the handling deadline', () => {
    expect(deadlines([...history, fact('diverted', '2024-10-10T10:00:00')], '2025-01-01T00:00:00').handling.state).toBe('met');
  });
});

describe('routing, the acceptance notice and the objection window (Art. 22–23)', () => {
  it('the office routes within 15 days of receipt; routing after that is a breach', () => {
    const onTime = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00')], '2024-09-06T00:00:00');
    expect(onTime.route).toMatchObject({ lastDay: '2024-09-17', state: 'met', holder: 'office', article: '第二十二条' });
    const late = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-20T10:00:00')], '2024-09-21T00:00:00');
    expect(late.route.state).toBe('breached');
    expect(show(late.route.metAt)).toBe('2024-09-20T10:00:00+08:00');
    const notYet = deadlines([registered('2024-09-02T09:00:00')], '2024-09-18T00:00:00');
    expect(notYet.route.state).toBe('breached');
    expect(Object.keys(notYet)).toEqual(['route']);
  });

  it('routing opens the 15-day acceptance notice and the 5-working-day objection window of the unit', () => {
    const ds = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00')], '2024-09-06T00:00:00');
    expect(ds['acceptance-notice']).toMatchObject({ lastDay: '2024-09-20', state: 'pending', holder: 'unit', article: '第二十三条' });
    expect(ds.objection).toMatchObject({ lastDay: '2024-09-12', state: 'pending', holder: 'unit', workingDays: true, days: 5 });
    expect(ds['acceptance-notice'].basis).toBe('转送至 U01 2024-09-05，自次日起 15 日内告知受理情况（《信访工作条例》第二十三条）：至 2024-09-20 24 时止');
  });

  it('accepting closes the objection window unused (lapsed, not breached); the acceptance notice waits for the petitioner to be told', () => {
    const ds = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00'), accepted('2024-09-10T10:00:00')], '2024-09-11T00:00:00');
    expect(states(ds)).toEqual({ route: 'met', 'acceptance-notice': 'pending', objection: 'lapsed', handling: 'pending' });
    // Still untold after its last day (routed 09-05: 09-20): breached, however early the case was accepted.
    expect(deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00'), accepted('2024-09-10T10:00:00')], '2024-09-21T00:00:00')['acceptance-notice'].state).toBe('breached');
  });

  it('a closure tells the petitioner too: an acceptance notice still owed is met by the written opinion — in time before its last day, a breach after', () => {
    const closedOn = (t: string) =>
      deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00'), accepted('2024-09-10T10:00:00'), fact('closed', t)], '2024-10-30T00:00:00')['acceptance-notice'];
    expect(closedOn('2024-09-18T10:00:00')).toMatchObject({ state: 'met' });
    expect(closedOn('2024-09-25T10:00:00')).toMatchObject({ state: 'breached' });
  });

  it('a history recorded before the 已送达 mark (an acceptance without noticeToServe): accepting met the acceptance notice, as the rule then was', () => {
    const ds = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00'), fact('accepted', '2024-09-10T10:00:00')], '2024-09-21T00:00:00');
    expect(ds['acceptance-notice']).toMatchObject({ state: 'met' });
    expect(show(ds['acceptance-notice'].metAt)).toBe('2024-09-10T10:00:00+08:00');
  });

  it('the acceptance notice served (acceptance-notified) meets it on that day: by its last day met, the day after breached (Art. 23)', () => {
    const told = (on: string) =>
      deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00'), accepted('2024-09-10T10:00:00'), fact('acceptance-notified', on)], '2024-10-01T00:00:00')['acceptance-notice'];
    expect(told('2024-09-20T23:59:59')).toMatchObject({ state: 'met', lastDay: '2024-09-20' });
    expect(show(told('2024-09-20T23:59:59').metAt!)).toBe('2024-09-20T23:59:59+08:00');
    expect(told('2024-09-21T00:00:00')).toMatchObject({ state: 'breached', lastDay: '2024-09-20' });
  });

  it('an objection window that passes unused lapses; it is never a breach', () => {
    const ds = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00')], '2024-09-13T00:00:00');
    expect(ds.objection.state).toBe('lapsed');
    expect(ds['acceptance-notice'].state).toBe('pending');
  });

  it('the 5 working days run across National Day: routed 2024-09-27, the unit may object until 2024-10-10', () => {
    const ds = deadlines([registered('2024-09-20T09:00:00'), routed('2024-09-27T10:00:00')], '2024-09-28T00:00:00');
    expect(ds.objection.lastDay).toBe('2024-10-10');
    expect(show(ds.objection.dueAt)).toBe('2024-10-11T00:00:00+08:00');
    expect(ds['acceptance-notice'].lastDay).toBe('2024-10-12'); // 15 calendar days, the make-up Saturday
  });

  it('an objection sends the case back to the office: the route clock restarts from the objection and a re-route bumps every revision', () => {
    const history: CaseFact[] = [registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00', 'U01'), fact('objected', '2024-09-09T15:00:00')];
    const back = deadlines(history, '2024-09-10T00:00:00');
    expect(back.objection).toMatchObject({ state: 'met', revision: 1 });
    expect(back['acceptance-notice']).toMatchObject({ state: 'lapsed', revision: 1 }); // moot: nothing to tell
    expect(back.route).toMatchObject({ lastDay: '2024-09-24', state: 'pending', revision: 2 });
    expect(back.route.basis).toContain('退回');
    expect(back.route.superseded?.[0]).toMatchObject({ revision: 1, lastDay: '2024-09-17', state: 'met' });

    const rerouted = deadlines([...history, routed('2024-09-12T10:00:00', 'U02')], '2024-09-13T00:00:00');
    expect(rerouted.route).toMatchObject({ state: 'met', revision: 2 });
    expect(rerouted['acceptance-notice']).toMatchObject({ lastDay: '2024-09-27', state: 'pending', revision: 2 });
    expect(rerouted['acceptance-notice'].basis).toContain('U02');
    // Thursday 09-12: 09-13 (1), make-up Saturday 09-14 (2), Mid-Autumn 09-15..17, 09-18 (3), 09-19 (4), 09-20 (5)
    expect(rerouted.objection).toMatchObject({ lastDay: '2024-09-20', state: 'pending', revision: 2 });
  });

  it('an objection after the window lapses (with the late time kept); an acceptance notice made moot after it fell due stays breached', () => {
    const ds = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00'), fact('objected', '2024-09-25T10:00:00')], '2024-09-26T00:00:00');
    expect(ds.objection.state).toBe('lapsed');
    expect(show(ds.objection.metAt)).toBe('2024-09-25T10:00:00+08:00');
    expect(ds['acceptance-notice'].state).toBe('breached');
  });

  it('the office declining the case meets the route deadline; a unit diverting it meets the acceptance notice', () => {
    expect(states(deadlines([registered('2024-09-02T09:00:00'), fact('declined', '2024-09-04T09:00:00')], '2024-12-01T00:00:00'))).toEqual({ route: 'met' });
    expect(states(deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00'), fact('diverted', '2024-09-06T09:00:00')], '2024-12-01T00:00:00'))).toEqual({
      route: 'met',
      'acceptance-notice': 'met',
      objection: 'lapsed',
    });
  });
});

describe('assigned cases: feedback to the assigning body (Art. 22)', () => {
  it('only a case assigned with a due date gets the unit’s feedback deadline, due at the end of that date', () => {
    const transfer = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00')], '2024-09-06T00:00:00');
    expect(transfer.feedback).toBeUndefined();
    expect(transfer['unit-feedback']).toBeUndefined();
    const assigned = deadlines([registered('2024-09-02T09:00:00'), routed('2024-09-05T10:00:00', 'U01', 'assign', '2024-10-31')], '2024-09-06T00:00:00');
    expect(assigned['unit-feedback']).toMatchObject({ lastDay: '2024-10-31', state: 'pending', holder: 'unit', revision: 1 });
    expect(assigned.feedback).toBeUndefined(); // no date from above
    expect(show(assigned['unit-feedback'].dueAt)).toBe('2024-11-01T00:00:00+08:00');
  });

  it('the date handed down from above is kept beside the date the office sets for the unit; closing meets both; an objection makes the unit’s moot', () => {
    const history: CaseFact[] = [registered('2024-09-02T09:00:00', '2024-10-31')];
    expect(deadlines(history, '2024-09-03T00:00:00').feedback).toMatchObject({ lastDay: '2024-10-31', holder: 'office', revision: 1 });
    const earlier: CaseFact[] = [...history, routed('2024-09-05T10:00:00', 'U01', 'assign', '2024-10-25'), fact('accepted', '2024-09-06T10:00:00')];
    const both = deadlines(earlier, '2024-09-07T00:00:00');
    expect(both.feedback).toMatchObject({ lastDay: '2024-10-31', holder: 'office', revision: 1, basis: expect.stringContaining('上级交办 2024-09-02，要求于 2024-10-31（含当日）前报送') });
    expect(both['unit-feedback']).toMatchObject({ lastDay: '2024-10-25', holder: 'unit', revision: 1, basis: expect.stringContaining('交办至 U01 2024-09-05，要求于 2024-10-25（含当日）前报送') });
    const closed = deadlines([...earlier, fact('closed', '2024-10-20T10:00:00')], '2024-11-30T00:00:00');
    expect([closed.feedback.state, closed['unit-feedback'].state]).toEqual(['met', 'met']);
    const late = deadlines(earlier, '2024-10-26T00:00:00');
    expect([late.feedback.state, late['unit-feedback'].state]).toEqual(['pending', 'breached']);
    const objected = deadlines([...history, routed('2024-09-05T10:00:00', 'U01', 'assign', '2024-10-25'), fact('objected', '2024-09-06T10:00:00')], '2024-10-26T00:00:00');
    expect([objected.feedback.state, objected['unit-feedback'].state]).toEqual(['pending', 'lapsed']);
  });
});

describe('a full lifecycle: evaluation, review and re-review (Art. 21, 35, 36)', () => {
  const full: CaseFact[] = [
    registered('2024-09-02T09:00:00'),
    routed('2024-09-05T10:00:00'),
    accepted('2024-09-10T10:00:00'),
    fact('acceptance-notified', '2024-09-10T10:05:00'),
    fact('closed', '2024-10-25T16:00:00'),
    fact('evaluated', '2024-10-28T09:00:00'),
    fact('review-requested', '2024-11-10T09:00:00'),
    fact('review-opinion-issued', '2024-12-05T09:00:00'),
    fact('re-review-requested', '2024-12-20T09:00:00'),
    { type: 're-review-opinion-issued', at: at('2025-01-10T09:00:00') },
  ];

  it('every deadline of a case handled on time is met (the unused objection window lapsed)', () => {
    const ds = deadlines(full, '2025-03-01T00:00:00');
    expect(states(ds)).toEqual({
      route: 'met',
      'acceptance-notice': 'met',
      objection: 'lapsed',
      handling: 'met',
      evaluation: 'met',
      'review-request': 'met',
      'review-opinion': 'met',
      're-review-request': 'met',
      're-review-opinion': 'met',
    });
    expect(Object.fromEntries(Object.entries(ds).map(([k, d]) => [k, d.lastDay]))).toEqual({
      route: '2024-09-17',
      'acceptance-notice': '2024-09-20',
      objection: '2024-09-12',
      handling: '2024-11-09',
      evaluation: '2024-11-24',
      'review-request': '2024-11-24',
      'review-opinion': '2024-12-10',
      're-review-request': '2025-01-04',
      're-review-opinion': '2025-01-19',
    });
    expect(ds['review-request']).toMatchObject({ holder: 'petitioner', article: '第三十五条' });
    expect(ds['re-review-opinion']).toMatchObject({ holder: 'office', article: '第三十六条' });
  });

  it('the deadlines come back in a fixed order, one per kind', () => {
    expect(computeDeadlines(full, at('2025-03-01T00:00:00'), DEFAULT_POLICY, calendar).map((d) => d.kind)).toEqual([
      'route',
      'acceptance-notice',
      'objection',
      'handling',
      'evaluation',
      'review-request',
      'review-opinion',
      're-review-request',
      're-review-opinion',
    ]);
  });

  it('facts given out of order are replayed in time order', () => {
    const shuffled = [...full].reverse();
    expect(computeDeadlines(shuffled, at('2025-03-01T00:00:00'), DEFAULT_POLICY, calendar)).toEqual(computeDeadlines(full, at('2025-03-01T00:00:00'), DEFAULT_POLICY, calendar));
  });

  it('the petitioner’s windows that close unused lapse; they are never breaches', () => {
    const ds = deadlines(full.slice(0, 5), '2025-01-01T00:00:00');
    expect(ds.evaluation.state).toBe('lapsed');
    expect(ds['review-request'].state).toBe('lapsed');
    expect(deadlines(full.slice(0, 5), '2024-11-01T00:00:00')['review-request'].state).toBe('pending');
  });

  it('the window to ask for review runs from receiving the handling opinion: served after the closure day, it counts from the served day (Art. 35)', () => {
    const closed = full.slice(0, 5); // … closed 2024-10-25
    expect(deadlines(closed, '2024-10-26T00:00:00')['review-request'].lastDay).toBe('2024-11-24');
    const served: CaseFact = { type: 'opinion-served', at: at('2024-11-01T23:59:59.999'), opinion: 'handling' };
    const ds = deadlines([...closed, served], '2024-11-26T00:00:00');
    expect(ds['review-request']).toMatchObject({ lastDay: '2024-12-01', state: 'pending', revision: 2 });
    expect(ds['review-request'].basis).toContain('处理意见书 2024-11-01 送达信访人');
    // Received 40 days after the closure: the window from the closure had run out; the one from receipt is open.
    const late: CaseFact = { type: 'opinion-served', at: at('2024-12-04T10:00:00'), opinion: 'handling' };
    expect(deadlines([...closed, late], '2024-12-10T00:00:00')['review-request']).toMatchObject({ lastDay: '2025-01-03', state: 'pending' });
    // Served the day it was closed: the same window.
    const sameDay: CaseFact = { type: 'opinion-served', at: at('2024-10-25T17:00:00'), opinion: 'handling' };
    expect(deadlines([...closed, sameDay], '2024-10-26T00:00:00')['review-request']).toMatchObject({ lastDay: '2024-11-24', revision: 1 });
    // Asked before it was marked served: the window was used; a later mark changes nothing.
    const asked = [...full.slice(0, 7), { type: 'opinion-served', at: at('2024-11-12T10:00:00'), opinion: 'handling' } as CaseFact];
    expect(deadlines(asked, '2024-11-13T00:00:00')['review-request']).toMatchObject({ state: 'met', lastDay: '2024-11-24', revision: 1 });
  });

  it('the window to ask for re-review runs from receiving the review opinion (Art. 36)', () => {
    const reviewed = full.slice(0, 8); // … review opinion 2024-12-05
    const served: CaseFact = { type: 'opinion-served', at: at('2024-12-09T10:00:00'), opinion: 'review' };
    expect(deadlines(reviewed, '2024-12-06T00:00:00')['re-review-request'].lastDay).toBe('2025-01-04');
    expect(deadlines([...reviewed, served], '2024-12-10T00:00:00')['re-review-request']).toMatchObject({ lastDay: '2025-01-08', state: 'pending', revision: 2 });
  });

  it('a review opinion issued after its 30 days is a breach by the reviewing body', () => {
    const late = [...full.slice(0, 7), fact('review-opinion-issued', '2024-12-11T09:00:00')];
    expect(deadlines(late, '2025-03-01T00:00:00')['review-opinion'].state).toBe('breached');
  });

  it('an opinion received 2024-12-30: the review window ends on 2025-01-29 in the Spring Festival and is rolled over to 2025-02-05', () => {
    const closed: CaseFact[] = [fact('accepted', '2024-11-01T10:00:00'), fact('closed', '2024-12-30T15:00:00')];
    const ds = deadlines(closed, '2025-01-02T00:00:00');
    expect(ds['review-request']).toMatchObject({ lastDay: '2025-02-05', originalLastDay: '2025-01-29', rolledOver: true, state: 'pending' });
    expect(ds['review-request'].basis).toBe(
      '收到处理意见 2024-12-30，自次日起 30 日内可请求复查（《信访工作条例》第三十五条）：末日 2025-01-29 为法定节假日，顺延至 2025-02-05（《民法典》第二百零三条），至 2025-02-05 24 时止',
    );
    expect(ds.evaluation).toMatchObject({ lastDay: '2025-01-29' }); // no roll-over for the evaluation window
    // a request that arrives the day after the break is in time
    const asked = deadlines([...closed, fact('review-requested', '2025-02-05T10:00:00')], '2025-02-06T00:00:00');
    expect(asked['review-request'].state).toBe('met');
    expect(asked['review-opinion'].lastDay).toBe('2025-03-07');
  });

  it('hearing days do not count toward the re-review opinion: 30 + 10 days, revision 2', () => {
    const base: CaseFact[] = [fact('re-review-requested', '2024-06-01T10:00:00')];
    expect(deadlines(base, '2024-06-02T00:00:00')['re-review-opinion']).toMatchObject({ lastDay: '2024-07-01', revision: 1 });
    const withHearing = deadlines([...base, { type: 're-review-opinion-issued', at: at('2024-07-08T10:00:00'), hearingDays: 10 }], '2024-08-01T00:00:00')['re-review-opinion'];
    expect(withHearing).toMatchObject({ lastDay: '2024-07-11', revision: 2, state: 'met', days: 40 });
    expect(withHearing.basis).toContain('听证 10 日不计入');
    expect(withHearing.superseded?.[0]).toMatchObject({ revision: 1, state: 'lapsed' });
    const without = deadlines([...base, { type: 're-review-opinion-issued', at: at('2024-07-08T10:00:00') }], '2024-08-01T00:00:00')['re-review-opinion'];
    expect(without).toMatchObject({ lastDay: '2024-07-01', revision: 1, state: 'breached' });
  });
});

describe('time zone and the calendar’s limits', () => {
  it('days are the office’s days: accepted 00:30 Beijing time on 2024-09-21 counts from 2024-09-21', () => {
    expect(deadlines([fact('accepted', '2024-09-21T00:30:00')], '2024-09-22T00:00:00').handling.lastDay).toBe('2024-11-20');
    const utcOffice = computeDeadlines([fact('accepted', '2024-09-21T00:30:00')], at('2024-09-22T00:00:00'), { ...DEFAULT_POLICY, timeZone: 'UTC' }, calendar);
    expect(utcOffice[0].lastDay).toBe('2024-11-19');
    expect(utcOffice[0].dueAt.toISOString()).toBe('2024-11-20T00:00:00.000Z');
  });

  it('refuses to compute a working-day deadline in a year the calendar does not cover (default policy)', () => {
    expect(() => computeDeadlines([routed('2026-12-28T10:00:00')], at('2026-12-28T12:00:00'), DEFAULT_POLICY, calendar)).toThrow(CalendarNotCoveredError);
    // Closed 2026-12-10: the review-request window ends Sat 2027-01-09, near 元旦 2027: a day of the
    // break or not, only the 2027 notice can say (Sat 01-16 is the first day certainly not).
    expect(() => computeDeadlines([fact('accepted', '2026-11-01T10:00:00'), fact('closed', '2026-12-10T10:00:00')], at('2026-12-11T00:00:00'), DEFAULT_POLICY, calendar)).toThrow(
      new CalendarNotCoveredError(2027, ['2027-01-09', '2027-01-10', '2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15']),
    );
  });

  it('with the provisional policy it assumes ordinary weeks there, marks the deadline provisional and says so', () => {
    const policy: DeadlinePolicy = { ...DEFAULT_POLICY, onUncoveredYear: 'provisional' };
    const ds = deadlines([routed('2026-12-28T10:00:00')], '2026-12-28T12:00:00', policy);
    expect(ds.objection).toMatchObject({ lastDay: '2027-01-05', provisional: true }); // 元旦 2027-01-01 is off by law; 01-04 and 01-05 assumed working
    expect(ds.objection.basis).toContain('2027 年节假日安排未收录');
    expect(ds['acceptance-notice'].provisional).toBeUndefined(); // 15 calendar days, no roll-over: no calendar needed
  });

  describe("with the 'withhold' policy it refuses that deadline alone", () => {
    const policy: DeadlinePolicy = { ...DEFAULT_POLICY, onUncoveredYear: 'withhold' };
    const data2027 = { ...PRC_CALENDAR_DATA, years: { ...PRC_CALENDAR_DATA.years, '2027': { notice: 'test', holidays: ['2027-01-01'], workdays: [] } } };

    it('withholds the 5-working-day objection reaching 2027 and computes the rest', () => {
      const { deadlines: ds, withheld } = assessDeadlines([registered('2026-12-20T09:00:00'), routed('2026-12-28T10:00:00')], at('2026-12-28T12:00:00'), policy, calendar);
      expect(ds.map((d) => d.kind)).toEqual(['route', 'acceptance-notice']);
      expect(withheld).toEqual([expect.objectContaining({ kind: 'objection', year: 2027, revision: 1, holder: 'unit', article: '第二十三条', trigger: at('2026-12-28T10:00:00') })]);
      expect(withheld[0].basis).toContain('无法计算：2027 年节假日安排尚未收录');
      expect(withheld[0].basis).toContain('5 个工作日');
      expect(withheld[0].unknownDates).toEqual([
        '2027-01-02',
        '2027-01-03',
        '2027-01-04',
        '2027-01-05',
        '2027-01-06',
        '2027-01-07',
        '2027-01-08',
        '2027-01-09',
        '2027-01-10',
        '2027-01-11',
        '2027-01-12',
        '2027-01-13',
        '2027-01-14',
        '2027-01-15',
      ]);
      expect(withheld[0].basis).toBe(
        '转送至 U01 2026-12-28，自次日起 5 个工作日内可对转送、交办提出异议（《信访工作条例》第二十三条），暂无法计算：2027 年节假日安排尚未收录，2027-01-02 至 2027-01-15 的放假调休安排未定，不作推算，载入国务院办公厅 2027 年节假日安排后计算',
      );
      expect(computeDeadlines([routed('2026-12-28T10:00:00')], at('2026-12-28T12:00:00'), policy, calendar).map((d) => d.kind)).toEqual(['acceptance-notice']);
    });

    it('withholds a rolled-over window whose last day is in 2027, and records when it was used', () => {
      const facts = [fact('accepted', '2026-11-01T10:00:00'), fact('closed', '2026-12-10T10:00:00'), fact('review-requested', '2026-12-20T10:00:00')];
      const { deadlines: ds, withheld } = assessDeadlines(facts, at('2026-12-21T00:00:00'), policy, calendar);
      expect(withheld).toEqual([expect.objectContaining({ kind: 'review-request', year: 2027, metAt: at('2026-12-20T10:00:00') })]);
      expect(ds.find((d) => d.kind === 'evaluation')?.lastDay).toBe('2027-01-09'); // no roll-over: no calendar needed
      expect(ds.find((d) => d.kind === 'review-opinion')?.state).toBe('pending');
    });

    it('computes the deadline once the calendar has the year, numbering revisions on', () => {
      const facts = [routed('2026-12-28T10:00:00')];
      const later = assessDeadlines(facts, at('2026-12-28T12:00:00'), policy, new PrcCalendar(data2027));
      expect(later.withheld).toEqual([]);
      expect(later.deadlines.find((d) => d.kind === 'objection')).toMatchObject({ lastDay: '2027-01-05', revision: 1 });
      // An objection window withheld, then re-opened when the case comes back: revision 2.
      const reopened = assessDeadlines([...facts, { type: 'objected', at: at('2026-12-29T10:00:00') }, routed('2026-12-30T10:00:00')], at('2026-12-30T12:00:00'), policy, calendar);
      expect(reopened.withheld).toEqual([expect.objectContaining({ kind: 'objection', revision: 2 })]);
      expect(reopened.deadlines.find((d) => d.kind === 'route')).toMatchObject({ state: 'met', revision: 1 }); // opened by the objection, met by the new routing;
    });

    it('never withholds under the other policies', () => {
      expect(() => assessDeadlines([routed('2026-12-28T10:00:00')], at('2026-12-28T12:00:00'), DEFAULT_POLICY, calendar)).toThrow(CalendarNotCoveredError);
      const provisional = assessDeadlines([routed('2026-12-28T10:00:00')], at('2026-12-28T12:00:00'), { ...policy, onUncoveredYear: 'provisional' }, calendar);
      expect(provisional.withheld).toEqual([]);
      expect(provisional.deadlines.find((d) => d.kind === 'objection')).toMatchObject({ provisional: true, assumedYears: [2027] });
    });
  });

  it('rejects malformed facts', () => {
    expect(() => computeDeadlines([{ type: 'extended', at: at('2024-10-01T10:00:00'), days: 0 }], at('2024-10-02T00:00:00'), DEFAULT_POLICY, calendar)).toThrow(RangeError);
    expect(() => computeDeadlines([{ type: 'accepted', at: new Date('x') }], at('2024-10-02T00:00:00'), DEFAULT_POLICY, calendar)).toThrow(RangeError);
    expect(() => computeDeadlines([registered('2024-09-02T09:00:00', '2024-02-30')], at('2024-10-02T00:00:00'), DEFAULT_POLICY, calendar)).toThrow(RangeError);
  });

  it('serializes a deadline for the API with the zone’s offset', () => {
    const [d] = computeDeadlines([fact('accepted', '2024-09-20T10:00:00')], at('2024-10-01T00:00:00'), DEFAULT_POLICY, calendar);
    expect(serializeDeadline(d, TZ)).toMatchObject({ kind: 'handling', dueAt: '2024-11-20T00:00:00+08:00', lastDay: '2024-11-19', state: 'pending' });
  });
});

/**
 * Golden vectors for years without their State Council notice (the bundled calendar ends with
 * 2026): what the law settles is computed, what a notice could change is withheld, naming the
 * days. The law's holidays, from statutoryHolidays(): 2027 元旦 01-01, 春节 02-05 (除夕)–02-08,
 * 清明 04-05, 劳动节 05-01/02, 端午 06-09, 中秋 09-15, 国庆 10-01–03; 2028 元旦 01-01, 春节
 * 01-25–01-28, 清明 04-04, 劳动节 05-01/02, 端午 05-28, 中秋 and 国庆 10-03, 国庆 10-01–03. A day
 * within NOTICE_RADIUS_DAYS (14) of one of them, not one itself, is the notice's to settle.
 */
describe('golden vectors for years without a notice (2027, 2028), policy withhold', () => {
  const policy: DeadlinePolicy = { ...DEFAULT_POLICY, onUncoveredYear: 'withhold' };
  type Expect = { lastDay: string; dueAt: string; rolledOver?: true } | { withheld: string; year: number };
  const vectors: Array<[string, CaseFact[], DeadlineKind, Expect]> = [
    // 2026-12-03 + 30 = Sat 2027-01-02, the day after 元旦 (Fri): joined to the break (→ Mon 01-04 or later) or an ordinary Saturday (stays): the notice decides.
    ['review-request closed 2026-12-03, ends Sat 2027-01-02 beside 元旦: withheld', [fact('closed', '2026-12-03T10:00:00')], 'review-request', { withheld: '2027-01-02 至 2027-01-15', year: 2027 }],
    ['evaluation of the same closure: no roll-over, no calendar: 2027-01-02', [fact('closed', '2026-12-03T10:00:00')], 'evaluation', { lastDay: '2027-01-02', dueAt: '2027-01-03T00:00:00+08:00' }],
    [
      'review-request closed 2027-02-08, ends Wed 2027-03-10, 30 days from 春节 and 26 from 清明: computed',
      [fact('closed', '2027-02-08T10:00:00')],
      'review-request',
      { lastDay: '2027-03-10', dueAt: '2027-03-11T00:00:00+08:00' },
    ],
    [
      'review-request closed 2027-01-29, ends Sun 2027-02-28, an ordinary Sunday by law: no roll-over',
      [fact('closed', '2027-01-29T10:00:00')],
      'review-request',
      { lastDay: '2027-02-28', dueAt: '2027-03-01T00:00:00+08:00' },
    ],
    [
      'review-request closed 2027-01-06, ends on 除夕 2027-02-05: rolls through 春节 into days the notice settles: withheld',
      [fact('closed', '2027-01-06T10:00:00')],
      'review-request',
      { withheld: '2027-02-09 至 2027-02-22', year: 2027 },
    ],
    ['objection routed Wed 2027-03-10: 03-11, 03-12, 03-15, 03-16, 03-17: computed', [routed('2027-03-10T10:00:00')], 'objection', { lastDay: '2027-03-17', dueAt: '2027-03-18T00:00:00+08:00' }],
    ['objection routed Mon 2027-02-01, across 春节: withheld', [routed('2027-02-01T10:00:00')], 'objection', { withheld: '2027-02-02 至 2027-02-04、2027-02-09 至 2027-02-22', year: 2027 }],
    [
      'handling accepted 2026-12-10: 60 days end on 正月初三 2027-02-08, no roll-over for the unit: computed',
      [fact('accepted', '2026-12-10T10:00:00')],
      'handling',
      { lastDay: '2027-02-08', dueAt: '2027-02-09T00:00:00+08:00' },
    ],
    ['handling accepted 2027-03-01: 2027-04-30', [fact('accepted', '2027-03-01T10:00:00')], 'handling', { lastDay: '2027-04-30', dueAt: '2027-05-01T00:00:00+08:00' }],
    [
      're-review-request from an opinion of 2027-11-15: Wed 2027-12-15, 17 days before 元旦 2028: computed',
      [fact('review-opinion-issued', '2027-11-15T10:00:00')],
      're-review-request',
      { lastDay: '2027-12-15', dueAt: '2027-12-16T00:00:00+08:00' },
    ],
    [
      're-review-request from an opinion of 2027-11-20: Mon 2027-12-20, near 元旦 2028 whose days run into 春节 2028: withheld across the year',
      [fact('review-opinion-issued', '2027-11-20T10:00:00')],
      're-review-request',
      { withheld: '2027-12-20 至 2027-12-31、2028-01-02 至 2028-01-24、2028-01-29 至 2028-02-11', year: 2027 },
    ],
    ['review-request closed 2028-06-20: Thu 2028-07-20: computed', [fact('closed', '2028-06-20T10:00:00')], 'review-request', { lastDay: '2028-07-20', dueAt: '2028-07-21T00:00:00+08:00' }],
    ['review-request closed 2028-09-03: ends on 国庆 and 中秋 2028-10-03: withheld', [fact('closed', '2028-09-03T10:00:00')], 'review-request', { withheld: '2028-10-04 至 2028-10-17', year: 2028 }],
    ['objection routed Wed 2028-03-01: 03-02, 03-03, 03-06, 03-07, 03-08: computed', [routed('2028-03-01T10:00:00')], 'objection', { lastDay: '2028-03-08', dueAt: '2028-03-09T00:00:00+08:00' }],
    [
      'review-opinion requested 2028-09-05: 2028-10-05, no roll-over for the office: computed',
      [fact('review-requested', '2028-09-05T10:00:00')],
      'review-opinion',
      { lastDay: '2028-10-05', dueAt: '2028-10-06T00:00:00+08:00' },
    ],
  ];

  it.each(vectors)('%s', (_name, facts, kind, expected) => {
    const { deadlines: ds, withheld } = assessDeadlines(facts, facts[0].at, policy, calendar);
    const d = ds.find((x) => x.kind === kind);
    const w = withheld.find((x) => x.kind === kind);
    if ('withheld' in expected) {
      expect(d).toBeUndefined();
      expect({ year: w?.year, unknown: describeDates(w?.unknownDates ?? []) }).toEqual({ year: expected.year, unknown: expected.withheld });
      expect(w!.basis).toContain(`无法计算：${expected.year} 年节假日安排尚未收录，${expected.withheld} 的放假调休安排未定`);
      // The default policy refuses the whole computation instead.
      expect(() => assessDeadlines(facts, facts[0].at, DEFAULT_POLICY, calendar)).toThrow(CalendarNotCoveredError);
    } else {
      expect(w).toBeUndefined();
      expect({ lastDay: d?.lastDay, dueAt: show(d?.dueAt), rolledOver: d?.rolledOver, provisional: d?.provisional }).toEqual({ ...expected, provisional: undefined });
      expect(d!.basis).toMatch(new RegExp(`至 ${expected.lastDay} 24 时止$`));
    }
  });

  it('a window withheld across the turn of the year asks for both notices, in Chinese', () => {
    const { withheld } = assessDeadlines([fact('review-opinion-issued', '2027-11-20T10:00:00')], at('2027-11-20T10:00:00'), policy, calendar);
    expect(withheld[0].basis).toBe(
      '收到复查意见 2027-11-20，自次日起 30 日内可请求复核（《信访工作条例》第三十六条），暂无法计算：2027 年节假日安排尚未收录，2027-12-20 至 2027-12-31、2028-01-02 至 2028-01-24、2028-01-29 至 2028-02-11 的放假调休安排未定，不作推算，载入国务院办公厅 2027、2028 年节假日安排后计算',
    );
  });

  it('every vector is in a year the calendar lacks', () => {
    expect([calendar.covers(2027), calendar.covers(2028)]).toEqual([false, false]);
    expect(statutoryHolidays(2028)!.holidays.map((h) => h.date)).toEqual([
      '2028-01-01',
      '2028-01-25',
      '2028-01-26',
      '2028-01-27',
      '2028-01-28',
      '2028-04-04',
      '2028-05-01',
      '2028-05-02',
      '2028-05-28',
      '2028-10-01',
      '2028-10-02',
      '2028-10-03',
      '2028-10-03',
    ]);
  });

  it('with weekends rolled over, the ordinary Sunday 2027-02-28 moves to Mon 03-01, also settled by law', () => {
    const { deadlines: ds } = assessDeadlines([fact('closed', '2027-01-29T10:00:00')], at('2027-01-29T10:00:00'), { ...policy, rollOverWeekends: true }, calendar);
    expect(ds.find((d) => d.kind === 'review-request')).toMatchObject({ lastDay: '2027-03-01', rolledOver: true, originalLastDay: '2027-02-28' });
    expect(ds.find((d) => d.kind === 'review-request')!.basis).toContain('末日 2027-02-28 为休息日，顺延至 2027-03-01');
  });

  it('a statutory holiday of an uncovered year is named as such when a provisional roll-over leaves it', () => {
    const { deadlines: ds } = assessDeadlines([fact('closed', '2027-09-01T10:00:00')], at('2027-09-01T10:00:00'), { ...policy, onUncoveredYear: 'provisional' }, calendar);
    // 10-01..03 off by law; 10-04 (Mon) assumed an ordinary working day.
    expect(ds.find((d) => d.kind === 'review-request')).toMatchObject({ lastDay: '2027-10-04', rolledOver: true, provisional: true, assumedYears: [2027] });
    expect(ds.find((d) => d.kind === 'review-request')!.basis).toContain('末日 2027-10-01 为法定节假日，顺延至 2027-10-04');
  });
});
