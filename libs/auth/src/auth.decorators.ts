import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Caller, Role } from '#libs/runtime';

export const IS_PUBLIC = 'auth:public';
export const ROLES_KEY = 'auth:roles';
export const PENDING_PASSWORD_CHANGE_OK = 'auth:pending-password-change-ok';

/** No token needed (login, refresh, logout, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Roles allowed on a route; admin is always allowed (data correction). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/**
 * Open to a user whose password was reset and must be changed first (the change itself); every
 * other route answers them 403 PASSWORD_CHANGE_REQUIRED.
 */
export const AllowedBeforePasswordChange = () => SetMetadata(PENDING_PASSWORD_CHANGE_OK, true);
/** The authenticated caller. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest().caller);
