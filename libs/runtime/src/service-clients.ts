import { currentLogContext, domainErrorFromBody, NotFoundError, UnavailableError, type ErrorBody } from '#libs/common';
import { commandOf, type Caller, type CommandResult, type ServiceApi, type ServiceClient, type ServiceCommand } from './service-api.js';

export class InProcessServiceClient implements ServiceClient {
  constructor(private readonly apis: Record<string, ServiceApi>) {}
  private api(service: string): ServiceApi {
    const api = this.apis[service];
    if (!api) throw new Error(`no service ${service} in this process`);
    return api;
  }
  command(service: string, name: string, cmd: ServiceCommand<unknown>): Promise<CommandResult> {
    const fn = commandOf(this.api(service), name);
    if (!fn) throw new NotFoundError(`${service} 服务没有命令 ${name}`);
    return fn(cmd);
  }
  query<T>(service: string, name: string, params: unknown, actor: Caller | null): Promise<T> {
    const fn = this.api(service).queries[name];
    if (!fn) throw new NotFoundError(`${service} 服务没有查询 ${name}`);
    return fn(params, actor) as Promise<T>;
  }
}

/** Internal HTTP between the gateway and the services (never between services). */
export class HttpServiceClient implements ServiceClient {
  constructor(
    private readonly urls: Record<string, string>,
    private readonly token: string,
    private readonly timeoutMs = 15000,
  ) {}

  command(service: string, name: string, cmd: ServiceCommand<unknown>): Promise<CommandResult> {
    return this.post(service, `/internal/commands/${name}`, cmd);
  }
  query<T>(service: string, name: string, params: unknown, actor: Caller | null): Promise<T> {
    return this.post(service, `/internal/queries/${name}`, { params, actor });
  }

  private async post<T>(service: string, path: string, body: unknown): Promise<T> {
    const base = this.urls[service];
    if (!base) throw new Error(`no URL configured for service ${service}`);
    let res: Response;
    try {
      res = await fetch(base + path, {
        method: 'POST',
        // The request id goes along: the service logs it and puts it in the events' correlation id.
        headers: { 'content-type': 'application/json', 'x-internal-token': this.token, ...(currentLogContext()?.requestId ? { 'x-request-id': currentLogContext()!.requestId! } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new UnavailableError(`${service} 服务暂时无法访问，请稍后再试（${(e as Error).message}）`);
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = json && typeof json === 'object' ? domainErrorFromBody(json as ErrorBody) : undefined;
      throw err ?? new UnavailableError(`${service} 服务暂不可用（HTTP ${res.status}）`);
    }
    return json as T;
  }
}
