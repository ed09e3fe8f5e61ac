import type { Actor } from '#libs/contracts';

export type Role = 'reception' | 'office' | 'handler' | 'leader' | 'admin';
export const ROLES: Role[] = ['reception', 'office', 'handler', 'leader', 'admin'];

/**
 * A caller's role: a user's, or `petitioner` — the petitioner themself on the public door once the
 * case's query code is verified (libs/regulation PETITIONER_ROLE; never a user's role).
 */
export type CallerRole = Role | 'petitioner';

/** Who acts, as the gateway authenticated them. */
export interface Caller extends Actor {
  username: string;
  roles: CallerRole[];
  unitCode?: string | null;
}

/** A command as it reaches the owning service, the same in-process or over internal HTTP. */
export interface ServiceCommand<B = Record<string, unknown>> {
  caseId?: string;
  actor: Caller;
  body: B;
  /** The newest event of the case the caller had seen: the service first catches up to it. */
  after?: string | null;
  /** Back-dated action time (admin only, checked by the gateway). */
  at?: string | null;
  /** The case's latest step as the caller saw it: a back-dated `at` may not go before it. */
  atNotBefore?: { type: string; at: string } | null;
}

export interface CommandResult {
  caseId: string;
  eventIds: string[];
  /** POST /petitions: true when a new case was opened, false for a repeat contact. */
  created?: boolean;
  /** What a command that creates something other than a case answers with. */
  data?: unknown;
}

export type CommandFn = (cmd: ServiceCommand<any>) => Promise<CommandResult>;
export type QueryFn = (params: any, actor: Caller | null) => Promise<unknown>;

/** What a service offers the gateway: its commands and queries by name. */
export interface ServiceApi {
  commands: Record<string, CommandFn>;
  queries: Record<string, QueryFn>;
}
export const SERVICE_API = Symbol('SERVICE_API');

/** The gateway's way to reach a service: in-process (embedded) or internal HTTP (distributed). */
export interface ServiceClient {
  command(service: string, name: string, cmd: ServiceCommand<any>): Promise<CommandResult>;
  query<T = unknown>(service: string, name: string, params: unknown, actor: Caller | null): Promise<T>;
}
export const SERVICE_CLIENT = Symbol('SERVICE_CLIENT');
