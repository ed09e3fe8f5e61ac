import { Inject, Injectable } from '@nestjs/common';
import { SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { ForbiddenError } from '#libs/common';
import { SERVICE_CLIENT, type Caller, type CommandResult, type ServiceClient } from '#libs/runtime';

type CaseView = Record<string, unknown> & { id: string };

/**
 * The gateway's one recipe for every action: learn what the caller has seen of the case (its
 * newest event in the read model), let the owning service act once it has caught up with that,
 * then answer with the case as the read model shows it after the action's events.
 */
@Injectable()
export class PetitionsFacade {
  constructor(
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
  ) {}

  async register(body: object, caller: Caller): Promise<{ created: boolean; view: CaseView }> {
    const result = await this.services.command('intake', 'register-petition', { actor: caller, body });
    return { created: !!result.created, view: await this.readAfter(result, caller) };
  }

  async act(caseId: string, service: string, command: string, body: Record<string, unknown>, caller: Caller): Promise<CaseView> {
    const { at, ...rest } = body as { at?: string };
    if (at && !caller.roles.includes('admin')) throw new ForbiddenError('只有系统管理员可以补录行为时间（at）');
    const head = await this.services.query<{ lastEventId: string; lastStep?: { type: string; at: string } | null }>('reporting', 'head', { id: caseId, ...(at ? { lastStep: true } : {}) }, caller);
    const result = await this.services.command(service, command, { caseId, actor: caller, body: rest, after: head.lastEventId, at: at ?? null, atNotBefore: at ? (head.lastStep ?? null) : null });
    // Every act of the administrator on a case is a correction (paper records entered later, data put right): audited.
    if (caller.roles.includes('admin')) {
      await this.security.record({ event: 'case-correction', actor: caller.username, target: `petitions/${caseId}`, ip: null, detail: { action: command, at: at ?? null, eventId: result.eventIds.at(-1) ?? null } });
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

  async createSession(body: object, caller: Caller): Promise<unknown> {
    const result = await this.services.command('intake', 'create-reception-session', { actor: caller, body });
    // Answer once the reports can count visits under it.
    await this.services.query('reporting', 'await-event', { eventId: result.eventIds.at(-1) }, caller);
    return result.data;
  }

  private readAfter(result: CommandResult, caller: Caller): Promise<CaseView> {
    return this.services.query('reporting', 'case', { id: result.caseId, waitFor: result.eventIds.at(-1) }, caller);
  }
}
