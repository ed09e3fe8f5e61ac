import { Inject, Injectable, Logger, Optional, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ApiAcceptedResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { map, type Observable } from 'rxjs';
import { SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { ForbiddenError, maskText } from '#libs/common';
import type { CommandBody, CommandsOf, ReceptionSessionBody, RegisterPetitionBody, ServiceName } from '#libs/contracts';
import { SERVICE_CLIENT, type Caller, type CommandResult, type ServiceClient } from '#libs/runtime';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';

type CaseView = Record<string, unknown> & { id: string };

/** The default of READ_YOUR_WRITES_TIMEOUT_MS (libs/runtime settings), when the settings do not say. */
const DEFAULT_READ_YOUR_WRITES_MS = 10_000;
/** Beyond the read model's own bound: the time the internal call itself may take. */
const READ_MARGIN_MS = 2_000;
/** Cases whose newest command event the gateway remembers (oldest forgotten first). */
const CASE_HEADS_MAX = 50_000;

export const PENDING_VIEW_MESSAGE = '已保存，案件视图稍后更新';
export const PENDING_SESSION_MESSAGE = '已保存，统计数据稍后更新';

/**
 * A command that committed while the read model could not show it in time (it lags, or the
 * reporting service is down): answered 202 Accepted with what identifies the write, never 5xx.
 */
export class PendingView {
  constructor(readonly body: Record<string, unknown>) {}
}

/** The 202 answer's shape (OpenAPI). */
export class PendingViewDto {
  @ApiProperty({ description: 'the case id (a reception session: its id)', example: '0b7c5e52-6f0e-4c1b-9d5e-3f1a2b4c6d8e' }) id: string;
  @ApiPropertyOptional({ description: 'the tracking number, when the command knows it (registration)', example: 'XF20241104A1B2C3D4', nullable: true }) trackingNo?: string | null;
  @ApiProperty({ description: 'the id of the event the command committed (its last one)', example: '7d1f0c0e-2b1a-4d5e-9c8b-6a5f4e3d2c1b' }) eventId: string;
  @ApiProperty({ description: 'every event the command committed, in order', type: [String] }) eventIds: string[];
  @ApiProperty({ enum: ['accepted-pending-view'] }) status: 'accepted-pending-view';
  @ApiPropertyOptional({ description: 'registration: true when a new case was opened, false for a repeat contact' }) created?: boolean;
  @ApiPropertyOptional({
    description: 'registration of a new case, or a new code issued: the query code (查询码) the petitioner follows the case with, answered only here (null for a repeat contact)',
    example: 'K7M2QX',
    nullable: true,
  })
  queryCode?: string | null;
  @ApiProperty({ example: PENDING_VIEW_MESSAGE }) message: string;
}

/** Documents the 202 of a command (OpenAPI). */
export const ApiPendingView = (
  description = 'the command is saved (committed) but the case view does not show it yet (the read model lags or is down): {id, trackingNo?, eventId, eventIds, status: accepted-pending-view, message 已保存，案件视图稍后更新}; GET the case later',
) => ApiAcceptedResponse({ type: PendingViewDto, description });

/** Sets 202 for a PendingView and answers its body (inside the idempotency interceptor, which keeps both). */
@Injectable()
export class PendingViewInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((answer) => {
        if (!(answer instanceof PendingView)) return answer;
        ctx.switchToHttp().getResponse<{ status(n: number): void }>().status(202);
        return answer.body;
      }),
    );
  }
}

/**
 * The newest event of each case the gateway's own commands produced: the next command on the case
 * asks the owning service to have applied it first (read-your-writes across services, e.g.
 * 受理 in assignment, then 办结 in closure). Kept in memory: a restarted or second gateway
 * does not know it, and the owning service then decides on what it has applied.
 */
