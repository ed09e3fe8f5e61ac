import type { Caller } from '#libs/runtime';

/** What an access token says (signed by the gateway, 15 minutes by default). */
export interface TokenClaims {
  sub: string;
  roles: Caller['roles'];
  unitCode: string | null;
  name: string;
  /** The user's token version when it was issued: disabling, a password change or reset bump it. */
  ver: number;
  /** The session (refresh token family) it belongs to: logout ends it. */
  sid: string;
  exp?: number;
  iat?: number;
}

/** The account a token stands for, as it is now (not as it was when the token was issued). */
export type TokenStanding = { ok: true; caller: Caller; mustChangePassword: boolean } | { ok: false; message: string };

/** Answers, for a well-signed token, whether its user may still use it: exists, active, same version, session not ended. */
export interface TokenAuthority {
  standing(claims: TokenClaims): Promise<TokenStanding>;
}
export const TOKEN_AUTHORITY = Symbol('TOKEN_AUTHORITY');

/** One entry of the security log: no personal data (no identity numbers, phones, addresses, passwords). */
export interface SecurityEventInput {
  event: string;
  /** Who did it (a username), null before authentication. */
  actor: string | null;
  /** What it was done to: a username, a route, a report. */
  target?: string | null;
  ip?: string | null;
  /** Small facts about it: a reason, a code, the kind of key of a lookup (never the key). */
  detail?: Record<string, string | number | boolean | null>;
}
export interface SecurityEvents {
  record(e: SecurityEventInput): Promise<void>;
}
export const SECURITY_EVENTS = Symbol('SECURITY_EVENTS');
