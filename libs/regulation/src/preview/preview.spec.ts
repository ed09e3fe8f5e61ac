import { PrcCalendar } from '../calendar/calendar.js';
import { DEFAULT_POLICY, type CaseFact, type DeadlinePolicy } from '../deadlines/deadlines.js';
import type { CaseSnapshot } from '../workflow/state-machine.js';
import { previewAction } from './preview.js';

const policy: DeadlinePolicy = { ...DEFAULT_POLICY, onUncoveredYear: 'withhold' };
const calendar = PrcCalendar.default();
const at = (s: string) => new Date(s);
const now = at('2026-12-01T10:00:00+08:00');
const registered: CaseFact[] = [{ type: 'registered', at: at('2026-11-30T09:00:00+08:00') }];
const routed: CaseFact[] = [...registered, { type: 'routed', at: at('2026-11-30T15:00:00+08:00'), mode: 'transfer', unitCode: 'housing' }];
const accepted: CaseFact[] = [...routed, { type: 'accepted', at: now, noticeToServe: true }];
const snap = (status: CaseSnapshot['status'], extensionDaysUsed = 0): CaseSnapshot => ({ status, reviewed: false, extensionDaysUsed });
const preview = (facts: CaseFact[], snapshot: CaseSnapshot, action: Parameters<typeof previewAction>[0]['action'], days?: number) =>
  previewAction({ facts, snapshot, action, days, now, policy, calendar });
const effect = (r: ReturnType<typeof previewAction>) => (r.ok ? r.preview.effect : r.message);

describe('the preview of an action’s effect on the deadlines', () => {
  it('says that acceptance starts the 60-day handling period, and to which day (Art. 34)', () => {
    const r = preview(routed, snap('routed'), 'accept');
    expect(effect(r)).toBe('受理后办理期限 60 日，至 2027-01-30（《信访工作条例》第三十四条）');
    if (!r.ok) return;
    expect(r.preview.before.deadlines.find((d) => d.kind === 'handling')).toBeUndefined();
    expect(r.preview.after.deadlines.find((d) => d.kind === 'handling')).toMatchObject({ lastDay: '2027-01-30', state: 'pending' });
    // Accepting decides; the petitioner is told when the acceptance notice is served (Art. 23): still owed.
    expect(r.preview.after.deadlines.find((d) => d.kind === 'acceptance-notice')).toMatchObject({ state: 'pending' });
    expect(r.preview.after.deadlines.find((d) => d.kind === 'acceptance-notice')?.metAt).toBeUndefined();
  });

  it('says where an extension moves the handling period and how much of the 30 days it uses', () => {
    expect(effect(preview(accepted, snap('accepted'), 'extend', 10))).toBe('延期 10 日后办理期限至 2027-02-09（延期合计 10 日，最多 30 日，第三十四条）');
    const second = [...accepted, { type: 'extended' as const, at: now, days: 10 }];
    expect(effect(preview(second, snap('accepted', 10), 'extend', 5))).toBe('延期 5 日后办理期限至 2027-02-14（延期合计 15 日，最多 30 日，第三十四条）');
  });

  it('says the unit must answer within 15 days of a transfer (Art. 23)', () => {
    expect(effect(preview(registered, snap('registered'), 'route'))).toBe('转送后责任单位应在 15 日内告知受理（至 2026-12-16，第二十三条）');
  });

  it('says the same of an assignment (交办), naming it', () => {
    const r = previewAction({ facts: registered, snapshot: snap('registered'), action: 'route', mode: 'assign', now, policy, calendar });
    expect(effect(r)).toBe('交办后责任单位应在 15 日内告知受理（至 2026-12-16，第二十三条）');
  });

  it('says closure fulfils the handling period and opens the petitioner’s 30 days to ask for review (Art. 35)', () => {
    const r = preview(accepted, snap('accepted'), 'close');
    expect(effect(r)).toBe('办结后办理期限即告履行；信访人可在 30 日内申请复查（至 2026-12-31，第三十五条）');
  });

  it('says so when the holiday calendar lacks the year a deadline needs (the window would end on 2027-01-01, a holiday)', () => {
    const later = at('2026-12-02T10:00:00+08:00');
    const r = previewAction({ facts: accepted, snapshot: snap('accepted'), action: 'close', now: later, policy, calendar });
    expect(effect(r)).toBe('办结后办理期限即告履行；申请复查期限暂无法计算：2027 年节假日安排尚未载入（第三十五条）');
    expect(r.ok && r.preview.after.withheld.map((w) => w.kind)).toEqual(['review-request']);
  });

  it('says what an action that starts no deadline ends, or that it changes none', () => {
    expect(effect(preview(registered, snap('registered'), 'decline'))).toBe('不予受理后转送交办期限即告履行，不产生新的期限');
    expect(effect(preview(accepted, snap('accepted'), 'divert'))).toBe('导入相应程序后告知受理期限、办理期限即告履行，不产生新的期限');
    const told: CaseFact[] = [...accepted, { type: 'acceptance-notified', at: now }];
    expect(effect(preview(told, snap('accepted'), 'divert'))).toBe('导入相应程序后办理期限即告履行，不产生新的期限');
    const r = preview(accepted, snap('accepted'), 'supervise');
    expect(effect(r)).toBe('督办不改变任何期限');
    expect(r.ok && r.preview.after).toBe(r.ok && r.preview.before);
  });

  it('answers the state machine’s refusal instead of a preview when the action does not fit', () => {
    expect(preview(registered, snap('registered'), 'accept')).toMatchObject({ ok: false, status: 409, code: 'CASE_STATE' });
    expect(preview(accepted, snap('accepted', 25), 'extend', 10)).toMatchObject({ ok: false, status: 422, code: 'REGULATION', message: expect.stringContaining('第三十四条') });
    expect(() => preview(accepted, snap('accepted'), 'extend')).toThrow(RangeError);
  });
});
