import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import type { TokenClaims } from '#libs/auth';
import { InvalidInputError, StateConflictError, UnauthorizedError } from '#libs/common';
import { dataSourceOptions, migrate } from '#libs/persistence';
import { AccountsService } from './accounts.service.js';
import { GATEWAY_ENTITIES, LoginFailureRecord, RefreshTokenRecord, SecurityEventRecord, SessionRecord, UnitRecord, UserRecord } from './gateway.entities.js';
import { LoginLockout } from './login-lockout.js';
import { SecurityLog } from './security-log.js';
import { SessionsService } from './sessions.service.js';
import type { GatewaySettings } from './gateway.settings.js';
import { GATEWAY_MIGRATIONS } from './migrations/index.js';

const SECRET = 'a-jwt-secret-of-at-least-32-characters!';

/** The gateway's accounts (users, units, login) on its SQLite database, migrated as at start. */
describe('accounts: users, units and login', () => {
  let dataDir: string;
  let ds: DataSource;
  const jwt = new JwtService({ secret: SECRET, signOptions: { expiresIn: 3600 } });
  const accounts = (overrides: Partial<GatewaySettings> = {}) => {
    const settings: GatewaySettings = { mode: 'embedded', jwtSecret: SECRET, jwtTtlSeconds: 3600, adminPassword: 'admin-password', ...overrides };
    const security = new SecurityLog(ds.getRepository(SecurityEventRecord), settings);
    const sessions = new SessionsService(ds.getRepository(UserRecord), ds.getRepository(SessionRecord), ds.getRepository(RefreshTokenRecord), jwt, settings, security);
    const lockout = new LoginLockout(ds.getRepository(LoginFailureRecord), settings);
    return new AccountsService(ds.getRepository(UserRecord), ds.getRepository(UnitRecord), sessions, lockout, security, settings);
  };

  beforeAll(() => Logger.overrideLogger(['error']));
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'petition-accounts-'));
    ds = await new DataSource(dataSourceOptions('gateway', { driver: 'sqlite', dataDir }, GATEWAY_ENTITIES, GATEWAY_MIGRATIONS)).initialize();
    await migrate(ds);
  });
  afterEach(async () => {
    await ds.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const seeded = async () => {
    const a = accounts();
    await a.onApplicationBootstrap();
    await a.createUnit({ code: 'housing', name: '住房和城乡建设局' });
    return a;
  };

  it('creates the admin on first start with ADMIN_PASSWORD, once; the password is stored hashed', async () => {
    await accounts().onApplicationBootstrap();
    await accounts({ adminPassword: 'another-password' }).onApplicationBootstrap();
    const users = await ds.getRepository(UserRecord).find();
    expect(users.map((u) => [u.username, JSON.parse(u.roles)])).toEqual([['admin', ['admin']]]);
    expect(users[0].passwordHash).not.toContain('admin-password');
    await expect(accounts().login('admin', 'admin-password')).resolves.toMatchObject({ user: { username: 'admin', roles: ['admin'] } });
    await expect(accounts().login('admin', 'another-password')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('embedded, without ADMIN_PASSWORD: generates the admin’s password and prints it once', async () => {
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true));
    try {
      await accounts({ adminPassword: undefined }).onApplicationBootstrap();
    } finally {
      write.mockRestore();
    }
    // Whatever the wording, one word of what was printed is the password that logs in.
    const words = printed.join('').match(/[A-Za-z0-9_-]{12,}/g) ?? [];
    const logsIn = await Promise.all(
      words.map((w) =>
        accounts()
          .login('admin', w)
          .then(
            () => w,
            () => null,
          ),
      ),
    );
    expect(logsIn.filter(Boolean)).toHaveLength(1);
  });

  it('distributed, without ADMIN_PASSWORD on first start: refuses to start (nothing to print it to)', async () => {
    await expect(accounts({ mode: 'distributed', adminPassword: undefined }).onApplicationBootstrap()).rejects.toThrow();
    expect(await ds.getRepository(UserRecord).count()).toBe(0);
  });

  it('an ADMIN_PASSWORD that fails the password policy stops the first start, naming it; no user is created', async () => {
    await expect(accounts({ adminPassword: 'password123' }).onApplicationBootstrap()).rejects.toThrow(/^configuration: ADMIN_PASSWORD does not meet the password policy/);
    await expect(accounts({ adminPassword: 'short-pw' }).onApplicationBootstrap()).rejects.toThrow(/ADMIN_PASSWORD不得少于 10 个字符/);
    expect(await ds.getRepository(UserRecord).count()).toBe(0);
  });

  it('signs a token naming the user, the roles, the unit, the token version and the session, with an expiry', async () => {
    const a = await seeded();
    await a.createUser({ username: 'housing1', password: 'housing1-pass', displayName: '经办人', roles: ['handler'], unitCode: 'housing' });
    const { accessToken } = await a.login('housing1', 'housing1-pass');
    expect(await jwt.verifyAsync<TokenClaims>(accessToken)).toMatchObject({ sub: 'housing1', roles: ['handler'], unitCode: 'housing', ver: 0, sid: expect.any(String), exp: expect.any(Number) });
  });

  it('refuses a wrong password and an unknown user alike (401)', async () => {
    const a = await seeded();
    await expect(a.login('admin', 'wrong-password')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(a.login('nobody', 'admin-password')).rejects.toMatchObject({ status: 401 });
  });

  it('a handler belongs to a responsible unit: refused without one, or with a unit that does not exist (400 naming unitCode)', async () => {
    const a = await seeded();
    const handler = { username: 'h1', password: 'h1-password', displayName: '经办人', roles: ['handler' as const] };
    await expect(a.createUser(handler)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(a.createUser(handler)).rejects.toMatchObject({ status: 400, details: [expect.objectContaining({ field: 'unitCode' })] });
    await expect(a.createUser({ ...handler, unitCode: 'nowhere' })).rejects.toMatchObject({ status: 400, details: [expect.objectContaining({ field: 'unitCode' })] });
    expect((await a.listUsers()).map((u) => u.username)).toEqual(['admin']);
  });

  it('refuses a second user of the same name and a second unit of the same code (409)', async () => {
    const a = await seeded();
    await a.createUser({ username: 'office1', password: 'office1-pass', displayName: '信访办', roles: ['office'] });
    await expect(a.createUser({ username: 'office1', password: 'other-pass', displayName: '另一人', roles: ['leader'] })).rejects.toBeInstanceOf(StateConflictError);
    await expect(a.createUnit({ code: 'housing', name: '另一个住建局' })).rejects.toMatchObject({ status: 409 });
    expect(await a.listUnits()).toEqual([{ code: 'housing', name: '住房和城乡建设局', parentCode: null }]);
  });

  it('the accounts migration gives existing users their lower-cased key, and stops on usernames that differ only in case', async () => {
    const older = async (names: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'petition-accounts-old-'));
      const old = await new DataSource(dataSourceOptions('gateway', { driver: 'sqlite', dataDir: dir }, [], [GATEWAY_MIGRATIONS[0]])).initialize();
      await migrate(old);
      for (const n of names)
        await old.query(`INSERT INTO gw_user (username, passwordHash, displayName, roles, unitCode, createdAt) VALUES (?, 'x', 'x', '["office"]', NULL, '2024-01-01 00:00:00.000')`, [n]);
      await old.destroy();
      const now = await new DataSource(dataSourceOptions('gateway', { driver: 'sqlite', dataDir: dir }, GATEWAY_ENTITIES, GATEWAY_MIGRATIONS)).initialize();
      try {
        await migrate(now);
        return (await now.getRepository(UserRecord).find({ order: { username: 'ASC' } })).map((u) => [u.username, u.usernameKey, u.tokenVersion, u.disabled]);
      } finally {
        await now.destroy();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    await expect(older(['Office1', 'leader1'])).resolves.toEqual([
      ['Office1', 'office1', 0, false],
      ['leader1', 'leader1', 0, false],
    ]);
    await expect(older(['Bob', 'bob'])).rejects.toThrow(/usernames differing only in case.*bob/);
  });

  it('a unit under a parent names an existing one (400 naming parentCode)', async () => {
    const a = await seeded();
    await expect(a.createUnit({ code: 'street', name: '街道办', parentCode: 'nowhere' })).rejects.toMatchObject({ status: 400, details: [expect.objectContaining({ field: 'parentCode' })] });
    await expect(a.createUnit({ code: 'street', name: '街道办', parentCode: 'housing' })).resolves.toEqual({ code: 'street', name: '街道办', parentCode: 'housing' });
  });
});
