import { Body, Controller, Get, HttpCode, Inject, Logger, Param, ParseUUIDPipe, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AllowedBeforePasswordChange, CurrentCaller, Public, Roles } from '#libs/auth';
import { InvalidInputError, maskText } from '#libs/common';
import { categoryTree } from '#libs/contracts';
import { rolesFor } from '#libs/regulation';
import { databaseCheck, readiness, readinessCheck, SERVICE_CLIENT, type Caller, type Readiness, type ReadinessChecks, type ServiceClient } from '#libs/runtime';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { AccountsService } from './accounts.service.js';
import { ChangePasswordDto, CreateUnitDto, CreateUserDto, LoginDto, RefreshDto, ResetPasswordDto, SecurityEventsQueryDto } from './dto/admin.dto.js';
import { LoginThrottleGuard } from './login-throttle.js';
import { SecurityLog } from './security-log.js';
import {
  ActionDto,
  AnnualQueryDto,
  BacklogQueryDto,
  BreakdownQueryDto,
  CloseDto,
  DeclineDto,
  DivertDto,
  EvaluateDto,
  ExtendDto,
  ListPetitionsDto,
  ObjectDto,
  OpinionDto,
  ReceptionSessionDto,
  PeriodQueryDto,
  PersonLookupDto,
  PreviewQueryDto,
  RegisterPetitionDto,
  ReReviewOpinionDto,
  RouteDto,
  ReportCasesQueryDto,
  SummaryQueryDto,
  SuperviseDto,
} from './dto/petition.dto.js';
import { GATEWAY_SETTINGS, SERVICES, type GatewaySettings } from './gateway.settings.js';
import { ApiPendingView, PendingView, PendingViewInterceptor, PetitionsFacade } from './petitions.facade.js';
import { ApiActionBody, ApiBodyExamples, BODY_EXAMPLES, WALKTHROUGH } from './dto/examples.js';
import {
  ANNUAL_CONTENT,
  AdminUserViewDto,
  ApiCaseErrors,
  ApiErrors,
  CASE_403,
  CASE_ID_400,
  BacklogItemDto,
  BreakdownDto,
  CaseListDto,
  CaseViewDto,
  CaseWithQueryCodeDto,
  CategoryDto,
  HealthDto,
  LiveDto,
  MeDto,
  PersonCasesDto,
  PreviewDto,
  ReadinessDto,
  ReceptionSessionViewDto,
  SecurityEventsPageDto,
  SignedInDto,
  ReportCasesDto,
  SummaryDto,
  UnitDto,
  UserViewDto,
} from './dto/responses.js';
import { annualCsv, annualRows, annualText, annualXlsx, type AnnualFigures } from './annual-report.js';

const CaseId = () => new ParseUUIDPipe({ exceptionFactory: () => InvalidInputError.field('id', '案件编号格式不正确（应为 UUID）') });

/** A period's start must not come after its end. */
function assertPeriod(q: { from: string; to: string }): void {
  if (q.from > q.to) throw InvalidInputError.field('from', '起始日期不得晚于结束日期');
}

