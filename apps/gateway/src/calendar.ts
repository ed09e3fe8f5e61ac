import { Body, Controller, Get, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Roles, SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { DomainError, maskText } from '#libs/common';
import { SERVICE_CLIENT, type Caller, type ServiceClient } from '#libs/runtime';
import type { CalendarLoadResult, CalendarYearView } from '#libs/contracts';
import { ApiErrors } from './dto/responses.js';

// ---------------------------------------------------------------- documented shapes

class RecomputedDeadlineDto {
  @ApiProperty({ example: 'objection' }) kind: string;
  @ApiProperty({ enum: ['computed', 'moved'], description: 'computed: it was withheld and has its due date now; moved: its due date changed' }) change: string;
  @ApiProperty({ example: '2027-01-05' }) lastDay: string;
  @ApiProperty({ nullable: true, type: String, example: null }) previousLastDay: string | null;
}

class RecomputedCaseDto {
  @ApiProperty({ example: '0190a3c2-5b1e-7c4d-9e8f-1a2b3c4d5e6f' }) caseId: string;
  @ApiProperty({ type: [RecomputedDeadlineDto] }) deadlines: RecomputedDeadlineDto[];
}

class CalendarLoadResultDto {
  @ApiProperty({ example: 2, description: 'deadlines that were withheld and now have their due dates' }) computed: number;
  @ApiProperty({ example: 0, description: 'deadlines whose due date the notice changed (computed before on the law’s holidays alone, or provisionally)' }) moved: number;
  @ApiProperty({ example: 2, description: 'timers armed for them (warnings and breaches within the timer window)' }) timersArmed: number;
  @ApiProperty({ example: 3, description: 'cases the deadline service computed again' }) casesRecomputed: number;
  @ApiProperty({ type: [RecomputedCaseDto], description: 'the cases whose deadlines changed (at most 200)' }) cases: RecomputedCaseDto[];
  @ApiProperty({ example: 0, description: 'cases beyond the 200 listed' }) moreCases: number;
  @ApiProperty({ example: 0, description: 'cases whose recomputation failed (logged)' }) failed: number;
  @ApiProperty({ example: 180, description: 'days of the year whose answer the notice changed in the calendar as it was' }) daysChanged: number;
}

class CalendarYearDto {
  @ApiProperty({ example: 2027 }) year: number;
  @ApiProperty({ enum: ['bundled', 'file', 'uploaded'], description: 'bundled: in the release; file: CALENDAR_FILE (embedded: DATA_DIR/calendar.json); uploaded: through this API' }) source: string;
  @ApiProperty({ nullable: true, type: String, example: '国务院办公厅关于2027年部分节假日安排的通知' }) notice: string | null;
  @ApiProperty({ type: [String], example: ['2027-01-01', '2027-01-02', '2027-01-03'] }) holidays: string[];
  @ApiProperty({ type: [String], example: ['2027-01-31'] }) workdays: string[];
  @ApiProperty({ nullable: true, type: String, example: 'admin' }) loadedBy: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-12-03T09:30:00.000+08:00' }) loadedAt: string | null;
  @ApiPropertyOptional({ type: CalendarLoadResultDto, nullable: true, description: 'uploaded years: what the load changed' }) result: CalendarLoadResultDto | null;
}

class CalendarLoadedDto extends CalendarYearDto {
  @ApiProperty({ type: [String], example: [], description: 'said but not wrong (e.g. a year beyond the lunar table: only its solar holidays were checked)' }) notes: string[];
}

class CalendarListDto {
  @ApiProperty({ type: [CalendarYearDto] }) items: CalendarYearDto[];
  @ApiProperty({ type: [Number], example: [2025, 2026, 2027], description: 'the covered years, ascending' }) years: number[];
}

/** A plausible notice of 2027 (the statutory holidays of 2027 inside its breaks, 13 days net): the request example. */
export const EXAMPLE_NOTICE_2027 = {
  year: 2027,
  notice: '国务院办公厅关于2027年部分节假日安排的通知',
  holidays: [
    '2027-01-01',
    '2027-01-02',
    '2027-01-03',
    '2027-02-05',
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-02-09',
    '2027-02-10',
    '2027-02-11',
    '2027-02-12',
    '2027-02-13',
    '2027-04-03',
    '2027-04-04',
    '2027-04-05',
    '2027-05-01',
    '2027-05-02',
    '2027-05-03',
    '2027-05-04',
    '2027-05-05',
    '2027-06-09',
    '2027-09-15',
    '2027-10-01',
    '2027-10-02',
    '2027-10-03',
    '2027-10-04',
    '2027-10-05',
    '2027-10-06',
    '2027-10-07',
  ],
  workdays: ['2027-01-31', '2027-02-20', '2027-05-08', '2027-09-26', '2027-10-09'],
};

const REFUSED = '节假日安排未加载（1 处问题，未作任何更改）：2027-02-06：春节（正月初一）是法定节假日（《全国年节及纪念日放假办法》），但不在 2027 年的放假日期中';

/**
 * The holiday calendar as the office keeps it (节假日安排): the covered years, and the upload of a
 * year's State Council notice, which the deadline service checks, keeps, publishes to every
 * service that computes deadlines and applies at once (no restart), recomputing the deadlines it
 * changes. Admin only; every upload (and every refusal) is in the security log.
 */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('api/v1/admin/calendar')
export class CalendarController {
  private readonly logger = new Logger('Calendar');
  constructor(
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
  ) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary:
      'The holiday calendar’s years (节假日安排), ascending: {items: [{year, source: bundled|file|uploaded, notice, holidays, workdays, loadedBy, loadedAt, result}], years}. ' +
      'An uploaded year names who loaded it, when (office time) and what the load changed (deadlines computed and moved, the cases)',
  })
  @ApiOkResponse({ type: CalendarListDto })
  @ApiErrors(401, { status: 403, message: '此操作需要以下角色之一：系统管理员' })
  async list(@CurrentCaller() caller: Caller): Promise<{ items: CalendarYearView[]; years: number[] }> {
    const items = await this.services.query<CalendarYearView[]>('deadline', 'calendar', {}, caller);
    return { items, years: items.map((i) => i.year) };
  }

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Load one year’s State Council holiday notice (国务院办公厅关于部分节假日安排的通知): {year, holidays, workdays, notice?} — holidays every day off of each break (weekend days joined to it included), workdays the make-up ' +
      'working Saturdays and Sundays, each date under its own year — or the calendar file’s shape with exactly one year ({"years": {"2027": {...}}}). Checked as `calendar check` checks a file: every statutory ' +
      'holiday of the year (《全国年节及纪念日放假办法》) inside a break, make-up days on weekends, no date both or twice, at least the law’s days; 422 names each date or field, and nothing is kept. ' +
      'Otherwise it replaces the year (whole) in every service at once, no restart: the withheld and provisional deadlines are computed, any deadline the notice moves gets its new date, their timers are ' +
      're-armed, and each case’s timeline says so (deadline-recomputed). Answers the year as listed, with what the load changed',
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        year: { type: 'integer' },
        holidays: { type: 'array', items: { type: 'string', format: 'date' } },
        workdays: { type: 'array', items: { type: 'string', format: 'date' } },
        notice: { type: 'string' },
      },
    },
    examples: { '2027': { summary: 'the 2027 notice', value: EXAMPLE_NOTICE_2027 } },
  })
  @ApiOkResponse({ type: CalendarLoadedDto, description: 'the year, now uploaded, with what the load changed' })
  @ApiErrors(
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
    {
      status: 422,
      code: 'REGULATION',
      message: REFUSED,
      details: [{ field: '2027-02-06', messages: ['春节（正月初一）是法定节假日（《全国年节及纪念日放假办法》），但不在 2027 年的放假日期中'] }],
      description: 'REGULATION: the notice does not fit the law or the calendar data’s shape; details name each date or field; nothing is kept',
    },
  )
  async load(@Body() body: Record<string, unknown>, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }): Promise<unknown> {
    const year =
      typeof body?.year === 'number' || typeof body?.year === 'string'
        ? String(body.year).slice(0, 4)
        : body?.years && typeof body.years === 'object'
          ? (Object.keys(body.years as object)[0]?.slice(0, 4) ?? '?')
          : '?';
    try {
      const result = await this.services.command('deadline', 'calendar-load', { actor: caller, body });
      const view = result.data as CalendarYearView & { notes: string[] };
      const r: CalendarLoadResult | null = view.result;
      await this.security.record({
        event: 'calendar-loaded',
        actor: caller.username,
        target: `calendar/${view.year}`,
        ip: req.ip ?? null,
        detail: { computed: r?.computed ?? 0, moved: r?.moved ?? 0 },
      });
      // The report columns and case views follow the notice: wait (bounded) until reporting has it.
      for (const id of result.eventIds) {
        await this.services
          .query('reporting', 'await-event', { eventId: id }, caller)
          .catch((e) => this.logger.warn(`reporting has not applied the ${view.year} notice yet: ${maskText(String((e as Error)?.message ?? e))}`));
      }
      return view;
    } catch (e) {
      if (e instanceof DomainError && e.status === 422)
        await this.security.record({ event: 'calendar-load-refused', actor: caller.username, target: `calendar/${year}`, ip: req.ip ?? null, detail: { code: e.code } });
      throw e;
    }
  }
}
