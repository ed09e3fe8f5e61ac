import { Body, Controller, HttpCode, Inject, Injectable, Logger, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiAcceptedResponse } from '@nestjs/swagger';
import { Public, SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { NotFoundError, TooManyRequestsError, UnavailableError } from '#libs/common';
import { formatInstant, PETITIONER_ACTIONS, PETITIONER_ROLE } from '#libs/regulation';
import { SERVICE_CLIENT, type Caller, type ServiceClient } from '#libs/runtime';
import { AccountsService } from './accounts.service.js';
import { ApiBodyExamples } from './dto/examples.js';
import { PublicCaseViewDto, PublicEvaluateDto, PublicPendingDto, TrackDto } from './dto/public.dto.js';
import { ApiErrors } from './dto/responses.js';
import { GATEWAY_SETTINGS, officeTimeZone, type GatewaySettings } from './gateway.settings.js';
import { PendingView, PendingViewInterceptor, PetitionsFacade } from './petitions.facade.js';
import { PublicThrottleGuard } from './public-throttle.js';

/**
 * The petitioner themself on the public door, once the query code is verified: no account, and
 * never a user (usernames are ASCII; this name is not). The events of their acts carry it, so the
 * staff's timeline shows the rating or the request as the petitioner's own.
 */
export const PETITIONER_CALLER: Caller = { username: '信访人本人', roles: [PETITIONER_ROLE], unitCode: null };

/** One answer for an unknown tracking number and for a wrong code: nothing can be probed. */
export const NOT_FOUND_MESSAGE = '信访编号或查询码不正确，请核对登记回执后重新输入';
export const PUBLIC_PENDING_MESSAGE = '已提交，办理情况稍后更新，请稍后重新查询';
export const PUBLIC_LAGGING_MESSAGE = '办理情况正在更新，请稍后再查询';

// ---------------------------------------------------------------- the view

/** The staff view as the reporting service answers it (read by naming fields, so nothing else goes out). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the case view's JSON, read field by field below
type Json = Record<string, any>;

const STATUS_TEXT: Record<string, string> = {
  registered: '已登记，等待信访部门转送或交办责任单位',
  routed: '已转送责任单位，等待受理',
  accepted: '已受理，正在办理',
  closed: '已办结，已出具处理意见',
  declined: '不予受理',
  diverted: '已告知通过相应法定程序解决',
  'under-review': '已申请复查，正在复查',
  'under-re-review': '已申请复核，正在复核',
  final: '复核已办结，该事项办理终结',
};
const CHANNELS: Record<string, string> = { visit: '走访', letter: '来信', online: '网上信访', phone: '来电', fax: '传真' };
const DEADLINES: Record<string, string> = {
  route: '转送交办期限',
  'acceptance-notice': '受理告知期限',
  objection: '转送异议期限',
  feedback: '上级交办反馈期限',
  'unit-feedback': '责任单位反馈期限',
  handling: '办理期限',
  evaluation: '满意度评价期限',
  'review-request': '申请复查期限',
  'review-opinion': '复查意见期限',
  're-review-request': '申请复核期限',
  're-review-opinion': '复核意见期限',
};
const KINDS: Record<string, string> = { substantive: '实体性办结', procedural: '程序性办结' };
const OUTCOMES: Record<string, string> = { support: '支持', explain: '解释说明', 'not-support': '不予支持', mediated: '调解' };
const RATINGS: Record<string, string> = { satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意' };
const DECLINES: Record<string, string> = { 'out-of-scope': '不属于信访受理范围', 'pending-elsewhere': '该事项已在办理中，不重复受理', exhausted: '该事项已复核终结，不再受理' };
const PROCEDURES: Record<string, string> = { litigation: '诉讼', arbitration: '仲裁', reconsideration: '行政复议', 'party-discipline': '党纪政务处分', other: '其他法定程序' };
const ACTIONS: Record<string, { title: string; doing: string; path: string; window: string }> = {
  evaluate: { title: '满意度评价', doing: '进行满意度评价', path: '/api/v1/public/evaluate', window: 'evaluation' },
  'review-request': { title: '申请复查', doing: '申请复查', path: '/api/v1/public/review-request', window: 'review-request' },
  're-review-request': { title: '申请复核', doing: '申请复核', path: '/api/v1/public/re-review-request', window: 're-review-request' },
};

/** The steps the petitioner sees, each with its title; the office's own (supervision, objections, warnings, codes) are not theirs. */
const STEPS: Record<string, (t: Json, unitName: (code: string) => string) => string> = {
  registered: () => '信访事项登记',
  'repeat-contact': () => '再次反映同一事项（计入本案）',
  routed: (t, unit) => `${t.detail?.mode === 'assign' ? '交办' : '转送'}至${unit(String(t.detail?.unitCode ?? ''))}办理`,
  accepted: () => '责任单位受理',
  declined: () => '不予受理',
  diverted: () => '告知通过相应法定程序解决',
  extended: (t) => `经批准延长办理期限${t.detail?.days ? ` ${Number(t.detail.days)} 日` : ''}`,
  closed: () => '办结，出具处理意见',
  evaluated: () => '满意度评价',
  'review-requested': () => '申请复查',
  'review-opinion': () => '出具复查意见',
  're-review-requested': () => '申请复核',
  're-review-opinion': () => '出具复核意见',
};

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const orNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const opinionOf = (o: Json | null | undefined, at: unknown): Json | null =>
  o && typeof o.opinion === 'string' ? { kind: KINDS[o.kind] ?? '', outcome: OUTCOMES[o.outcome] ?? '', opinion: o.opinion, at: text(at) } : null;
const requestOf = (r: Json | null | undefined): Json | null => (r ? { requestedAt: text(r.requestedAt), opinion: r.opinion ? opinionOf(r.opinion, r.opinion.at) : null } : null);

/** "可于 2024-11-19 前（含当日）申请复查"; a window whose last day waits for the year's holiday notice says so. */
export const canDoText = (doing: string, until: string | null): string => (until ? `可于 ${until} 前（含当日）${doing}` : `现在可以${doing}（截止日期待国务院节假日安排公布后确定，见办理期限说明）`);

function deadlineState(d: Json): string {
  if (d.withheld) return d.state === 'met' ? '已完成' : '待国务院节假日安排公布后计算';
  if (d.lapsed) return '期限已过（未使用）';
  if (d.state === 'met') return '已按期完成';
  if (d.state === 'breached') return '已超过期限';
  return '进行中';
}

/**
 * The case as the petitioner may see it, built by naming each field it takes from the staff's
 * view (never by deleting from it): the state in plain Chinese, the unit by its name, the steps
 * with their dates and no one who took them, every deadline with its basis, the opinions, and
 * what the petitioner can still do until when. No petitioner (a group visit names others), no
 * staff, no personal data, nothing masked.
 */
export function toPublicView(view: Json, unitName: (code: string) => string): PublicCaseViewDto {
  const deadlines: Json[] = Array.isArray(view.deadlines) ? view.deadlines : [];
  const allowed: string[] = Array.isArray(view.allowedActions) ? view.allowedActions : [];
  const closure = view.closure as Json | null;
  return {
    trackingNo: text(view.trackingNo),
    status: text(view.status),
    statusText: STATUS_TEXT[view.status] ?? '办理中',
    summary: text(view.summary),
    channel: CHANNELS[view.channel] ?? '',
    receivedAt: text(view.receivedAt),
    unitName: typeof view.unitCode === 'string' ? unitName(view.unitCode) : null,
    steps: (Array.isArray(view.timeline) ? (view.timeline as Json[]) : [])
      .filter((t) => Object.hasOwn(STEPS, t.type))
      .map((t) => ({ type: String(t.type), title: STEPS[t.type](t, unitName), at: text(t.at) })),
    deadlines: deadlines.map((d) => ({
      kind: text(d.kind),
      title: DEADLINES[d.kind] ?? '期限',
      lastDay: orNull(d.lastDay),
      dueAt: orNull(d.dueAt),
      state: text(d.state),
      stateText: deadlineState(d),
      basis: text(d.basis),
    })),
    opinion: closure && view.status !== 'diverted' ? opinionOf(closure, view.closedAt) : null,
    review: requestOf(view.review),
    reReview: requestOf(view.reReview),
    extension: view.extension ? `经批准延长办理期限 ${Number(view.extension.days)} 日${view.extension.reason ? `：${text(view.extension.reason)}` : ''}` : null,
    decline: view.decline ? (DECLINES[view.decline.reason] ?? '不予受理') : null,
    diversion: view.diversion ? (PROCEDURES[view.diversion.procedure] ?? '其他法定程序') : null,
    evaluation: view.evaluation
      ? {
          rating: text(view.evaluation.rating),
          ratingText: RATINGS[view.evaluation.rating] ?? '',
          ...(typeof view.evaluation.comment === 'string' ? { comment: view.evaluation.comment } : {}),
          at: text(view.evaluation.at),
        }
      : null,
    evaluationState: orNull(view.evaluationState),
    // What the state machine and the windows allow the petitioner now (the view's allowedActions, computed for them).
    canDo: PETITIONER_ACTIONS.filter((a) => allowed.includes(a)).map((action) => {
      const a = ACTIONS[action];
      const w = deadlines.find((d) => d.kind === a.window);
      const until = orNull(w?.lastDay);
      return { action, title: a.title, path: a.path, until, dueAt: orNull(w?.dueAt), text: canDoText(a.doing, until) };
    }),
  } as PublicCaseViewDto;
}

// ---------------------------------------------------------------- the service

/**
 * Every public call checks the tracking number and the query code with intake first (which counts
 * the attempt and answers a lock), then reads the case as reporting shows it for the petitioner,
 * or runs the same closure command the staff's action does, with the petitioner as the actor (so
 * the same 409 / 422 apply).
 */
@Injectable()
export class PublicTrackService {
  private readonly logger = new Logger('PublicTrack');
  constructor(
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly petitions: PetitionsFacade,
    private readonly accounts: AccountsService,
  ) {}

  /** The case id behind a tracking number and its code; 404 (the same for both wrongs) or 429 when the number is locked. */
  async verify(dto: TrackDto, ip: string | null): Promise<string> {
    const r = await this.services.command('intake', 'verify-query-code', { actor: PETITIONER_CALLER, body: { trackingNo: dto.trackingNo, queryCode: dto.queryCode } });
    const v = r.data as { outcome: 'ok'; caseId: string } | { outcome: 'wrong'; lockedNow: boolean; lockedUntil: string | null } | { outcome: 'locked'; lockedUntil: string };
    if (v.outcome === 'ok') return v.caseId;
    if (v.outcome === 'wrong') {
      // The number's lock is worth an operator's look (someone guessing); the number is not personal data.
      if (v.lockedNow) await this.security.record({ event: 'track-locked', actor: null, target: `track/${dto.trackingNo}`, ip, detail: { until: v.lockedUntil } });
      throw new NotFoundError(NOT_FOUND_MESSAGE);
    }
    const until = new Date(v.lockedUntil);
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    const tz = officeTimeZone(this.settings);
    const at = formatInstant(until, tz).slice(11, 16);
    throw new TooManyRequestsError(
      `该信访编号查询码输入错误次数过多，已暂停查询，请于 ${at}（${tz === 'Asia/Shanghai' ? '北京时间' : tz}，约 ${Math.ceil(seconds / 60)} 分钟后）再试；如遗失查询码，请持身份证件到信访部门重新获取`,
      seconds,
    );
  }

  async track(dto: TrackDto, ip: string | null): Promise<PublicCaseViewDto> {
    const caseId = await this.verify(dto, ip);
    const view = await this.services.query<Json>('reporting', 'case', { id: caseId }, PETITIONER_CALLER).catch((e: unknown) => {
      // Registered a moment ago and not in the read model yet (only a right code gets here): no case id in the answer.
      if (e instanceof NotFoundError) throw new UnavailableError(PUBLIC_LAGGING_MESSAGE);
      throw e;
    });
    return this.publicView(view);
  }

  /** The petitioner's own act (evaluate, review-request, re-review-request) through the staff's command. */
  async act(dto: TrackDto, command: 'evaluate' | 'review-request' | 're-review-request', body: Record<string, unknown>, ip: string | null): Promise<PublicCaseViewDto | PendingView> {
    const caseId = await this.verify(dto, ip);
    const after = await this.petitions.act(caseId, 'closure', command, body, PETITIONER_CALLER);
    if (after instanceof PendingView) {
      this.logger.warn(`public ${command} on case ${caseId} saved; the read model did not show it in time: 202`);
      return new PendingView({ trackingNo: dto.trackingNo, status: 'accepted-pending-view', message: PUBLIC_PENDING_MESSAGE });
    }
    return this.publicView(after);
  }

  private async publicView(view: Json): Promise<PublicCaseViewDto> {
    const units = new Map((await this.accounts.listUnits()).map((u) => [u.code, u.name]));
    // A unit removed since keeps its code rather than showing nothing.
    return toPublicView(view, (code) => units.get(code) ?? code);
  }
}

// ---------------------------------------------------------------- the routes

const EXAMPLE_BODY = { trackingNo: 'XF20240918A1B2C3D4', queryCode: 'K7M2QX' };
const REPLACE = 'put the trackingNo and queryCode the registration answered (POST /api/v1/petitions: trackingNo, queryCode)';
const WRONG = { status: 404, message: NOT_FOUND_MESSAGE, description: 'unknown tracking number or wrong query code — one and the same answer (NOT_FOUND); each counts towards the lock of the number' };
const LOCKED = {
  status: 429,
  message: '该信访编号查询码输入错误次数过多，已暂停查询，请于 10:45（北京时间，约 15 分钟后）再试；如遗失查询码，请持身份证件到信访部门重新获取',
  description:
    'RATE_LIMITED: TRACK_MAX_FAILURES (5) wrong codes for the number within TRACK_FAILURE_WINDOW_MINUTES lock it for TRACK_LOCKOUT_MINUTES (15), whether it exists or not; or past PUBLIC_RATE_PER_ADDRESS requests per PUBLIC_RATE_WINDOW_SECONDS from the address. Retry-After gives the seconds',
};
const BAD = { status: 400, message: '查询码应为 6 位数字或字母（见登记回执）', details: [{ field: 'queryCode', messages: ['查询码应为 6 位数字或字母（见登记回执）'] }] };

/**
 * 信访查询: the petitioner follows their case and rates it or asks for review without an account,
 * with the tracking number and the query code of the receipt. No token; no Idempotency-Key
 * either (keys are a user's): a repeated rating or request is refused 409 by the case's state.
 */
@ApiTags('public (信访查询, no account)')
@Public()
@UseGuards(PublicThrottleGuard)
@UseInterceptors(PendingViewInterceptor)
@Controller('api/v1/public')
export class PublicTrackController {
  constructor(private readonly track: PublicTrackService) {}

  @Post('track')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The case as the petitioner may see it: its state in plain Chinese, the unit by name, the dates of each step, every deadline with its basis, the handling opinion once issued, and what they can still do until when (canDo). No staff, no petitioners, no personal data',
  })
  @ApiBodyExamples(TrackDto, { 'the receipt’s two values': EXAMPLE_BODY }, REPLACE)
  @ApiOkResponse({ type: PublicCaseViewDto })
  @ApiErrors(BAD, WRONG, LOCKED, { status: 503, message: PUBLIC_LAGGING_MESSAGE, description: 'a case registered a moment ago that the read model does not show yet (UNAVAILABLE)' })
  follow(@Body() dto: TrackDto, @Req() req: { ip?: string }) {
    return this.track.track(dto, req.ip ?? null);
  }

  @Post('evaluate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The petitioner rates the handling (满意 / 基本满意 / 不满意, with a comment) within the evaluation window, once: the same rules as the staff’s /evaluate, recorded as the petitioner’s own',
  })
  @ApiBodyExamples(PublicEvaluateDto, { satisfied: { ...EXAMPLE_BODY, rating: 'satisfied', comment: '办理及时，答复清楚。' } }, `${REPLACE}; the case is closed`)
  @ApiOkResponse({ type: PublicCaseViewDto, description: 'the case after the rating' })
  @ApiAcceptedResponse({ type: PublicPendingDto, description: 'saved; the case view does not show it yet' })
  @ApiErrors(
    BAD,
    WRONG,
    { status: 409, message: '该案件已评价（满意），不能重复评价' },
    { status: 422, message: '满意度评价应在办结后的评价期限内作出，该期限已于 2024-11-20T00:00:00+08:00 届满（《信访工作条例》第二十一条）。计算依据：…' },
    LOCKED,
  )
  evaluate(@Body() dto: PublicEvaluateDto, @Req() req: { ip?: string }) {
    return this.track.act(dto, 'evaluate', { rating: dto.rating, ...(dto.comment ? { comment: dto.comment } : {}) }, req.ip ?? null);
  }

  @Post('review-request')
  @HttpCode(200)
  @ApiOperation({ summary: 'The petitioner asks for review (复查) within 30 days of the written opinion (Art. 35): the same rules as the staff’s /review-request' })
  @ApiBodyExamples(TrackDto, { 'the receipt’s two values': EXAMPLE_BODY }, `${REPLACE}; the case is closed`)
  @ApiOkResponse({ type: PublicCaseViewDto, description: 'the case after the request' })
  @ApiAcceptedResponse({ type: PublicPendingDto, description: 'saved; the case view does not show it yet' })
  @ApiErrors(
    BAD,
    WRONG,
    { status: 409, message: '该案件当前状态为「复查中」，不能再申请复查' },
    { status: 422, message: '复查申请应在收到书面处理意见之日起 30 日内提出，该期限已于 2024-12-20T00:00:00+08:00 届满（《信访工作条例》第三十五条）。计算依据：…' },
    LOCKED,
  )
  reviewRequest(@Body() dto: TrackDto, @Req() req: { ip?: string }) {
    return this.track.act(dto, 'review-request', {}, req.ip ?? null);
  }

  @Post('re-review-request')
  @HttpCode(200)
  @ApiOperation({ summary: 'The petitioner asks for re-review (复核) within 30 days of the review opinion (Art. 36): the same rules as the staff’s /re-review-request' })
  @ApiBodyExamples(TrackDto, { 'the receipt’s two values': EXAMPLE_BODY }, `${REPLACE}; the review opinion is issued`)
  @ApiOkResponse({ type: PublicCaseViewDto, description: 'the case after the request' })
  @ApiAcceptedResponse({ type: PublicPendingDto, description: 'saved; the case view does not show it yet' })
  @ApiErrors(
    BAD,
    WRONG,
    { status: 409, message: '该案件当前状态为「复核中」，不能再申请复核' },
    { status: 422, message: '复核只能针对复查意见提出，请先申请复查（《信访工作条例》第三十六条）' },
    LOCKED,
  )
  reReviewRequest(@Body() dto: TrackDto, @Req() req: { ip?: string }) {
    return this.track.act(dto, 're-review-request', {}, req.ip ?? null);
  }
}
