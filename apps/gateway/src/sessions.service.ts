import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { SECURITY_EVENTS, type SecurityEvents, type TokenAuthority, type TokenClaims, type TokenStanding } from '#libs/auth';
import { UnauthorizedError } from '#libs/common';
import type { Role } from '#libs/runtime';
import { RefreshTokenRecord, SessionRecord, UserRecord } from './gateway.entities.js';
import { accountSettings, GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';

export interface IssuedTokens {
  accessToken: string;
  /** Opaque; send it to POST /auth/refresh for a new pair (it is then spent) and to /auth/logout. */
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

export type EndReason = 'logout' | 'reuse' | 'password' | 'reset' | 'disabled';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Sessions and their tokens. A login starts a session: a short-lived access token (JWT, with the
 * user's token version and the session id) and a refresh token (random, stored only as its
 * SHA-256). Each refresh spends the refresh token and gives a new pair; presenting a spent one
 * again means it was copied, so the whole session (the token family) ends. Logout ends the
 * session; disabling a user or changing their password ends all of theirs. The guard asks
 * `standing` on every request, so an ended session or a disabled user stops at once.
 */
@Injectable()
export class SessionsService implements TokenAuthority {
  private lastPrune = 0;
  constructor(
    @InjectRepository(UserRecord) private readonly users: Repository<UserRecord>,
    @InjectRepository(SessionRecord) private readonly sessions: Repository<SessionRecord>,
    @InjectRepository(RefreshTokenRecord) private readonly refreshTokens: Repository<RefreshTokenRecord>,
    private readonly jwt: JwtService,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
  ) {}

  async start(u: UserRecord): Promise<IssuedTokens> {
    await this.prune();
    const session: SessionRecord = { id: randomUUID(), username: u.username, tokenVersion: u.tokenVersion, createdAt: new Date(), endedAt: null, endReason: null };
    await this.sessions.insert(session);
    return this.issue(u, session.id);
  }

  /** Spends `token` and answers a new pair for its session, with the user as they are now. */
  async refresh(token: string, ip: string | null): Promise<{ tokens: IssuedTokens; user: UserRecord }> {
    const expired = () => new UnauthorizedError('登录已过期，请重新登录');
    const row = await this.refreshTokens.findOneBy({ tokenHash: sha256(token) });
    if (!row) throw expired();
    const session = await this.sessions.findOneBy({ id: row.sessionId });
    if (!session || session.endedAt) throw expired();
    const now = new Date();
    // Spend it: only one request can (a second one, or a later replay, finds it used).
    const spent = row.usedAt ? 0 : ((await this.refreshTokens.update({ tokenHash: row.tokenHash, usedAt: IsNull() }, { usedAt: now })).affected ?? 0);
    if (spent !== 1) {
      await this.endSession(session.id, 'reuse');
      await this.security.record({ event: 'refresh-token-reused', actor: null, target: session.username, ip, detail: { session: session.id } });
      throw new UnauthorizedError('该登录凭据已被使用过，为安全起见本次登录已结束，请重新登录', undefined, 'TOKEN_REUSED');
    }
    if (row.expiresAt <= now) throw expired();
    const u = await this.users.findOneBy({ username: session.username });
    if (!u || u.disabled || u.tokenVersion !== session.tokenVersion) {
      await this.endSession(session.id, u?.disabled ? 'disabled' : 'password');
      throw new UnauthorizedError(u?.disabled ? '该账号已停用，请联系系统管理员' : '登录已失效，请重新登录');
    }
    return { tokens: await this.issue(u, session.id), user: u };
  }

  /** Logout: ends the session `token` belongs to (spent or not). Unknown tokens end nothing. */
  async endByToken(token: string): Promise<string | null> {
    const row = await this.refreshTokens.findOneBy({ tokenHash: sha256(token) });
    if (!row) return null;
    const session = await this.sessions.findOneBy({ id: row.sessionId });
    if (!session) return null;
    await this.endSession(session.id, 'logout');
    return session.username;
  }

  async endAllOf(username: string, reason: EndReason): Promise<void> {
    const open = await this.sessions.findBy({ username, endedAt: IsNull() });
    for (const s of open) await this.endSession(s.id, reason);
  }

  async standing(claims: TokenClaims): Promise<TokenStanding> {
    const u = await this.users.findOneBy({ username: claims.sub });
    if (!u) return { ok: false, message: '该用户已不存在，请重新登录' };
    if (u.disabled) return { ok: false, message: '该账号已停用，请联系系统管理员' };
    if (u.tokenVersion !== claims.ver) return { ok: false, message: '密码或账号状态已变更，请重新登录' };
    const session = await this.sessions.findOneBy({ id: claims.sid });
    if (!session || session.endedAt || session.username !== u.username) return { ok: false, message: '已退出登录，请重新登录' };
    return { ok: true, caller: { username: u.username, roles: JSON.parse(u.roles) as Role[], unitCode: u.unitCode }, mustChangePassword: u.mustChangePassword };
  }

  private async issue(u: UserRecord, sessionId: string): Promise<IssuedTokens> {
    const { refreshTtlSeconds } = accountSettings(this.settings);
    const refreshToken = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.refreshTokens.insert({ tokenHash: sha256(refreshToken), sessionId, createdAt: now, expiresAt: new Date(now.getTime() + refreshTtlSeconds * 1000), usedAt: null });
    const claims: TokenClaims = { sub: u.username, roles: JSON.parse(u.roles) as Role[], unitCode: u.unitCode, name: u.displayName, ver: u.tokenVersion, sid: sessionId };
    return { accessToken: await this.jwt.signAsync(claims), refreshToken, expiresIn: this.settings.jwtTtlSeconds };
  }

  private async endSession(id: string, reason: EndReason): Promise<void> {
    await this.sessions.update({ id, endedAt: IsNull() }, { endedAt: new Date(), endReason: reason });
  }

  /** At most hourly: refresh tokens past their life are of no use any more (a replay of one is refused as unknown). */
  private async prune(): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    await this.refreshTokens.delete({ expiresAt: LessThan(new Date()) });
  }
}