export class CaseHeads {
  private readonly heads = new Map<string, string>();
  constructor(private readonly max = CASE_HEADS_MAX) {}
  get(caseId: string): string | null {
    return this.heads.get(caseId) ?? null;
  }
  note(caseId: string, eventId: string | undefined): void {
    if (!eventId) return;
    this.heads.delete(caseId);
    this.heads.set(caseId, eventId);
    if (this.heads.size > this.max) this.heads.delete(this.heads.keys().next().value!);
  }
}

/**
 * The gateway's one recipe for every action: the owning service decides from its own state (having
 * first applied the case's newest event this gateway sent it), then the answer is the case as the
 * read model shows it after the action's events — or, when the read model cannot show it within
 * READ_YOUR_WRITES_TIMEOUT_MS, 202 with the ids of the committed write.
 */
@Injectable()
export class PetitionsFacade {
  private readonly logger = new Logger('Petitions');
  private readonly heads = new CaseHeads();
  private readonly readTimeoutMs: number;

  constructor(
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
    @Optional() @Inject(GATEWAY_SETTINGS) settings?: GatewaySettings,
  ) {
    this.readTimeoutMs = (settings?.readYourWritesTimeoutMs ?? DEFAULT_READ_YOUR_WRITES_MS) + READ_MARGIN_MS;
  }

  /**
   * A new case's answer carries its query code (查询码): the only time it is shown, with the new
   * code the office may issue later. A repeat contact gets none (null): the code was given with
   * the case.
   */
  async register(body: RegisterPetitionBody, caller: Caller): Promise<{ created: boolean; view: CaseView } | PendingView> {
    const result = await this.services.command('intake', 'register-petition', { actor: caller, body });
    this.heads.note(result.caseId, result.eventIds.at(-1));
    const created = !!result.created;
    const data = result.data as { trackingNo?: string; queryCode?: string } | undefined;
    const trackingNo = data?.trackingNo ?? null;
    const queryCode = created ? (data?.queryCode ?? null) : null;
    const view = await this.readAfter(result, caller, { trackingNo, created, queryCode });
    return view instanceof PendingView ? view : { created, view: { ...view, queryCode } };
  }

  /** A new query code for the case (the petitioner lost theirs): the old one stops working; audited. */
  async reissueQueryCode(caseId: string, caller: Caller, ip: string | null): Promise<CaseView | PendingView> {
    const result = await this.services.command('intake', 'reissue-query-code', { caseId, actor: caller, body: {}, after: this.heads.get(caseId) });
    this.heads.note(caseId, result.eventIds.at(-1));
    await this.security.record({ event: 'query-code-reissued', actor: caller.username, target: `petitions/${caseId}`, ip, detail: { eventId: result.eventIds.at(-1) ?? null } });
    const data = result.data as { trackingNo: string; queryCode: string };
    const view = await this.readAfter(result, caller, { trackingNo: data.trackingNo, queryCode: data.queryCode });
    return view instanceof PendingView ? view : { ...view, queryCode: data.queryCode };
  }

  /** An action on a case: a command of the registry to the service that owns it; `at` (admin only) back-dates it. */
  async act<S extends ServiceName, N extends CommandsOf<S>>(caseId: string, service: S, command: N, body: CommandBody<N> & { at?: string }, caller: Caller): Promise<CaseView | PendingView> {
    const { at, ...rest } = body;
    if (at && !caller.roles.includes('admin')) throw new ForbiddenError('只有系统管理员可以补录行为时间（at）');
    const after = this.heads.get(caseId);
    // A back-dated act may not go before the case's latest step: the deadline service keeps the whole history.
    const atNotBefore = at ? await this.services.query<{ type: string; at: string } | null>('deadline', 'last-step', { id: caseId, after }, caller) : null;
    const result = await this.services.command(service, command, { caseId, actor: caller, body: rest as CommandBody<N>, after, at: at ?? null, atNotBefore });
    this.heads.note(caseId, result.eventIds.at(-1));
    // Every act of the administrator on a case is a correction (paper records entered later, data put right): audited.
    if (caller.roles.includes('admin')) {
      await this.security.record({
        event: 'case-correction',
        actor: caller.username,
        target: `petitions/${caseId}`,
        ip: null,
        detail: { action: command, at: at ?? null, eventId: result.eventIds.at(-1) ?? null },
      });
    }
    return this.readAfter(result, caller);
  }

