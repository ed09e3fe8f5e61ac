import { Controller, Get, HttpCode, Inject, Injectable, Logger, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CurrentCaller, Roles, SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { DomainError, maskText, NotFoundError } from '#libs/common';
import type { DeadLetterView } from '#libs/messaging';
import { formatInstant } from '#libs/regulation';
import { Label, SERVICE_CLIENT, type Caller, type ServiceClient } from '#libs/runtime';
import { ApiErrors, DeadLetterItemDto, DeadLetterListDto } from './dto/responses.js';
import { GATEWAY_SETTINGS, officeTimeZone, SERVICES, type GatewaySettings } from './gateway.settings.js';

/** The services that own a database, each with its own dead letters. */
export const DEAD_LETTER_SERVICES = SERVICES;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

export class DeadLettersQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'replayed', 'discarded'], description: 'only dead letters in this state (all when absent)' })
  @Label('状态')
  @IsOptional()
  @IsIn(['open', 'replayed', 'discarded'], { message: '状态只能是 open（待处理）、replayed（已重放）或 discarded（已丢弃）' })
  status?: 'open' | 'replayed' | 'discarded';
}

/** One dead letter as the administrator sees it (office time, no message value, reason masked). */
export interface DeadLetterItem {
  service: DeadLetterService;
  id: string;
  eventType: string | null;
  eventId: string | null;
  caseId: string | null;
  reason: string;
  attempts: number;
  replayable: boolean;
  firstFailedAt: string;
  lastFailedAt: string;
  status: DeadLetterView['status'];
  resolvedAt: string | null;
  resolvedBy: string | null;
}

/**
 * The administrator's view of every service's dead letters: the list gathers them from the five
 * services (in-process or over the internal port, as the gateway reaches them for everything
 * else); a replay or discard goes to the service that holds the row, and is recorded in the
 * security log with who and when.
 */
