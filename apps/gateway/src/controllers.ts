import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Public, Roles } from '#libs/auth';
import { InvalidInputError } from '#libs/common';
import { categoryTree } from '#libs/contracts';
import { rolesFor } from '#libs/regulation';
import type { Caller } from '#libs/runtime';
import { AccountsService } from './accounts.service.js';
import { CreateUnitDto, CreateUserDto, LoginDto } from './dto/admin.dto.js';
import {
  ActionDto, AnnualQueryDto, BacklogQueryDto, BreakdownQueryDto, CloseDto, DeclineDto, DivertDto, EvaluateDto, ExtendDto, ListPetitionsDto, ObjectDto, OpinionDto, ReceptionSessionDto,
  PeriodQueryDto, PersonLookupDto, PreviewQueryDto, RegisterPetitionDto, ReReviewOpinionDto, RouteDto, SummaryQueryDto, SuperviseDto,
} from './dto/petition.dto.js';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';
import { PetitionsFacade } from './petitions.facade.js';
import { annualCsv, annualRows, annualText, annualXlsx, type AnnualFigures } from './annual-report.js';

const CaseId = () => new ParseUUIDPipe({ exceptionFactory: () => InvalidInputError.field('id', '案件编号格式不正确（应为 UUID）') });

/** A period's start must not come after its end. */
function assertPeriod(q: { from: string; to: string }): void {
  if (q.from > q.to) throw InvalidInputError.field('from', '起始日期不得晚于结束日期');
}

@ApiTags('health')
@Controller('api/v1/health')
export class HealthController {
  constructor(@Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings) {}
  @Public()
  @Get()
  health() {
    return { status: 'ok', mode: this.settings.mode };
  }
}

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; returns a bearer token' })
  login(@Body() dto: LoginDto) {
    return this.accounts.login(dto.username, dto.password);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The bearer: {username, displayName, roles, unitCode, unitName}' })
  me(@CurrentCaller() caller: Caller) {
    return this.accounts.me(caller.username);
  }
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('api/v1')
export class AdminController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('units')
  @Roles('admin')
  createUnit(@Body() dto: CreateUnitDto) {
    return this.accounts.createUnit(dto);
  }

  @Get('units')
  listUnits() {
    return this.accounts.listUnits();
  }

  @Post('users')
  @Roles('admin')
  createUser(@Body() dto: CreateUserDto) {
    return this.accounts.createUser(dto);
  }

  @Get('users')
  @Roles('admin')
  listUsers() {
    return this.accounts.listUsers();
  }

  @Get('categories')
  @ApiOperation({ summary: 'Content categories (信访内容分类) in two levels: [{code, name, children: [{code, name}]}] (bundled, or CATEGORIES_FILE)' })
  categories() {
    return categoryTree();
  }
}

@ApiTags('petitions')
@ApiBearerAuth()
@Controller('api/v1/petitions')
export class PetitionsController {
  constructor(
    private readonly petitions: PetitionsFacade,
    private readonly accounts: AccountsService,
  ) {}

  @Post()
  @Roles('reception', 'office')
  @ApiOperation({ summary: 'Register a contact: 201 with a new case, 200 with the open case it repeats (Art. 19(3))' })
  async register(@Body() dto: RegisterPetitionDto, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: { status(n: number): void }) {
    const { created, view } = await this.petitions.register(dto, caller);
    res.status(created ? 201 : 200);
    return view;
  }

  @Get()
  @ApiOperation({
    summary: 'Cases: {items, total, page, pageSize, overdueTotal}; trackingNo= exact, sort=urgency (next due first); each item with its nextDeadline. Handlers see their unit’s cases only',
  })
  list(@Query() q: ListPetitionsDto, @CurrentCaller() caller: Caller) {
    return this.petitions.list(q, caller);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The case, with allowedActions: what the caller may do now (state machine + role table)' })
  get(@Param('id', CaseId()) id: string, @CurrentCaller() caller: Caller) {
    return this.petitions.get(id, caller);
  }

  @Get(':id/preview')
  @ApiOperation({
    summary: 'What an action would do to the deadlines if taken now: {action, effect (one zh-CN sentence), deadlines (after it)}; days= for extend only',
  })
  preview(@Param('id', CaseId()) id: string, @Query() q: PreviewQueryDto, @CurrentCaller() caller: Caller) {
    if (q.action === 'extend' && q.days === undefined) throw InvalidInputError.field('days', '延期天数不能为空');
    if (q.action !== 'extend' && q.days !== undefined) throw InvalidInputError.field('days', '延期天数仅用于延期');
    return this.petitions.preview(id, { action: q.action, ...(q.days !== undefined ? { days: q.days } : {}), ...(q.mode ? { mode: q.mode } : {}) }, caller);
  }

  @Post(':id/route')
  @HttpCode(200)
  @Roles(...rolesFor('route'))
  @ApiOperation({ summary: 'Route to the responsible unit: transfer 转送 or assign 交办 (Art. 22)' })
  async route(@Param('id', CaseId()) id: string, @Body() dto: RouteDto, @CurrentCaller() caller: Caller) {
    await this.accounts.assertUnit(dto.unitCode);
    return this.petitions.act(id, 'assignment', 'route', { ...dto }, caller);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles(...rolesFor('accept'))
  @ApiOperation({ summary: 'Accept (受理): starts the 60-day handling period (Art. 34)' })
  accept(@Param('id', CaseId()) id: string, @Body() dto: ActionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'accept', { ...dto }, caller);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...rolesFor('close'))
  @ApiOperation({ summary: 'Close with a written opinion (Art. 32)' })
  close(@Param('id', CaseId()) id: string, @Body() dto: CloseDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'close', { ...dto }, caller);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles(...rolesFor('decline'))
  @ApiOperation({ summary: 'Decline: 不予受理 (pending elsewhere, Art. 19(3); out of scope) or 不再受理 (exhausted, Art. 36(3))' })
  decline(@Param('id', CaseId()) id: string, @Body() dto: DeclineDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'decline', { ...dto }, caller);
  }

