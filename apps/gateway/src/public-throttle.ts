import { createHash } from 'node:crypto';
import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { TooManyRequestsError } from '#libs/common';
import { formatInstant } from '#libs/regulation';
import { GATEWAY_SETTINGS, officeTimeZone, publicDoorSettings, type GatewaySettings } from './gateway.settings.js';

const BY_ADDRESS = 'public:';

/**
 * The public door's rate limit (@nestjs/throttler, as the login's): PUBLIC_RATE_PER_ADDRESS
 * requests to /api/v1/public/* per client address per PUBLIC_RATE_WINDOW_SECONDS, counted for
 * all its routes together (a guess at a code is a guess whichever route it goes to); past it, 429
 * RATE_LIMITED with Retry-After and a zh-CN message saying when to try again, and the refusal in
 * the security log. Counted in the process, like the login throttle: the lockout per tracking
 * number, counted by intake in its database, is what holds across gateway replicas.
 */
@Injectable()
export class PublicThrottleGuard extends ThrottlerGuard {
  // The parameters keep ThrottlerGuard's positions (Nest merges the parent's injection metadata by index);
  // the login's throttlers (the module's options) are replaced by the public door's.
  constructor(
    @InjectThrottlerOptions() _loginOptions: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {
    const s = publicDoorSettings(settings);
    super(
      { throttlers: [{ name: 'public-address', ttl: s.rateWindowSeconds * 1000, limit: s.ratePerAddress, getTracker: (req: { ip?: string }) => BY_ADDRESS + (req.ip ?? '') }] },
      storage,
      reflector,
    );
  }

  /** One count per address for every public route (the default key is per route). */
  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    return createHash('sha256').update(`${name}-${tracker}`).digest('hex');
  }

  protected override async throwThrottlingException(ctx: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = ctx.switchToHttp().getRequest<{ ip?: string }>();
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    await this.security.record({ event: 'public-throttled', actor: null, target: null, ip: req.ip ?? null, detail: { by: 'address' } });
    const tz = officeTimeZone(this.settings);
    const at = formatInstant(new Date(Date.now() + seconds * 1000), tz).slice(11, 19);
    throw new TooManyRequestsError(`您所在的网络地址查询过于频繁，请于 ${at}（${tz === 'Asia/Shanghai' ? '北京时间' : tz}，约 ${seconds} 秒后）再试`, seconds);
  }
}