  get(caseId: string, caller: Caller): Promise<CaseView> {
    return this.services.query('reporting', 'case', { id: caseId }, caller);
  }

  preview(caseId: string, params: { action: string; days?: number; mode?: string }, caller: Caller) {
    return this.services.query('reporting', 'preview', { id: caseId, ...params }, caller);
  }

  /** Intake knows the person (and records the lookup); the read model gives the list items. */
  async personCases(key: { idNumber?: string; name?: string; phone?: string }, caller: Caller) {
    const { caseIds } = await this.services.query<{ caseIds: string[] }>('intake', 'person-cases', key, caller);
    return this.services.query('reporting', 'items', { ids: caseIds }, caller);
  }

  list(params: object, caller: Caller) {
    return this.services.query('reporting', 'list', params, caller);
  }

  summary(params: object, caller: Caller) {
    return this.services.query('reporting', 'summary', params, caller);
  }

  reportCases(params: object, caller: Caller) {
    return this.services.query('reporting', 'report-cases', params, caller);
  }

  annual(params: { year: number }, caller: Caller) {
    return this.services.query('reporting', 'annual', params, caller);
  }

  sessions(params: { from: string; to: string }, caller: Caller) {
    return this.services.query('reporting', 'reception-sessions', params, caller);
  }

  breakdown(params: object, caller: Caller) {
    return this.services.query('reporting', 'breakdown', params, caller);
  }

  backlog(params: object, caller: Caller) {
    return this.services.query('reporting', 'backlog', params, caller);
  }

  async createSession(body: ReceptionSessionBody, caller: Caller): Promise<unknown> {
    const result = await this.services.command('intake', 'create-reception-session', { actor: caller, body });
    const eventId = result.eventIds.at(-1)!;
    // Answer once the reports can count visits under it — or, when they cannot yet, 202 with the session.
    const seen = await this.bounded(this.services.query('reporting', 'await-event', { eventId }, caller));
    if (seen.ok) return result.data;
    this.logger.warn(`reception session ${(result.data as { id?: string })?.id ?? ''} saved, the read model has not applied event ${eventId}: 202 (${seen.reason})`);
    return new PendingView({ ...(result.data as object), eventId, eventIds: result.eventIds, status: 'accepted-pending-view', message: PENDING_SESSION_MESSAGE });
  }

  /** The case after the command's events, or a 202 when the read model does not show it in time. */
  private async readAfter(result: CommandResult, caller: Caller, extra: { trackingNo?: string | null; created?: boolean; queryCode?: string | null } = {}): Promise<CaseView | PendingView> {
    const eventId = result.eventIds.at(-1)!;
    const read = await this.bounded(this.services.query<CaseView>('reporting', 'case', { id: result.caseId, waitFor: eventId }, caller));
    if (read.ok) return read.value;
    this.logger.warn(`case ${result.caseId}: command committed (event ${eventId}), the read model did not show it: 202 (${read.reason})`);
    return new PendingView({
      id: result.caseId,
      ...('trackingNo' in extra ? { trackingNo: extra.trackingNo } : {}),
      eventId,
      eventIds: result.eventIds,
      status: 'accepted-pending-view',
      ...(extra.created !== undefined ? { created: extra.created } : {}),
      ...('queryCode' in extra ? { queryCode: extra.queryCode } : {}),
      message: PENDING_VIEW_MESSAGE,
    });
  }

  /** A read after a committed write: whatever becomes of it (error, no answer in time), the write stands. */
  private async bounded<T>(read: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<{ ok: false; reason: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${this.readTimeoutMs} ms` }), this.readTimeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([read.then((value) => ({ ok: true as const, value })), late]);
    } catch (e) {
      return { ok: false, reason: maskText(String((e as Error)?.message ?? e)) };
    } finally {
      clearTimeout(timer);
    }
  }
}
