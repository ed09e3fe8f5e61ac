import { Body, Controller, ForbiddenException, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { NotFoundError } from '#libs/common';
import { commandOf, SERVICE_API, type Caller, type ServiceApi, type ServiceCommand } from './service-api.js';
import { RUNTIME_OPTIONS, type RuntimeOptions } from './runtime.options.js';
import { assertSafeInput } from './body-guards.js';

/** The gateway's door into a service in distributed mode. Not part of the public API. */
@ApiExcludeController()
@Controller('internal')
export class InternalController {
  constructor(
    @Inject(SERVICE_API) private readonly api: ServiceApi,
    @Inject(RUNTIME_OPTIONS) private readonly options: RuntimeOptions,
  ) {}

  /**
   * The token first; then the same guards as the public door (no prototype-reaching key, depth
   * bounded): a command may come from elsewhere than the gateway.
   */
  private check(token: string | undefined, body: unknown): void {
    if (this.options.internalToken && token !== this.options.internalToken) throw new ForbiddenException('internal token required');
    assertSafeInput(body, 'body');
  }

  @Post('commands/:name')
  @HttpCode(200)
  command(@Param('name') name: string, @Body() cmd: ServiceCommand, @Headers('x-internal-token') token?: string) {
    this.check(token, cmd);
    const fn = commandOf(this.api, name);
    if (!fn) throw new NotFoundError(`no command ${name}`);
    return fn(cmd);
  }

  @Post('queries/:name')
  @HttpCode(200)
  async query(@Param('name') name: string, @Body() body: { params: unknown; actor: Caller | null }, @Headers('x-internal-token') token?: string) {
    this.check(token, body);
    const fn = this.api.queries[name];
    if (!fn) throw new NotFoundError(`no query ${name}`);
    return (await fn(body.params, body.actor)) ?? null;
  }
}
