import { Body, Controller, ForbiddenException, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { NotFoundError } from '#libs/common';
import { SERVICE_API, type Caller, type ServiceApi, type ServiceCommand } from './service-api.js';
import { RUNTIME_OPTIONS, type RuntimeOptions } from './runtime.options.js';

/** The gateway's door into a service in distributed mode. Not part of the public API. */
@ApiExcludeController()
@Controller('internal')
export class InternalController {
  constructor(
    @Inject(SERVICE_API) private readonly api: ServiceApi,
    @Inject(RUNTIME_OPTIONS) private readonly options: RuntimeOptions,
  ) {}

  private check(token: string | undefined): void {
    if (this.options.internalToken && token !== this.options.internalToken) throw new ForbiddenException('internal token required');
  }

  @Post('commands/:name')
  @HttpCode(200)
  command(@Param('name') name: string, @Body() cmd: ServiceCommand, @Headers('x-internal-token') token?: string) {
    this.check(token);
    const fn = this.api.commands[name];
    if (!fn) throw new NotFoundError(`no command ${name}`);
    return fn(cmd);
  }

  @Post('queries/:name')
  @HttpCode(200)
  async query(@Param('name') name: string, @Body() body: { params: unknown; actor: Caller | null }, @Headers('x-internal-token') token?: string) {
    this.check(token);
    const fn = this.api.queries[name];
    if (!fn) throw new NotFoundError(`no query ${name}`);
    return (await fn(body.params, body.actor)) ?? null;
  }
}