  @Post(':id/divert')
  @HttpCode(200)
  @Roles(...rolesFor('divert'))
  @ApiOperation({ summary: 'Divert to litigation, arbitration, reconsideration… (导入相应程序, Art. 31)' })
  divert(@Param('id', CaseId()) id: string, @Body() dto: DivertDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'divert', { ...dto }, caller);
  }

  @Post(':id/object')
  @HttpCode(200)
  @Roles(...rolesFor('object'))
  @ApiOperation({ summary: 'Send a wrong transfer back to the petition office within 5 working days (Art. 23(3))' })
  object(@Param('id', CaseId()) id: string, @Body() dto: ObjectDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'assignment', 'object', { ...dto }, caller);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Roles(...rolesFor('extend'))
  @ApiOperation({ summary: 'Extend the handling period: at most 30 days in total, approved by the unit head (Art. 34)' })
  extend(@Param('id', CaseId()) id: string, @Body() dto: ExtendDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'extend', { ...dto }, caller);
  }

  @Post(':id/evaluate')
  @HttpCode(200)
  @Roles(...rolesFor('evaluate'))
  @ApiOperation({ summary: 'Record the petitioner’s rating: 满意 / 基本满意 / 不满意' })
  evaluate(@Param('id', CaseId()) id: string, @Body() dto: EvaluateDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'evaluate', { ...dto }, caller);
  }

  @Post(':id/review-request')
  @HttpCode(200)
  @Roles(...rolesFor('review-request'))
  @ApiOperation({ summary: 'The petitioner asks for review (复查) within 30 days of the opinion (Art. 35)' })
  reviewRequest(@Param('id', CaseId()) id: string, @Body() dto: ActionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'review-request', { ...dto }, caller);
  }

  @Post(':id/review-opinion')
  @HttpCode(200)
  @Roles(...rolesFor('review-opinion'))
  @ApiOperation({ summary: 'The review opinion (复查意见), within 30 days of the request (Art. 35)' })
  reviewOpinion(@Param('id', CaseId()) id: string, @Body() dto: OpinionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 'review-opinion', { ...dto }, caller);
  }

  @Post(':id/re-review-request')
  @HttpCode(200)
  @Roles(...rolesFor('re-review-request'))
  @ApiOperation({ summary: 'The petitioner asks for re-review (复核) within 30 days of the review opinion (Art. 36)' })
  reReviewRequest(@Param('id', CaseId()) id: string, @Body() dto: ActionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 're-review-request', { ...dto }, caller);
  }

  @Post(':id/re-review-opinion')
  @HttpCode(200)
  @Roles(...rolesFor('re-review-opinion'))
  @ApiOperation({ summary: 'The re-review opinion (复核意见): the matter is then final (Art. 36)' })
  reReviewOpinion(@Param('id', CaseId()) id: string, @Body() dto: ReReviewOpinionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.act(id, 'closure', 're-review-opinion', { ...dto }, caller);
  }

  @Post(':id/supervise')
  @HttpCode(200)
  @Roles(...rolesFor('supervise'))
  @ApiOperation({ summary: 'Supervise (督办, Art. 39–40)' })
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
export class ReceptionSessionsController {
  constructor(private readonly petitions: PetitionsFacade) {}

  @Post()
  @Roles('office')
  @ApiOperation({ summary: 'A leadership reception session (接访日 / 约访 / 专访); visits register under it' })
  create(@Body() dto: ReceptionSessionDto, @CurrentCaller() caller: Caller) {
    return this.petitions.createSession(dto, caller);
  }

  @Get()
  @Roles('reception', 'office', 'leader')
  @ApiOperation({ summary: 'Reception sessions in a date range, by date: [{id, kind, leader, date}] (the session picker)' })
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
  summary(@Query() q: SummaryQueryDto, @CurrentCaller() caller: Caller) {
    assertPeriod(q);
    return this.petitions.summary(q, caller);
  }

  @Get('annual')
  @Roles('leader', 'office')
  @ApiOperation({ summary: 'The annual report (Art. 41): text (zh-CN prose), csv or xlsx' })
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
    summary: 'Cases of a period by unit | category (first level) | channel | authority | month: {by, period, items: [{key, received, closed, overdue}]}; months cover the period, zeros included',
  })
  breakdown(@Query() q: BreakdownQueryDto, @CurrentCaller() caller: Caller) {
    assertPeriod(q);
    return this.petitions.breakdown({ by: q.by, from: q.from, to: q.to }, caller);
  }

  @Get('backlog')
  @Roles('leader', 'office')
  @ApiOperation({ summary: 'Open cases assigned from above (交办积案), with their due dates' })
  backlog(@Query() q: BacklogQueryDto, @CurrentCaller() caller: Caller) {
    return this.petitions.backlog(q, caller);
  }
}
