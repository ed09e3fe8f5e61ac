import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ForbiddenError, UnauthorizedError } from '#libs/common';
import { roleName } from '#libs/regulation';
import type { Caller, Role } from '#libs/runtime';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorators.js';

export interface TokenClaims {
  sub: string;
  roles: Role[];
  unitCode: string | null;
  name: string;
}

/** Every route needs a valid bearer token unless marked @Public; then its @Roles are checked. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    const header: string | undefined = req.headers?.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) throw new UnauthorizedError('请先登录（缺少访问令牌）');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new UnauthorizedError('登录已失效，请重新登录');
    }
    const caller: Caller = { username: claims.sub, roles: claims.roles, unitCode: claims.unitCode };
    req.caller = caller;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (allowed && !caller.roles.includes('admin') && !allowed.some((r) => caller.roles.includes(r))) {
      throw new ForbiddenError(`此操作需要以下角色之一：${allowed.map(roleName).join('、')}`);
    }
    return true;
  }
}
