import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { TooManyRequestsError } from '#libs/common';
import { formatInstant } from '#libs/regulation';
import { accountSettings, GATEWAY_SETTINGS, officeTimeZone, type GatewaySettings } from './gateway.settings.js';

const BY_USERNAME = 'u:';
const BY_ADDRESS = 'a:';

/** The login throttles (@nestjs/throttler): attempts per username and per client address in a window. */
export function loginThrottlers(settings: GatewaySettings): ThrottlerModuleOptions {
  const a = accountSettings(settings);
  const ttl = a.rateWindowSeconds * 1000;
  return {
    throttlers: [
      {
        name: 'username',
        ttl,
        limit: a.ratePerUsername,
        getTracker: (req: { body?: { username?: unknown } }) => BY_USERNAME + (typeof req.body?.username === 'string' ? req.body.username.trim().toLowerCase() : ''),
      },
      { name: 'address', ttl, limit: a.ratePerAddress, getTracker: (req: { ip?: string }) => BY_ADDRESS + (req.ip ?? '') },
    ],
  };
}

/**
 * ThrottlerGuard for POST /auth/login: past the limit, 429 RATE_LIMITED with Retry-After and a
 * zh-CN message saying when (office time) to try again; the refusal goes to the security log.
 * The counts are kept in the process (each gateway replica counts its own); the lockout, counted
 * in the database, is what holds across replicas.
 */
@Injectable()
export class LoginThrottleGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {
    super(options, storage, reflector);
  }

  protected override async throwThrottlingException(ctx: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = ctx.switchToHttp().getRequest<{ ip?: string }>();
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    const by = detail.tracker.startsWith(BY_USERNAME) ? 'username' : 'address';
    await this.security.record({ event: 'login-throttled', actor: null, target: null, ip: req.ip ?? null, detail: { by } });
    const tz = officeTimeZone(this.settings);
    const at = formatInstant(new Date(Date.now() + seconds * 1000), tz).slice(11, 19);
    const who = by === 'username' ? '该用户名' : '您所在的网络地址';
    throw new TooManyRequestsError(`${who}登录尝试过于频繁，请于 ${at}（${tz === 'Asia/Shanghai' ? '北京时间' : tz}，约 ${seconds} 秒后）再试`, seconds);
  }
}
