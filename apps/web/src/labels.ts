import { STATUS_NAMES } from '../../../libs/regulation/src/workflow/state-machine';
import { roleName } from '../../../libs/regulation/src/workflow/roles';

/** The Chinese names of the API's codes: what the staff read on every screen. */

export const CHANNELS: Record<string, string> = { visit: '走访', letter: '来信', online: '网上信访', phone: '来电', fax: '传真' };
export const PURPOSES: Record<string, string> = { accusation: '检举控告', suggestion: '意见建议', appeal: '申诉求决' };
export const AUTHORITIES: Record<string, string> = { central: '中央', provincial: '省(自治区)', municipal: '市' };
// One name per state, shared with the API's messages (the state machine is pure: no I/O, no imports).
export const STATUSES: Record<string, string> = { ...STATUS_NAMES };
// The roles as the role table (and the API's 403 messages) name them.
const ROLE_CODES = ['reception', 'office', 'handler', 'leader', 'admin'] as const;
export const ROLES: Record<string, string> = Object.fromEntries(ROLE_CODES.map((r) => [r, roleName(r)]));
export const DEADLINE_KINDS: Record<string, string> = {
  route: '转送交办',
  'acceptance-notice': '受理告知',
  objection: '异议退回',
  feedback: '交办反馈',
  'unit-feedback': '单位反馈',
  handling: '办理',
  evaluation: '满意度评价',
  'review-request': '申请复查',
  'review-opinion': '复查意见',
  're-review-request': '申请复核',
  're-review-opinion': '复核意见',
};
export const CLOSURE_KINDS: Record<string, string> = { substantive: '实体性办结', procedural: '程序性办结' };
export const OUTCOMES: Record<string, string> = { support: '支持', explain: '解释说明', 'not-support': '不予支持', mediated: '调解' };
export const RATINGS: Record<string, string> = { satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意' };
export const DECLINE_REASONS: Record<string, string> = {
  'out-of-scope': '不属于信访受理范围',
  'pending-elsewhere': '已在办理中（第十九条第三款）',
  exhausted: '已复核终结，不再受理（第三十六条第三款）',
};
export const PROCEDURES: Record<string, string> = {
  litigation: '诉讼',
  arbitration: '仲裁',
  reconsideration: '行政复议',
  'party-discipline': '党纪政务处分',
  other: '其他法定程序',
};
export const SESSION_KINDS: Record<string, string> = { 'leader-day': '领导接访日', appointment: '领导约访', special: '专项接访' };
export const TIMELINE: Record<string, string> = {
  registered: '登记',
  'repeat-contact': '重复信访',
  routed: '转送/交办',
  objected: '退回（异议）',
  accepted: '受理',
  declined: '不予受理',
  diverted: '导入相应程序',
  extended: '延期',
  closed: '办结',
  evaluated: '满意度评价',
  'review-requested': '申请复查',
  'review-opinion': '复查意见',
  're-review-requested': '申请复核',
  're-review-opinion': '复核意见',
  supervised: '督办',
  'deadline-warned': '期限预警',
  'deadline-breached': '期限超期',
  'deadline-recomputed': '期限重新计算（节假日安排）',
  'document-rendered': '出具文书',
  'document-served': '文书送达',
  'query-code-reissued': '重新生成查询码',
};
export const RATE_FIGURES: { key: string; title: string }[] = [
  { key: 'timelyAcceptance', title: '及时受理率' },
  { key: 'onTimeClosure', title: '按期办结率' },
  { key: 'closure', title: '办结率' },
  { key: 'resolution', title: '化解率' },
  { key: 'substantiveResolution', title: '实体化解率' },
  { key: 'satisfaction', title: '满意率' },
  { key: 'participation', title: '参评率' },
  { key: 'repeat', title: '重复信访率' },
  { key: 'firstTimeResolution', title: '一次性化解率' },
];

export const options = (m: Record<string, string>) => Object.entries(m).map(([value, label]) => ({ value, label }));
export const label = (m: Record<string, string>, code: string | null | undefined) => (code ? (m[code] ?? code) : '—');

/** "2024-11-20T00:00:00+08:00" → "2024-11-20 00:00" (the office's own offset is in the string). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 16).replace('T', ' ');
}
export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}
