import { describe, expect, it } from '@jest/globals';
import { toPublicView } from './public-track.js';

/** A staff case view with everything a staff member sees, and more the view may grow later. */
const staffView = {
  id: '0190a3c2-5b1e-7c4d-9e8f-1a2b3c4d5e6f',
  trackingNo: 'XF20240918A1B2C3D4',
  status: 'closed',
  channel: 'visit',
  summary: '小区加装电梯补贴未发放',
  content: '申请人王五反映……电话 13812345678',
  petitioners: [{ name: '王五', idNumber: '450302********122X', phone: '138****5678', address: '阳和街道' }, { name: '赵六' }],
  unitCode: 'housing',
  receivedAt: '2024-09-18T09:30:00+08:00',
  closedAt: '2024-10-20T10:00:00+08:00',
  closure: { kind: 'substantive', outcome: 'support', opinion: '补贴已拨付。', handler: '张建国' },
  extension: { days: 15, reason: '需现场核查', approvedBy: '局长 陈明远', petitionerNotice: '电话告知王五' },
  evaluation: null,
  evaluationState: '待评价',
  supervisions: [{ note: '请加快', by: 'leader1', at: '2024-10-01T10:00:00+08:00' }],
  objections: [{ unitCode: 'labour', reason: '不属本单位' }],
  decline: null,
  diversion: null,
  review: null,
  reReview: null,
  deadlines: [
    {
      kind: 'review-request',
      dueAt: '2024-11-20T00:00:00+08:00',
      lastDay: '2024-11-19',
      state: 'pending',
      metAt: null,
      article: '第三十五条',
      basis: '收到处理意见 2024-10-20……',
      revision: 1,
      approvedBy: 'x',
    },
  ],
  allowedActions: ['evaluate', 'review-request', 'supervise'],
  timeline: [
    { type: 'registered', at: '2024-09-18T09:30:00+08:00', actor: 'reception1', detail: { channel: 'visit' } },
    { type: 'supervised', at: '2024-10-01T10:00:00+08:00', actor: 'leader1', detail: { note: '请加快' } },
    { type: 'routed', at: '2024-09-19T10:00:00+08:00', actor: 'office1', detail: { mode: 'assign', unitCode: 'housing' } },
    { type: 'query-code-reissued', at: '2024-09-20T10:00:00+08:00', actor: 'reception1' },
    { type: 'closed', at: '2024-10-20T10:00:00+08:00', actor: 'zhang.jianguo', correction: true, enteredAt: '2024-10-21T10:00:00+08:00' },
  ],
  futureStaffOnlyField: { who: '某人' },
};

describe('the petitioner’s view of a case (built by naming each field, never by deleting)', () => {
  const v = toPublicView(staffView, (code) => ({ housing: '住房和城乡建设局' })[code] ?? code);

  it('has exactly the documented fields, and none the staff view adds', () => {
    expect(Object.keys(v).sort()).toEqual(
      [
        'trackingNo',
        'status',
        'statusText',
        'summary',
        'channel',
        'receivedAt',
        'unitName',
        'steps',
        'deadlines',
        'opinion',
        'review',
        'reReview',
        'extension',
        'decline',
        'diversion',
        'evaluation',
        'evaluationState',
        'canDo',
      ].sort(),
    );
    const text = JSON.stringify(v);
    for (const s of ['王五', '赵六', '138', '张建国', '陈明远', 'reception1', 'leader1', 'office1', 'zhang.jianguo', '请加快', '电话告知', 'labour', '某人', '*', staffView.id])
      expect({ s, found: text.includes(s) }).toEqual({ s, found: false });
  });

  it('names the unit, lists the petitioner’s steps without who took them (not the office’s own: supervision, a new code), and what they can do until when', () => {
    expect(v).toMatchObject({
      unitName: '住房和城乡建设局',
      statusText: '已办结，已出具处理意见',
      extension: '经批准延长办理期限 15 日：需现场核查',
      opinion: { kind: '实体性办结', outcome: '支持', opinion: '补贴已拨付。' },
    });
    expect(v.steps).toEqual([
      { type: 'registered', title: '信访事项登记', at: '2024-09-18T09:30:00+08:00' },
      { type: 'routed', title: '交办至住房和城乡建设局办理', at: '2024-09-19T10:00:00+08:00' },
      { type: 'closed', title: '办结，出具处理意见', at: '2024-10-20T10:00:00+08:00' },
    ]);
    expect(v.deadlines).toEqual([
      { kind: 'review-request', title: '申请复查期限', lastDay: '2024-11-19', dueAt: '2024-11-20T00:00:00+08:00', state: 'pending', stateText: '进行中', basis: '收到处理意见 2024-10-20……' },
    ]);
    // supervise is not the petitioner's to do, whatever the view lists
    expect(v.canDo.map((a) => [a.action, a.until])).toEqual([
      ['evaluate', null],
      ['review-request', '2024-11-19'],
    ]);
  });
});