@Injectable()
export class DeadLettersService {
  private readonly logger = new Logger('DeadLetters');
  constructor(
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  private item(service: DeadLetterService, v: DeadLetterView): DeadLetterItem {
    const tz = officeTimeZone(this.settings);
    const at = (iso: string | null) => (iso ? formatInstant(new Date(iso), tz) : null);
    return {
      service,
      id: v.id,
      eventType: v.eventType,
      eventId: v.eventId,
      caseId: v.caseId,
      reason: maskText(v.reason),
      attempts: v.attempts,
      replayable: v.replayable,
      firstFailedAt: at(v.firstFailedAt)!,
      lastFailedAt: at(v.lastFailedAt)!,
      status: v.status,
      resolvedAt: at(v.resolvedAt),
      resolvedBy: v.resolvedBy,
    };
  }

  /** Oldest first; a service that does not answer is named in `unavailable`, the others still listed. */
  async list(status: string | undefined, caller: Caller): Promise<{ items: DeadLetterItem[]; total: number; unavailable: DeadLetterService[] }> {
    const answers = await Promise.all(
      DEAD_LETTER_SERVICES.map(async (service) => {
        try {
          const views = await this.services.query<DeadLetterView[]>(service, 'dead-letters', { status }, caller);
          return { service, items: (views ?? []).map((v) => this.item(service, v)) };
        } catch (e) {
          this.logger.warn(`${service}: dead letters not listed: ${maskText((e as Error)?.message ?? String(e))}`);
          return { service, items: null };
        }
      }),
    );
    const items = answers.flatMap((a) => a.items ?? []).sort((a, b) => a.firstFailedAt.localeCompare(b.firstFailedAt) || a.id.localeCompare(b.id));
    return { items, total: items.length, unavailable: answers.filter((a) => !a.items).map((a) => a.service) };
  }

  async act(action: 'replay' | 'discard', service: string, id: string, caller: Caller, ip: string | null): Promise<DeadLetterItem> {
    if (!(DEAD_LETTER_SERVICES as readonly string[]).includes(service)) throw new NotFoundError(`没有名为 ${String(service).slice(0, 40)} 的服务`);
    const svc = service as DeadLetterService;
    const target = `dead-letters/${svc}/${String(id).slice(0, 36)}`;
    try {
      const result = await this.services.command(svc, `dead-letter-${action}`, { actor: caller, body: { id } });
      const item = this.item(svc, result.data as DeadLetterView);
      await this.security.record({
        event: action === 'replay' ? 'dead-letter-replayed' : 'dead-letter-discarded',
        actor: caller.username,
        target,
        ip,
        detail: { eventType: item.eventType, caseId: item.caseId },
      });
      return item;
    } catch (e) {
      if (action === 'replay' && e instanceof DomainError && e.status === 422) {
        await this.security.record({ event: 'dead-letter-replay-failed', actor: caller.username, target, ip, detail: { code: e.code } });
      }
      throw e;
    }
  }
}

const ITEM =
  '{service, id, eventType, eventId, caseId, reason (masked), attempts, replayable, firstFailedAt, lastFailedAt, status: open|replayed|discarded, resolvedAt, resolvedBy} (instants in office time, +08:00)';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('api/v1/admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary:
      `Dead-lettered events of all five services (死信事件: a message that failed validation, or whose handler failed three times), oldest first: {items: [${ITEM}], total, unavailable: [services that did not answer]}. ` +
      'Never the message itself, never personal data',
  })
  @ApiOkResponse({ type: DeadLetterListDto })
  @ApiErrors(
    {
      status: 400,
      message: '输入有误：状态只能是 open（待处理）、replayed（已重放）或 discarded（已丢弃）',
      details: [{ field: 'status', messages: ['状态只能是 open（待处理）、replayed（已重放）或 discarded（已丢弃）'] }],
    },
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
  )
  list(@Query() q: DeadLettersQueryDto, @CurrentCaller() caller: Caller) {
    return this.deadLetters.list(q.status, caller);
  }

  @Post(':service/:id/replay')
  @HttpCode(200)
  @Roles('admin')
  @ApiParam({ name: 'service', enum: [...DEAD_LETTER_SERVICES] })
  @ApiOperation({
    summary:
      'Replay a dead letter (重放) after the cause was fixed: the stored event runs through the service’s handlers again (applied once: processed_event); answers the item, now replayed. Recorded in the security log',
  })
  @ApiOkResponse({ type: DeadLetterItemDto, description: 'the item, now replayed' })
  @ApiErrors(
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
    { status: 404, message: '没有编号为 0190a3c2-5b1e-7c4d-9e8f-1a2b3c4d5e6f 的死信事件', description: 'NOT_FOUND: no such service, or no such dead letter in it' },
    {
      status: 409,
      code: 'DEAD_LETTER_STATE',
      message: '该死信事件已重放，不能再重放',
      description: 'DEAD_LETTER_STATE: replayed or discarded already, or only a masked copy was kept (not a valid event, or personal data in clear)',
    },
    {
      status: 422,
      code: 'REPLAY_FAILED',
      message: '重放失败，死信事件仍待处理：…',
      description: 'REPLAY_FAILED: the handler failed again; the dead letter stays open with one attempt more and the new reason, which the message gives',
    },
  )
  replay(@Param('service') service: string, @Param('id') id: string, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.deadLetters.act('replay', service, id, caller, req.ip ?? null);
  }

  @Post(':service/:id/discard')
  @HttpCode(200)
  @Roles('admin')
  @ApiParam({ name: 'service', enum: [...DEAD_LETTER_SERVICES] })
  @ApiOperation({
    summary:
      'Discard a dead letter (丢弃): the administrator decides the event must not apply; its event id is recorded as processed in that service, so a redelivered copy is not applied either. Answers the item, now discarded, with who and when. Recorded in the security log',
  })
  @ApiOkResponse({ type: DeadLetterItemDto, description: 'the item, now discarded' })
  @ApiErrors(
    401,
    { status: 403, message: '此操作需要以下角色之一：系统管理员' },
    { status: 404, message: '没有编号为 0190a3c2-5b1e-7c4d-9e8f-1a2b3c4d5e6f 的死信事件', description: 'NOT_FOUND: no such service, or no such dead letter in it' },
    { status: 409, code: 'DEAD_LETTER_STATE', message: '该死信事件已丢弃，不能再丢弃', description: 'DEAD_LETTER_STATE: replayed or discarded already' },
  )
  discard(@Param('service') service: string, @Param('id') id: string, @CurrentCaller() caller: Caller, @Req() req: { ip?: string }) {
    return this.deadLetters.act('discard', service, id, caller, req.ip ?? null);
  }
}
