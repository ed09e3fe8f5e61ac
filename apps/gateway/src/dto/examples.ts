/**
 * Request-body examples of the OpenAPI document. They form one walk-through that works, sent as
 * they are, on a freshly started platform: the admin creates the unit `housing-bureau` and its
 * handler `liu.fang`, who logs in; reception registers the walk-in, the office routes it to the
 * bureau, liu.fang accepts, extends and closes it, and so on through review and re-review.
 * Path parameters ({id}, {username}) are placeholders: put the id of a case in the state the
 * action needs (the one the example before it leaves), or the username of the example user.
 * A refresh token cannot be an example: put the one login answered.
 * test/e2e/openapi.e2e-spec.ts sends every one of them.
 */
import { ApiBody } from '@nestjs/swagger';
import type { Type } from '@nestjs/common';

export const EXAMPLE_UNIT = { code: 'housing-bureau', name: '住房和城乡建设局' };
export const EXAMPLE_USER = { username: 'liu.fang', password: 'Zhufang#2024', displayName: '刘芳', roles: ['handler'], unitCode: 'housing-bureau' };

/** What the document says of the examples (on the first step of the walk-through). */
export const WALKTHROUGH =
  'The request examples of this document form one walk-through that works, sent as they are, on a freshly started platform: create this unit, then the user of POST /api/v1/users ' +
  '(its handler liu.fang), who logs in with the POST /api/v1/auth/login example; register the walk-in, then supervise, route, accept, extend, close, evaluate, review-request, ' +
  'review-opinion, re-review-request, re-review-opinion it; route, object and decline the second registration example. Path parameters are placeholders: {id} is a case in ' +
  'the state the action needs, {username} the example user; refreshToken is the one login answered.';

export const BODY_EXAMPLES = {
  login: { 'example handler': { username: EXAMPLE_USER.username, password: EXAMPLE_USER.password } },
  refresh: { 'the refresh token login answered': { refreshToken: 'Y9iv03uqs6mPJU5UxM9LimIk3wPkAqC95J7O7ZOk93w' } },
  logout: { 'the refresh token login answered': { refreshToken: 'Y9iv03uqs6mPJU5UxM9LimIk3wPkAqC95J7O7ZOk93w' } },
  changePassword: { 'the example user changes the password given': { currentPassword: EXAMPLE_USER.password, newPassword: 'Anju#Leju2025' } },
  createUnit: { 'a responsible unit': EXAMPLE_UNIT },
  createUser: { 'a handler of housing-bureau': EXAMPLE_USER },
  resetPassword: { 'a new password for liu.fang': { password: 'Chongzhi#2025x' } },
  register: {
    'walk-in': {
      channel: 'visit',
      petitioners: [{ name: '王五', idNumber: '45030219800101122X', phone: '13812345678', address: '阳和街道幸福小区 3 栋' }],
      purpose: 'appeal',
      category: 'urban-rural-construction.property-management',
      summary: '小区加装电梯补贴未发放',
      content: '申请人反映其所在小区加装电梯已于去年完工验收，政府补贴至今未发放，请求尽快落实。',
    },
    'assigned from above (交办)': {
      channel: 'letter',
      petitioners: [{ name: '李四', phone: '13907712345' }],
      headcount: 1,
      purpose: 'appeal',
      category: 'labour-social-security.wage-arrears',
      summary: '某建筑公司拖欠农民工工资',
      content: '来信反映某建筑公司拖欠其工资三个月共计 2.4 万元，请求协调解决。',
      assignedBy: { authority: 'provincial', reference: '省信访局交办〔2024〕15号' },
      backlog: false,
    },
  },
  route: { 'transfer to housing-bureau': { mode: 'transfer', unitCode: EXAMPLE_UNIT.code } },
  accept: { 'no body needed': {} },
  close: { substantive: { kind: 'substantive', outcome: 'support', opinion: '经核实，该小区加装电梯补贴符合条件，已于本月拨付到位，并书面告知信访人。' } },
  decline: { 'out of scope': { reason: 'out-of-scope', note: '该事项不属于本机关职责范围，已告知信访人向有权机关提出。' } },
  divert: { litigation: { procedure: 'litigation', note: '已告知信访人依法向人民法院提起诉讼。' } },
  object: { 'wrong transfer': { reason: '该事项属于人力资源和社会保障部门职责，转送有误，请重新转送。' } },
  extend: { '15 days': { days: 15, reason: '需现场核查并协调多个部门，无法在期限内办结。', approvedBy: '住建局局长 陈明', petitionerNotice: '已电话告知信访人延期理由。' } },
  evaluate: { satisfied: { rating: 'satisfied' } },
  reviewRequest: { 'no body needed': {} },
  reviewOpinion: { 'review opinion': { kind: 'substantive', outcome: 'explain', opinion: '经复查，原处理意见认定事实清楚，予以维持，并向信访人作出解释。' } },
  reReviewRequest: { 'no body needed': {} },
  reReviewOpinion: { 're-review opinion': { kind: 'substantive', outcome: 'explain', opinion: '经复核，复查意见正确，予以维持。信访人以同一事实和理由再次提出的，不再受理。' } },
  supervise: { 'supervision note': { note: '请责任单位于本周内反馈办理进展。' } },
  serveDocument: { 'served in person': { servedOn: '2024-11-05', method: 'in-person' } },
  receptionSession: { 'leader day': { kind: 'leader-day', leader: '张副县长', date: '2024-09-18' } },
} as const;

const CASE_PATH =
  'path {id}: a case in the state this action needs (the examples walk one case through: register, supervise, route, accept, extend, close, evaluate, ' +
  'review-request, review-opinion, re-review-request, re-review-opinion; route, object and decline on the second registration example; divert on another routed case)';

/** The body of an action on a case: its DTO and examples, and what {id} must be. */
export const ApiActionBody = (type: Type<unknown>, examples: Record<string, object>): MethodDecorator => ApiBodyExamples(type, examples, CASE_PATH);

/** The request body of a route: its DTO and the named examples above. */
export function ApiBodyExamples(type: Type<unknown>, examples: Record<string, object>, description?: string): MethodDecorator {
  return ApiBody({
    type,
    ...(description ? { description } : {}),
    examples: Object.fromEntries(Object.entries(examples).map(([summary, value]) => [summary.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, ''), { summary, value }])),
  });
}
