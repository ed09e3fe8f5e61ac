import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ForbiddenError, UnauthorizedError } from '#libs/common';
import { roleName } from '#libs/regulation';
import type { Role } from '#libs/runtime';
import { IS_PUBLIC, PENDING_PASSWORD_CHANGE_OK, ROLES_KEY } from './auth.decorators.js';
import { SECURITY_EVENTS, TOKEN_AUTHORITY, type SecurityEvents, type TokenAuthority, type TokenClaims } from './auth.ports.js';

interface Req {
  headers?: Record<string, string | undefined>;
  method?: string;
  originalUrl?: string;
  url?: string;
  ip?: string;
  caller?: unknown;
}

/** The path of a request without its query string (a query can carry personal data). */
export const pathOf = (req: Req): string => (req.originalUrl ?? req.url ?? '').split('?')[0];

/**
 * Every route needs a valid bearer token unless marked @Public. Valid means: well signed, with
 * an expiry not passed (a token without `exp` is refused), and standing now — its user still
 * exists, is not disabled, has not changed or been given a new password since (token version),
 * and has not signed out of that session. Then the route's @Roles are checked against the
 * user's roles as they are now. A refusal with 403 is written to the security log.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    @Inject(TOKEN_AUTHORITY) private readonly authority: TokenAuthority,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Req>();
    const header = req.headers?.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) throw new UnauthorizedError('请先登录（缺少访问令牌）');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new UnauthorizedError('登录已失效，请重新登录');
    }
    if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || typeof claims.ver !== 'number' || typeof claims.sid !== 'string') {
      throw new UnauthorizedError('访问令牌无效，请重新登录');
    }
    const standing = await this.authority.standing(claims);
    if (!standing.ok) throw new UnauthorizedError(standing.message);
    const caller = standing.caller;
    req.caller = caller;
    if (standing.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(PENDING_PASSWORD_CHANGE_OK, targets)) {
      await this.refused(req, caller.username, 'PASSWORD_CHANGE_REQUIRED');
      throw new ForbiddenError('管理员已重置您的密码，请先修改密码', undefined, 'PASSWORD_CHANGE_REQUIRED');
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (allowed && !caller.roles.includes('admin') && !allowed.some((r) => caller.roles.includes(r))) {
      await this.refused(req, caller.username, 'FORBIDDEN');
      throw new ForbiddenError(`此操作需要以下角色之一：${allowed.map(roleName).join('、')}`);
    }
    return true;
  }

  private refused(req: Req, actor: string, code: string): Promise<void> {
    return this.security.record({ event: 'access-denied', actor, target: `${req.method ?? ''} ${pathOf(req)}`, ip: req.ip ?? null, detail: { code } });
  }
}