@ApiTags('health')
@Controller('api/v1/health')
export class HealthController {
  private readonly logger = new Logger('Health');
  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    private readonly dataSource: DataSource,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'the process answers (the contract of the spine); see /live and /ready for the probes' })
  @ApiOkResponse({ type: HealthDto })
  status() {
    return { status: 'ok', mode: this.settings.mode };
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'liveness: the gateway process runs (restart it when this fails)' })
  @ApiOkResponse({ type: LiveDto })
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'readiness (@nestjs/terminus): the gateway database and every service it calls, each with its database, broker and (deadline) timer store; 503 naming what is down' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiErrors({
    status: 503,
    message: '未就绪：closure 不可用',
    description: 'UNAVAILABLE, message 未就绪：<names> 不可用; details = {status: "error", info, error: {<name>: {status: "down", message}}, details}',
    details: {
      status: 'error',
      info: { database: { status: 'up' }, intake: { status: 'up' } },
      error: { closure: { status: 'down', message: 'database' } },
      details: { database: { status: 'up' }, intake: { status: 'up' }, closure: { status: 'down', message: 'database' } },
    },
  })
  ready() {
    // This answer is public (the ingress serves /api): it names what is down, never the errors
    // themselves (addresses, driver messages); those go to the log, and each service's own
    // /health/ready on its internal port has them.
    const hidden = (what: string, e: unknown): never => {
      this.logger.warn(`not ready: ${what}: ${maskText(String((e as Error)?.message ?? e))}`);
      throw new Error(what);
    };
    const checks: ReadinessChecks = { database: () => databaseCheck(this.dataSource).catch((e) => hidden('database', e)) };
    for (const name of SERVICES) {
      checks[name] = async () => {
        const r = await this.services.query<Readiness>(name, 'health', {}, null).catch((e) => hidden('unreachable', e));
        if (r.status === 'up') return;
        const down = Object.entries(r.checks).filter(([, c]) => c.status !== 'up');
        hidden(down.map(([k]) => k).join(', ') || 'down', down.map(([k, c]) => `${name} ${k}: ${c.message ?? 'down'}`).join('; '));
      };
    }
    return readinessCheck(this.health, this.indicators, () => readiness(checks));
  }
}

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}
  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginThrottleGuard)
  @ApiOperation({
    summary:
      'Log in: {accessToken (15 min), refreshToken, expiresIn, user, mustChangePassword}. Usernames are case-insensitive. ' +
      '401 wrong username or password (UNAUTHENTICATED) or disabled user (ACCOUNT_DISABLED); ' +
      '423 ACCOUNT_LOCKED after LOGIN_MAX_FAILURES failures within LOGIN_FAILURE_WINDOW_MINUTES, for LOGIN_LOCKOUT_MINUTES or until an admin unlocks it, with Retry-After (seconds) and the end of the lock in office time in the message; ' +
      '429 RATE_LIMITED past LOGIN_RATE_PER_USERNAME / LOGIN_RATE_PER_ADDRESS attempts per LOGIN_RATE_WINDOW_SECONDS, with Retry-After',
  })
  @ApiBodyExamples(LoginDto, BODY_EXAMPLES.login, 'the example logs in the user the POST /api/v1/users example creates')
  @ApiOkResponse({ type: SignedInDto })
  @ApiErrors(
    400,
    { status: 401, message: '用户名或密码错误', description: 'wrong username or password (UNAUTHENTICATED), or a disabled user (ACCOUNT_DISABLED)' },
    { status: 423, description: 'ACCOUNT_LOCKED: locked after repeated failures; Retry-After gives the seconds left, the message the time (office time zone)' },
    { status: 429, description: 'RATE_LIMITED: too many attempts for this username or from this address; Retry-After gives the seconds to wait' },
  )
  login(@Body() dto: LoginDto, @Req() req: { ip?: string }) {
    return this.accounts.login(dto.username, dto.password, { ip: req.ip ?? null });
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new {accessToken, refreshToken} for a refresh token, which is spent; presenting a spent one again ends that whole session (401 TOKEN_REUSED)' })
  @ApiBodyExamples(RefreshDto, BODY_EXAMPLES.refresh, 'put the refreshToken login (or the last refresh) answered')
  @ApiOkResponse({ type: SignedInDto })
  @ApiErrors(400, {
    status: 401,
    code: 'TOKEN_REUSED',
    message: '该登录凭据已被使用过，为安全起见本次登录已结束，请重新登录',
    description: 'unknown, expired or ended token (UNAUTHENTICATED); a spent one (TOKEN_REUSED)',
  })
  refresh(@Body() dto: RefreshDto, @Req() req: { ip?: string }) {
    return this.accounts.refresh(dto.refreshToken, { ip: req.ip ?? null });
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Log out: ends the session of this refresh token (its access tokens stop working too); 204 also for an unknown token' })
  @ApiBodyExamples(RefreshDto, BODY_EXAMPLES.logout, 'put the refreshToken login (or the last refresh) answered')
  @ApiNoContentResponse({ description: 'the session is ended (or there was none)' })
  @ApiErrors(400)
  async logout(@Body() dto: RefreshDto, @Req() req: { ip?: string }): Promise<void> {
    await this.accounts.logout(dto.refreshToken, { ip: req.ip ?? null });
  }

  @Post('password')
  @HttpCode(200)
  @ApiBearerAuth()
  @AllowedBeforePasswordChange()
  @ApiOperation({
    summary: 'Change one’s own password {currentPassword, newPassword}: ends every other session and answers new tokens as login does; 400 names the field (当前密码 wrong, 新密码 against the policy)',
  })
  @ApiBodyExamples(ChangePasswordDto, BODY_EXAMPLES.changePassword, 'sent by the example user (POST /api/v1/users example)')
  @ApiOkResponse({ type: SignedInDto })
  @ApiErrors({ status: 400, message: '当前密码不正确', details: [{ field: 'currentPassword', messages: ['当前密码不正确'] }] }, 401, 403)
  changePassword(@Body() dto: ChangePasswordDto, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.accounts.changePassword(caller, dto.currentPassword, dto.newPassword, { ip: req.ip ?? null });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The bearer: {username, displayName, roles, unitCode, unitName}' })
  @ApiOkResponse({ type: MeDto })
  @ApiErrors(401, 403)
  me(@CurrentCaller() caller: Caller) {
    return this.accounts.me(caller.username);
  }
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('api/v1')
export class AdminController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly security: SecurityLog,
  ) {}

  @Post('units')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a unit (admin): {code, name, parentCode?}' })
  @ApiBodyExamples(CreateUnitDto, BODY_EXAMPLES.createUnit, WALKTHROUGH)
  @ApiCreatedResponse({ type: UnitDto })
  @ApiErrors(
    400,
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
    { status: 409, code: 'DUPLICATE', message: '单位代码 housing-bureau 已存在', description: 'the code exists (DUPLICATE)' },
  )
  createUnit(@Body() dto: CreateUnitDto) {
    return this.accounts.createUnit(dto);
  }

  @Get('units')
  @ApiOperation({ summary: 'Units, every signed-in user' })
  @ApiOkResponse({ type: [UnitDto] })
  @ApiErrors(401, 403)
  listUnits() {
    return this.accounts.listUnits();
  }

  @Post('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admin); a handler needs its unitCode' })
  @ApiBodyExamples(CreateUserDto, BODY_EXAMPLES.createUser, 'the example needs the unit of the POST /api/v1/units example')
  @ApiCreatedResponse({ type: UserViewDto })
  @ApiErrors(
    400,
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
    { status: 409, code: 'DUPLICATE', message: '用户名 liu.fang 已存在', description: 'the username exists, in any letter case (DUPLICATE)' },
  )
  createUser(@Body() dto: CreateUserDto, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.accounts.createUser(dto, caller, { ip: req.ip ?? null });
  }

  @Get('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Users with their state: disabled, mustChangePassword, lockedUntil (office time, or null)' })
  @ApiOkResponse({ type: [AdminUserViewDto] })
  @ApiErrors(401, { status: 403, message: '此操作需要以下角色之一：系统管理员' })
  listUsers() {
    return this.accounts.listUsers();
  }

  @Post('users/:username/disable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Disable a user (停用): they cannot sign in, and their tokens stop working at once; 409 for oneself' })
  @ApiOkResponse({ type: AdminUserViewDto })
  @ApiErrors(
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
    { status: 404, message: '用户 liu.fang 不存在', description: 'no such user (NOT_FOUND)' },
    { status: 409, message: '不能停用自己的账号', description: 'one’s own account (CASE_STATE)' },
  )
  disableUser(@Param('username') username: string, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.accounts.disable(caller, username, { ip: req.ip ?? null });
  }

  @Post('users/:username/enable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Enable a disabled user again (启用)' })
  @ApiOkResponse({ type: AdminUserViewDto })
  @ApiErrors(401, { status: 403, message: '此操作需要以下角色之一：系统管理员' }, { status: 404, message: '用户 liu.fang 不存在', description: 'no such user (NOT_FOUND)' })
  enableUser(@Param('username') username: string, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.accounts.enable(caller, username, { ip: req.ip ?? null });
  }

  @Post('users/:username/reset-password')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Give a user a new password {password} (重置密码): their sessions end, and they must change it at the next login (mustChangePassword)' })
  @ApiBodyExamples(ResetPasswordDto, BODY_EXAMPLES.resetPassword, 'path: the username of the POST /api/v1/users example (liu.fang)')
  @ApiOkResponse({ type: AdminUserViewDto })
  @ApiErrors(
    { status: 400, message: '密码不得少于 10 个字符', details: [{ field: 'password', messages: ['密码不得少于 10 个字符'] }] },
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
    { status: 404, message: '用户 liu.fang 不存在', description: 'no such user (NOT_FOUND)' },
  )
  resetPassword(@Param('username') username: string, @Body() dto: ResetPasswordDto, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.accounts.resetPassword(caller, username, dto.password, { ip: req.ip ?? null });
  }

  @Post('users/:username/unlock')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Lift the lockout after repeated failed logins (解锁)' })
  @ApiOkResponse({ type: AdminUserViewDto })
  @ApiErrors(401, { status: 403, message: '此操作需要以下角色之一：系统管理员' }, { status: 404, message: '用户 liu.fang 不存在', description: 'no such user (NOT_FOUND)' })
  unlockUser(@Param('username') username: string, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.accounts.unlock(caller, username, { ip: req.ip ?? null });
  }

  @Get('admin/security-events')
  @Roles('admin')
  @ApiOperation({
    summary:
      'The security log, newest first: {items: [{id, event, actor, target, ip, at, detail}], total, page, pageSize}; from/to are office days. ' +
      'Refused logins, lockouts, 403s, person lookups (the kind of key, never the key), exports, account changes; never personal data',
  })
  @ApiOkResponse({ type: SecurityEventsPageDto })
  @ApiErrors({ status: 400, message: '输入有误：起始日期应为 YYYY-MM-DD', details: [{ field: 'from', messages: ['起始日期应为 YYYY-MM-DD'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：系统管理员',
  })
  securityEvents(@Query() q: SecurityEventsQueryDto) {
    return this.security.list(q);
  }

  @Get('categories')
  @ApiOperation({ summary: 'Content categories (信访内容分类) in two levels: [{code, name, children: [{code, name}]}] (bundled, or CATEGORIES_FILE)' })
  @ApiOkResponse({ type: [CategoryDto] })
  @ApiErrors(401, 403)
  categories() {
    return categoryTree();
  }
}

@ApiTags('petitions')
@ApiBearerAuth()
@Controller('api/v1/petitions')
@UseInterceptors(PendingViewInterceptor)
export class PetitionsController {
  constructor(
    private readonly petitions: PetitionsFacade,
    private readonly accounts: AccountsService,
  ) {}

  @Post()
  @Roles('reception', 'office')
  @ApiOperation({ summary: 'Register a contact: 201 with a new case and its query code (queryCode, shown only here), 200 with the open case it repeats (Art. 19(3); queryCode null)' })
  @ApiBodyExamples(RegisterPetitionDto, BODY_EXAMPLES.register)
  @ApiCreatedResponse({ type: CaseWithQueryCodeDto, description: 'a new case was opened: the case and its queryCode (查询码), which the receipt prints' })
  @ApiOkResponse({ type: CaseWithQueryCodeDto, description: 'the contact repeats an open case of the same petitioner on the same category: that case, its repeatContacts counted; queryCode null' })
  @ApiPendingView()
  @ApiErrors(400, 401, { status: 403, message: '此操作需要以下角色之一：登记接待人员、信访工作机构' }, 413)
  async register(@Body() dto: RegisterPetitionDto, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: { status(n: number): void }) {
    const r = await this.petitions.register(dto, caller);
    // Committed but not yet in the case view: 202 (PendingViewInterceptor).
    if (r instanceof PendingView) return r;
    res.status(r.created ? 201 : 200);
    return r.view;
  }

  @Get()
  @ApiOperation({
    summary: 'Cases: {items, total, page, pageSize, overdueTotal}; trackingNo= exact, sort=urgency (next due first); each item with its nextDeadline. Handlers see their unit’s cases only',
  })
  @ApiOkResponse({ type: CaseListDto })
  @ApiErrors({ status: 400, message: '输入有误：案件状态取值无效', details: [{ field: 'status', messages: ['案件状态取值无效'] }] }, 401, 403)
  list(@Query() q: ListPetitionsDto, @CurrentCaller() caller: Caller) {
    return this.petitions.list(q, caller);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The case, with allowedActions: what the caller may do now (state machine + role table)' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiErrors(CASE_ID_400, 401, CASE_403, 404, {
    status: 422,
    code: 'CASE_DATA_INVALID',
    message: '该案件保存的状态「lost」无法识别，请系统管理员核查',
    description: 'the stored case cannot be computed (CASE_DATA_INVALID)',
  })
  get(@Param('id', CaseId()) id: string, @CurrentCaller() caller: Caller) {
    return this.petitions.get(id, caller);
  }

  @Post(':id/query-code')
  @HttpCode(200)
  @Roles('reception', 'office')
  @ApiOperation({
    summary:
      'Issue a new query code (查询码) for the case, when the petitioner lost theirs: the old one stops working, the tracking number’s lock is lifted; the answer is the only time the new code is shown. Audited (security log, and the case’s timeline names who issued it)',
  })
  @ApiOkResponse({ type: CaseWithQueryCodeDto, description: 'the case with its new queryCode' })
  @ApiPendingView('the new code is saved; the case view does not show it yet: {id, trackingNo, queryCode, eventId, eventIds, status: accepted-pending-view, message}')
  @ApiErrors(CASE_ID_400, 401, { status: 403, message: '此操作需要以下角色之一：登记接待人员、信访工作机构' }, 404)
  reissueQueryCode(@Param('id', CaseId()) id: string, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.petitions.reissueQueryCode(id, caller, req.ip ?? null);
  }

  @Get(':id/preview')
  @ApiOperation({
    summary: 'What an action would do to the deadlines if taken now: {action, effect (one zh-CN sentence), deadlines (after it)}; days= for extend only',
  })
  @ApiOkResponse({ type: PreviewDto })
  @ApiCaseErrors()
  preview(@Param('id', CaseId()) id: string, @Query() q: PreviewQueryDto, @CurrentCaller() caller: Caller) {
    if (q.action === 'extend' && q.days === undefined) throw InvalidInputError.field('days', '延期天数不能为空');
    if (q.action !== 'extend' && q.days !== undefined) throw InvalidInputError.field('days', '延期天数仅用于延期');
    return this.petitions.preview(id, { action: q.action, ...(q.days !== undefined ? { days: q.days } : {}), ...(q.mode ? { mode: q.mode } : {}) }, caller);
  }

  @Post(':id/route')
  @HttpCode(200)
  @Roles(...rolesFor('route'))
  @ApiOperation({ summary: 'Route to the responsible unit: transfer 转送 or assign 交办 (Art. 22)' })
  @ApiActionBody(RouteDto, BODY_EXAMPLES.route)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors({ 403: '此操作需要以下角色之一：信访工作机构', 409: '该案件当前状态为「已转送交办」，不能再转送/交办' })
  async route(@Param('id', CaseId()) id: string, @Body() dto: RouteDto, @CurrentCaller() caller: Caller) {
    // The unit's name goes with the routing: the deadlines' basis names the unit as people know it.
    const unitName = await this.accounts.unitNameOf(dto.unitCode);
    return this.petitions.act(id, 'assignment', 'route', { ...dto, unitName }, caller);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles(...rolesFor('accept'))
  @ApiOperation({ summary: 'Accept (受理): starts the 60-day handling period (Art. 34)' })
  @ApiActionBody(ActionDto, BODY_EXAMPLES.accept)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  accept(@Param('id', CaseId()) id: string, @Body() dto: ActionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'accept', { ...dto }, caller);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...rolesFor('close'))
  @ApiOperation({ summary: 'Close with a written opinion (Art. 32)' })
  @ApiActionBody(CloseDto, BODY_EXAMPLES.close)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors({ 409: '该案件当前状态为「已转送交办」，不能办结' })
  close(@Param('id', CaseId()) id: string, @Body() dto: CloseDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'close', { ...dto }, caller);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles(...rolesFor('decline'))
  @ApiOperation({ summary: 'Decline: 不予受理 (pending elsewhere, Art. 19(3); out of scope) or 不再受理 (exhausted, Art. 36(3))' })
  @ApiActionBody(DeclineDto, BODY_EXAMPLES.decline)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  decline(@Param('id', CaseId()) id: string, @Body() dto: DeclineDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'decline', { ...dto }, caller);
  }

  @Post(':id/divert')
  @HttpCode(200)
  @Roles(...rolesFor('divert'))
  @ApiOperation({ summary: 'Divert to litigation, arbitration, reconsideration… (导入相应程序, Art. 31)' })
  @ApiActionBody(DivertDto, BODY_EXAMPLES.divert)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  divert(@Param('id', CaseId()) id: string, @Body() dto: DivertDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'divert', { ...dto }, caller);
  }

  @Post(':id/object')
  @HttpCode(200)
  @Roles(...rolesFor('object'))
  @ApiOperation({ summary: 'Send a wrong transfer back to the petition office within 5 working days (Art. 23(3))' })
  @ApiActionBody(ObjectDto, BODY_EXAMPLES.object)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors({ 422: '对转送错误的异议应在收到之日起 5 个工作日内提出，该期限已于 2024-09-26T00:00:00+08:00 届满（《信访工作条例》第二十三条第三款）' })
  object(@Param('id', CaseId()) id: string, @Body() dto: ObjectDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'object', { ...dto }, caller);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Roles(...rolesFor('extend'))
  @ApiOperation({ summary: 'Extend the handling period: at most 30 days in total, approved by the unit head (Art. 34)' })
  @ApiActionBody(ExtendDto, BODY_EXAMPLES.extend)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  extend(@Param('id', CaseId()) id: string, @Body() dto: ExtendDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'extend', { ...dto }, caller);
  }

  @Post(':id/evaluate')
  @HttpCode(200)
  @Roles(...rolesFor('evaluate'))
  @ApiOperation({ summary: 'Record the petitioner’s rating: 满意 / 基本满意 / 不满意' })
  @ApiActionBody(EvaluateDto, BODY_EXAMPLES.evaluate)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  evaluate(@Param('id', CaseId()) id: string, @Body() dto: EvaluateDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'evaluate', { ...dto }, caller);
  }

  @Post(':id/review-request')
  @HttpCode(200)
  @Roles(...rolesFor('review-request'))
  @ApiOperation({ summary: 'The petitioner asks for review (复查) within 30 days of the opinion (Art. 35)' })
  @ApiActionBody(ActionDto, BODY_EXAMPLES.reviewRequest)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors({ 422: '复查申请应在收到书面处理意见之日起 30 日内提出，该期限已于 2024-12-20T00:00:00+08:00 届满（《信访工作条例》第三十五条）。计算依据：…' })
  reviewRequest(@Param('id', CaseId()) id: string, @Body() dto: ActionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'review-request', { ...dto }, caller);
  }

  @Post(':id/review-opinion')
  @HttpCode(200)
  @Roles(...rolesFor('review-opinion'))
  @ApiOperation({ summary: 'The review opinion (复查意见), within 30 days of the request (Art. 35)' })
  @ApiActionBody(OpinionDto, BODY_EXAMPLES.reviewOpinion)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  reviewOpinion(@Param('id', CaseId()) id: string, @Body() dto: OpinionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'review-opinion', { ...dto }, caller);
  }

  @Post(':id/re-review-request')
  @HttpCode(200)
  @Roles(...rolesFor('re-review-request'))
  @ApiOperation({ summary: 'The petitioner asks for re-review (复核) within 30 days of the review opinion (Art. 36)' })
  @ApiActionBody(ActionDto, BODY_EXAMPLES.reReviewRequest)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors({ 422: '复核只能针对复查意见提出，请先申请复查（《信访工作条例》第三十六条）' })
  reReviewRequest(@Param('id', CaseId()) id: string, @Body() dto: ActionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 're-review-request', { ...dto }, caller);
  }

  @Post(':id/re-review-opinion')
  @HttpCode(200)
  @Roles(...rolesFor('re-review-opinion'))
  @ApiOperation({ summary: 'The re-review opinion (复核意见): the matter is then final (Art. 36)' })
  @ApiActionBody(ReReviewOpinionDto, BODY_EXAMPLES.reReviewOpinion)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  reReviewOpinion(@Param('id', CaseId()) id: string, @Body() dto: ReReviewOpinionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 're-review-opinion', { ...dto }, caller);
  }

  @Post(':id/supervise')
  @HttpCode(200)
  @Roles(...rolesFor('supervise'))
  @ApiOperation({ summary: 'Supervise (督办, Art. 39–40)' })
  @ApiActionBody(SuperviseDto, BODY_EXAMPLES.supervise)
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors()
  supervise(@Param('id', CaseId()) id: string, @Body() dto: SuperviseDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'deadline', 'supervise', { ...dto }, caller);
  }
}

