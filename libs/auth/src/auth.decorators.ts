import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Caller, Role } from '#libs/runtime';

export const IS_PUBLIC = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** No token needed (login, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Roles allowed on a route; admin is always allowed (data correction). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** The authenticated caller. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest().caller);
