import type { Actor, CommandBody, CommandName, CommandsOf, OwnCommandsOf, ServiceName } from '#libs/contracts';

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

/** A command's handler, taking the body the registry (libs/contracts Commands) gives its name. */
export type CommandFn<N extends CommandName> = (cmd: ServiceCommand<CommandBody<N>>) => Promise<CommandResult>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each query reads its own parameters (queries are not in the registry yet)
export type QueryFn = (params: any, actor: Caller | null) => Promise<unknown>;

/**
 * A service's own commands, each handler taking the body the registry gives its name: a missing,
 * unknown or misnamed one, or a handler for another body, is a compile error. Write the module's
 * map as `{ … } satisfies ServiceCommands<'intake'>`.
 */
export type ServiceCommands<S extends ServiceName> = { [N in OwnCommandsOf<S>]: CommandFn<N> };

/** What a service offers the gateway: its commands and queries by name (looked up by the transports). */
export interface ServiceApi {
  commands: { [N in CommandName]?: CommandFn<N> };
  queries: Record<string, QueryFn>;
}
export const SERVICE_API = Symbol('SERVICE_API');

/** The handler of a command named at run time (a transport's path, the control socket): the body is the sender's, unchecked by the compiler. */
export function commandOf(api: ServiceApi, name: string): ((cmd: ServiceCommand<unknown>) => Promise<CommandResult>) | undefined {
  return (api.commands as Record<string, ((cmd: ServiceCommand<unknown>) => Promise<CommandResult>) | undefined>)[name];
}

/** The gateway's way to reach a service: in-process (embedded) or internal HTTP (distributed). */
export interface ServiceClient {
  /** A command of the registry, to a service that answers it, with the body the registry gives it. */
  command<S extends ServiceName, N extends CommandsOf<S>>(service: S, name: N, cmd: ServiceCommand<CommandBody<N>>): Promise<CommandResult>;
  query<T = unknown>(service: string, name: string, params: unknown, actor: Caller | null): Promise<T>;
}
export const SERVICE_CLIENT = Symbol('SERVICE_CLIENT');