@ApiTags('petitioners')
@ApiBearerAuth()
@Controller('api/v1/petitioners')
export class PetitionersController {
  constructor(private readonly petitions: PetitionsFacade) {}

  @Get('cases')
  @Roles('reception', 'office')
  @ApiOperation({ summary: 'A person’s earlier and open cases, newest first: ?idNumber= or ?name=&phone= → {items, total}; every lookup is recorded with who asked' })
  @ApiOkResponse({ type: PersonCasesDto })
  @ApiErrors({ status: 400, message: '请填写身份证号，或同时填写信访人姓名和联系电话', details: [{ field: 'idNumber', messages: ['请填写身份证号，或同时填写信访人姓名和联系电话'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：登记接待人员、信访工作机构',
  })
  cases(@Query() q: PersonLookupDto, @CurrentCaller() caller: Caller) {
    if (!q.idNumber) {
      if (!q.name && !q.phone) throw InvalidInputError.field('idNumber', '请填写身份证号，或同时填写信访人姓名和联系电话');
      if (!q.phone) throw InvalidInputError.field('phone', '按姓名查询时需同时填写联系电话');
      if (!q.name) throw InvalidInputError.field('name', '按联系电话查询时需同时填写信访人姓名');
    }
    return this.petitions.personCases(q.idNumber ? { idNumber: q.idNumber } : { name: q.name, phone: q.phone }, caller);
  }
}

@ApiTags('reception sessions')
@ApiBearerAuth()
@Controller('api/v1/reception-sessions')
@UseInterceptors(PendingViewInterceptor)
export class ReceptionSessionsController {
  constructor(private readonly petitions: PetitionsFacade) {}

  @Post()
  @Roles('office')
  @ApiOperation({ summary: 'A leadership reception session (接访日 / 约访 / 专访); visits register under it' })
  @ApiBodyExamples(ReceptionSessionDto, BODY_EXAMPLES.receptionSession)
  @ApiCreatedResponse({ type: ReceptionSessionViewDto })
  @ApiPendingView('the session is saved; the reports do not count visits under it yet: the session with eventId, status accepted-pending-view and message 已保存，统计数据稍后更新')
  @ApiErrors(400, 401, { status: 403, message: '此操作需要以下角色之一：信访工作机构' })
  create(@Body() dto: ReceptionSessionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.createSession(dto, caller);
  }

  @Get()
  @Roles('reception', 'office', 'leader')
  @ApiOperation({ summary: 'Reception sessions in a date range, by date: [{id, kind, leader, date}] (the session picker)' })
  @ApiOkResponse({ type: [ReceptionSessionViewDto] })
  @ApiErrors({ status: 400, message: '起始日期不得晚于结束日期', details: [{ field: 'from', messages: ['起始日期不得晚于结束日期'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：登记接待人员、信访工作机构、领导',
  })
  list(@Query() q: PeriodQueryDto, @CurrentCaller() caller: Caller) {
    assertPeriod(q);
    return this.petitions.sessions(q, caller);
  }
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly petitions: PetitionsFacade,
    private readonly accounts: AccountsService,
  ) {}

  @Get('summary')
  @Roles('leader', 'office')
  @ApiOperation({ summary: 'Figures of a period (office days): received, closed, reception, rates, assigned' })
  @ApiOkResponse({ type: SummaryDto })
  @ApiErrors({ status: 400, message: '起始日期不得晚于结束日期', details: [{ field: 'from', messages: ['起始日期不得晚于结束日期'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：领导、信访工作机构',
  })
  summary(@Query() q: SummaryQueryDto, @CurrentCaller() caller: Caller) {
    assertPeriod(q);
    return this.petitions.summary(q, caller);
  }

  @Get('cases')
  @Roles('leader', 'office')
  @ApiOperation({ summary: 'The cases behind a figure of the summary (drill-down): its numerator or denominator for the same period and filters, paged; total equals the summary’s number' })
  @ApiOkResponse({ type: ReportCasesDto })
  @ApiErrors({ status: 400, message: '输入有误：指标应为 received、contacts、closed … 之一', details: [{ field: 'figure', messages: ['指标应为 received、contacts、closed … 之一'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：领导、信访工作机构',
  })
  reportCases(@Query() q: ReportCasesQueryDto, @CurrentCaller() caller: Caller) {
    assertPeriod(q);
    return this.petitions.reportCases(q, caller);
  }

  @Get('annual')
  @Roles('leader', 'office')
  @ApiOperation({ summary: 'The annual report (Art. 41): text (zh-CN prose), csv or xlsx' })
  @ApiProduces(...Object.keys(ANNUAL_CONTENT))
  @ApiOkResponse({ description: 'format=text: zh-CN prose; csv: UTF-8 with BOM; xlsx: a workbook (content-disposition: attachment)', content: ANNUAL_CONTENT })
  @ApiErrors({ status: 400, message: '输入有误：年度不得小于 2000', details: [{ field: 'year', messages: ['年度不得小于 2000'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：领导、信访工作机构',
  })
  async annual(@Query() q: AnnualQueryDto, @CurrentCaller() caller: Caller, @Res() res: { type(t: string): void; setHeader(k: string, v: string): void; send(b: unknown): void }) {
    const figures = (await this.petitions.annual({ year: q.year }, caller)) as AnnualFigures;
    const units = new Map((await this.accounts.listUnits()).map((u) => [u.code, u.name]));
    const unitName = (code: string) => units.get(code) ?? code;
    const rows = annualRows(figures, unitName);
    const file = `xinfang-annual-${q.year}`;
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${file}.csv"`);
      return res.send(annualCsv(rows));
    }
    if (q.format === 'xlsx') {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('content-disposition', `attachment; filename="${file}.xlsx"`);
      return res.send(await annualXlsx(figures, rows));
    }
    res.type('text/plain; charset=utf-8');
    return res.send(annualText(figures, unitName));
  }

  @Get('breakdown')
  @Roles('leader', 'office')
  @ApiOperation({
    summary:
      'Cases of a period by unit | category (first level) | channel | authority | month, with the summary’s filters: {by, period, filters, items: [{key, received, closed, overdue, closedOnTime, rates}]}; each row’s rates are the summary’s filtered to the group; months cover the period, zeros included',
  })
  @ApiOkResponse({ type: BreakdownDto })
  @ApiErrors({ status: 400, message: '起始日期不得晚于结束日期', details: [{ field: 'from', messages: ['起始日期不得晚于结束日期'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：领导、信访工作机构',
  })
  breakdown(@Query() q: BreakdownQueryDto, @CurrentCaller() caller: Caller) {
    assertPeriod(q);
    return this.petitions.breakdown(q, caller);
  }

  @Get('backlog')
  @Roles('leader', 'office')
  @ApiOperation({ summary: 'Open cases assigned from above (交办积案), with their due dates, most urgent first; filters: authority, overdue, dueWithinDays' })
  @ApiOkResponse({ type: [BacklogItemDto] })
  @ApiErrors({ status: 400, message: '输入有误：交办机关取值无效', details: [{ field: 'authority', messages: ['交办机关取值无效'] }] }, 401, {
    status: 403,
    message: '此操作需要以下角色之一：领导、信访工作机构',
  })
  backlog(@Query() q: BacklogQueryDto, @CurrentCaller() caller: Caller) {
    return this.petitions.backlog(q, caller);
  }
}
