import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import bcrypt from 'bcryptjs';
import { DataSource } from 'typeorm';
import { formatInstant } from '#libs/regulation';
import { ADMIN_PASSWORD, bearer, login, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Accounts that resist attack, over HTTP into the embedded platform: login throttling and
 * lockout, the password policy, argon2id (bcrypt hashes upgraded, no 72-byte truncation),
 * disabling, password change and reset, logout, refresh-token rotation and reuse detection,
 * the guard's checks (exp, deleted users), case-insensitive usernames, and the security log.
 */

interface SignedIn {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  mustChangePassword: boolean;
  user: { username: string };
}
interface AdminUser {
  username: string;
  disabled: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
}
interface SecurityEvent {
  event: string;
  actor: string | null;
  target: string | null;
  ip: string | null;
  at: string;
  detail: Record<string, unknown> | null;
}

/** Every line written to stdout while the suite runs (the Nest logger writes there), kept off the console. */
const stdout: string[] = [];
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

describe('accounts', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const as = (who: string) => bearer(tk[who]);
  const gatewayDb = () => t.platform.gateway.get(DataSource);
  const signIn = (username: string, password: string) => t.http().post('/api/v1/auth/login').send({ username, password });
  const users = async () => (await t.http().get('/api/v1/users').set(as('admin')).expect(200)).body as AdminUser[];
  const userRow = async (username: string) => (await gatewayDb().query('SELECT * FROM gw_user WHERE username = ?', [username]))[0] as { passwordHash: string; tokenVersion: number } | undefined;
  const createUser = (username: string, password: string, roles = ['office']) => t.http().post('/api/v1/users').set(as('admin')).send({ username, password, displayName: '测试用户', roles });
  const works = (token: string) => t.http().get('/api/v1/petitions').set(bearer(token));
  const events = async (query: Record<string, string | number> = {}) =>
    (
      await t
        .http()
        .get('/api/v1/admin/security-events')
        .query({ pageSize: 200, ...query })
        .set(as('admin'))
        .expect(200)
    ).body as { items: SecurityEvent[]; total: number };

  beforeAll(async () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(
      (chunk: unknown) => (
        stdout.push(
          ...String(chunk)
            .replace(ANSI, '')
            .split('\n')
            .filter((l) => l.trim()),
        ),
        true
      ),
    );
    // Throttling has its own platform below; here it must not get in the way of the many logins.
    t = await startTestPlatform({ LOG_LEVEL: 'log', LOGIN_RATE_PER_USERNAME: '1000', LOGIN_RATE_PER_ADDRESS: '1000' });
    tk = await seedOffice(t);
  }, 60000);
  afterAll(async () => {
    await t?.stop();
    jest.restoreAllMocks();
  });

  describe('throttling (@nestjs/throttler): per username and per client address', () => {
    let th: TestPlatform;
    let admin: string;
    beforeAll(async () => {
      th = await startTestPlatform({ LOGIN_RATE_PER_USERNAME: '3', LOGIN_RATE_PER_ADDRESS: '6', LOGIN_RATE_WINDOW_SECONDS: '60' });
      admin = await login(th, 'admin', ADMIN_PASSWORD);
    }, 60000);
    afterAll(() => th?.stop());
    const attempt = (username: string, password: string) => th.http().post('/api/v1/auth/login').send({ username, password });

    it('the 4th login of one username within the window is refused with 429, Retry-After and when to try again, even with the right password', async () => {
      for (let i = 0; i < 2; i++) await attempt('admin', ADMIN_PASSWORD).expect(200);
      const res = await attempt('ADMIN', ADMIN_PASSWORD).expect(429);
      const wait = Number(res.headers['retry-after']);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      expect(res.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      // the office's clock time it ends, in Beijing time
      const until = formatInstant(new Date(Date.now() + wait * 1000), 'Asia/Shanghai').slice(11, 16);
      expect(res.body.message).toMatch(/^该用户名登录尝试过于频繁，请于 \d\d:\d\d:\d\d（北京时间，约 \d+ 秒后）再试$/);
      expect(res.body.message).toContain(until);
      expect(res.body.accessToken).toBeUndefined();
    });

    it('from one address, logins under other usernames count too: the 7th is refused with 429', async () => {
      // 3 allowed above (the refused 4th was stopped by the username throttle first)
      for (const u of ['someone1', 'someone2', 'someone3']) await attempt(u, 'wrong-password-1').expect(401);
      const res = await attempt('someone4', 'wrong-password-1').expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.body.message).toContain('您所在的网络地址登录尝试过于频繁');
    });

    it('each refusal is in the security log, without the username typed', async () => {
      const items = (await th.http().get('/api/v1/admin/security-events').query({ event: 'login-throttled' }).set(bearer(admin)).expect(200)).body.items as SecurityEvent[];
      expect(items.map((e) => [e.actor, e.target, e.detail])).toEqual([
        [null, null, { by: 'address' }],
        [null, null, { by: 'username' }],
      ]);
    });
  });

  describe('behind an ingress (TRUST_PROXY): the client address is the one the trusted proxy forwards', () => {
    const attempts = (p: TestPlatform, from: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          p
            .http()
            .post('/api/v1/auth/login')
            .set('X-Forwarded-For', from)
            .send({ username: `nobody${from}${i}`, password: 'wrong-password-1' }),
        ),
      );

    it('TRUST_PROXY=loopback: each forwarded client has its own allowance', async () => {
      const p = await startTestPlatform({ LOGIN_RATE_PER_ADDRESS: '3', TRUST_PROXY: 'loopback' });
      try {
        expect((await attempts(p, '203.0.113.7', 4)).map((r) => r.status).sort()).toEqual([401, 401, 401, 429]);
        // Another client behind the same proxy is not throttled by the first one's attempts.
        expect((await attempts(p, '203.0.113.8', 3)).map((r) => r.status)).toEqual([401, 401, 401]);
        const admin = await login(p, 'admin', ADMIN_PASSWORD);
        const items = (await p.http().get('/api/v1/admin/security-events').query({ event: 'login-throttled' }).set(bearer(admin)).expect(200)).body.items as SecurityEvent[];
        expect(items.map((e) => e.ip)).toEqual(['203.0.113.7']);
      } finally {
        await p.stop();
      }
    }, 60000);

    it('by default a forwarded address is not believed: a client cannot dodge the throttle by inventing one', async () => {
      const p = await startTestPlatform({ LOGIN_RATE_PER_ADDRESS: '3' });
      try {
        const statuses = [...(await attempts(p, '203.0.113.7', 2)), ...(await attempts(p, '203.0.113.8', 2))].map((r) => r.status);
        expect(statuses.filter((s) => s === 429)).toHaveLength(1);
      } finally {
        await p.stop();
      }
    }, 60000);
  });

  describe('lockout after repeated failures, lifted by an admin', () => {
    beforeAll(async () => {
      await createUser('lock1', 'lock1-secret-pass').expect(201);
    });

    it('5 wrong passwords in a row lock the account: 423 with Retry-After and the end of the lock in office time; then even the right password is refused', async () => {
      for (let i = 0; i < 4; i++) expect((await signIn('lock1', `wrong-password-${i}`).expect(401)).body.message).toBe('用户名或密码错误');
      const locked = await signIn('lock1', 'wrong-password-4').expect(423);
      expect(locked.body).toMatchObject({ statusCode: 423, code: 'ACCOUNT_LOCKED' });
      const wait = Number(locked.headers['retry-after']);
      expect(wait).toBeGreaterThan(14 * 60);
      expect(wait).toBeLessThanOrEqual(15 * 60);
      const until = formatInstant(new Date(Date.now() + wait * 1000), 'Asia/Shanghai');
      expect(locked.body.message).toBe(`因连续 5 次密码错误，该账号已被锁定，请于 ${until.slice(0, 10)} ${until.slice(11, 16)}（北京时间）后再试，或请系统管理员解锁`);
      const right = await signIn('lock1', 'lock1-secret-pass').expect(423);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect(right.body.accessToken).toBeUndefined();
      expect((await users()).find((u) => u.username === 'lock1')!.lockedUntil).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    });

    it('an unknown username locks the same way (a lockout does not tell which usernames exist)', async () => {
      for (let i = 0; i < 4; i++) await signIn('ghost-user', `wrong-password-${i}`).expect(401);
      await signIn('ghost-user', 'wrong-password-4').expect(423);
    });

    it('only the admin may unlock (403 for others, still locked); after 解锁 the right password works', async () => {
      await t.http().post('/api/v1/users/lock1/unlock').set(as('office1')).expect(403);
      await signIn('lock1', 'lock1-secret-pass').expect(423);
      const res = await t.http().post('/api/v1/users/lock1/unlock').set(as('admin')).expect(200);
      expect(res.body).toMatchObject({ username: 'lock1', lockedUntil: null });
      await signIn('lock1', 'lock1-secret-pass').expect(200);
      await t.http().post('/api/v1/users/nobody-here/unlock').set(as('admin')).expect(404);
    });

    it('a success starts the count afresh: 4 failures, a success, 4 failures again are not a lockout', async () => {
      for (let i = 0; i < 4; i++) await signIn('lock1', 'wrong-password-x').expect(401);
      await signIn('lock1', 'lock1-secret-pass').expect(200);
      for (let i = 0; i < 4; i++) await signIn('lock1', 'wrong-password-y').expect(401);
      await signIn('lock1', 'lock1-secret-pass').expect(200);
    });
  });

  describe('password policy', () => {
    const refusals: [string, string, string][] = [
      ['shortpw', 'Short-pw9', '密码不得少于 10 个字符'],
      ['policy-user1', 'POLICY-USER1', '密码不能与用户名相同'],
      ['policy-user2', '2resu-ycilop', '密码不能是用户名倒过来写'],
      ['policy-user3', 'password123', '密码过于常见，容易被猜中，请换一个不常见的密码'],
      ['policy-user4', '12345678901', '密码过于常见，容易被猜中，请换一个不常见的密码'],
      ['policy-user5', 'woaini1314', '密码过于常见，容易被猜中，请换一个不常见的密码'],
      ['policy-user6', 'a123456789', '密码过于常见，容易被猜中，请换一个不常见的密码'],
      ['policy-user7', 'qq123456789', '密码过于常见，容易被猜中，请换一个不常见的密码'],
      ['policy-user8', 'Sunshine2024!', '密码过于常见，容易被猜中，请换一个不常见的密码'],
      ['policy-user9', 'aaaaaaaaaaaa', '密码过于常见，容易被猜中，请换一个不常见的密码'],
    ];

    it.each(refusals)('creating %s with %s is refused with 400 naming 密码, and no user is written', async (username, password, message) => {
      const before = await users();
      const res = await createUser(username, password).expect(400);
      expect(res.body).toMatchObject({ code: 'FIELD_INVALID', details: [{ field: 'password', messages: [message] }] });
      expect(res.body.message).toContain('密码');
      expect(await users()).toEqual(before);
    });

    it('an admin’s reset and a user’s change follow the same policy (400 naming 密码 / 新密码), and change nothing', async () => {
      await createUser('policy-ok', 'a-fine-pass-phrase').expect(201);
      const hash = (await userRow('policy-ok'))!.passwordHash;
      const reset = await t.http().post('/api/v1/users/policy-ok/reset-password').set(as('admin')).send({ password: 'iloveyou123' }).expect(400);
      expect(reset.body.details).toEqual([{ field: 'password', messages: ['密码过于常见，容易被猜中，请换一个不常见的密码'] }]);
      const token = await login(t, 'policy-ok', 'a-fine-pass-phrase');
      const change = await t.http().post('/api/v1/auth/password').set(bearer(token)).send({ currentPassword: 'a-fine-pass-phrase', newPassword: 'short' }).expect(400);
      expect(change.body.details).toEqual([{ field: 'newPassword', messages: ['新密码不得少于 10 个字符'] }]);
      expect((await userRow('policy-ok'))!.passwordHash).toBe(hash);
      await works(token).expect(200);
    });
  });

  describe('hashing: argon2id, bcrypt upgraded, no 72-byte truncation', () => {
    it('a bcrypt hash planted in the gateway’s users table still logs in, and is replaced by argon2id at that login', async () => {
      await createUser('legacy1', 'legacy-start-pass').expect(201);
      expect((await userRow('legacy1'))!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      await gatewayDb().query('UPDATE gw_user SET passwordHash = ? WHERE username = ?', [bcrypt.hashSync('legacy-bcrypt-pass', 10), 'legacy1']);
      expect((await userRow('legacy1'))!.passwordHash).toMatch(/^\$2[ab]\$10\$/);
      await signIn('legacy1', 'legacy-bcrypt-wrong').expect(401);
      expect((await userRow('legacy1'))!.passwordHash).toMatch(/^\$2[ab]\$/);
      await signIn('legacy1', 'legacy-bcrypt-pass').expect(200);
      expect((await userRow('legacy1'))!.passwordHash).toMatch(/^\$argon2id\$/);
      await signIn('legacy1', 'legacy-bcrypt-pass').expect(200);
      await signIn('legacy1', 'legacy-bcrypt-wrong').expect(401);
    });

    it('two 73-byte passwords that differ only in the last byte are different passwords', async () => {
      const stem = 'The-quick-brown-fox-jumps-over-the-lazy-dog-while-7-zebras-watch-quietly'; // 72 bytes
      expect(Buffer.byteLength(stem)).toBe(72);
      await createUser('long1', `${stem}A`).expect(201);
      await signIn('long1', `${stem}B`).expect(401);
      await signIn('long1', stem).expect(401);
      await signIn('long1', `${stem}A`).expect(200);
    });
  });

  describe('disable and enable (停用 / 启用)', () => {
    it('a disabled user’s existing token stops at once, they cannot sign in or refresh; 启用 lets them sign in again', async () => {
      await createUser('office2', 'office2-long-pass').expect(201);
      const before = (await signIn('office2', 'office2-long-pass').expect(200)).body as SignedIn;
      await works(before.accessToken).expect(200);
      await t.http().post('/api/v1/users/office2/disable').set(as('reception1')).expect(403);
      await works(before.accessToken).expect(200);
      const disabled = await t.http().post('/api/v1/users/office2/disable').set(as('admin')).expect(200);
      expect(disabled.body).toMatchObject({ username: 'office2', disabled: true });
      expect((await works(before.accessToken).expect(401)).body.message).toBe('该账号已停用，请联系系统管理员');
      expect((await signIn('office2', 'office2-long-pass').expect(401)).body).toMatchObject({ code: 'ACCOUNT_DISABLED', message: '该账号已停用，请联系系统管理员' });
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: before.refreshToken }).expect(401);
      expect((await users()).find((u) => u.username === 'office2')).toMatchObject({ disabled: true });

      expect((await t.http().post('/api/v1/users/office2/enable').set(as('admin')).expect(200)).body).toMatchObject({ disabled: false });
      const after = (await signIn('office2', 'office2-long-pass').expect(200)).body as SignedIn;
      await works(after.accessToken).expect(200);
      // the token from before stays dead
      await works(before.accessToken).expect(401);
    });

    it('an admin cannot disable their own account (409), nor an unknown one (404)', async () => {
      await t.http().post('/api/v1/users/admin/disable').set(as('admin')).expect(409);
      await t.http().post('/api/v1/users/nobody-here/disable').set(as('admin')).expect(404);
      await works(tk.admin).expect(200);
    });
  });

  describe('passwords changed by the user, reset by the admin', () => {
    it('修改密码: the current password must be right; afterwards old tokens and the old password are refused, the answer carries new tokens', async () => {
      await createUser('changer1', 'changer1-old-pass').expect(201);
      const old = (await signIn('changer1', 'changer1-old-pass').expect(200)).body as SignedIn;
      const change = (body: object, token = old.accessToken) => t.http().post('/api/v1/auth/password').set(bearer(token)).send(body);
      expect((await change({ currentPassword: 'not-the-password', newPassword: 'changer1-new-pass' }).expect(400)).body.details).toEqual([{ field: 'currentPassword', messages: ['当前密码不正确'] }]);
      await works(old.accessToken).expect(200);
      const res = await change({ currentPassword: 'changer1-old-pass', newPassword: 'changer1-new-pass' }).expect(200);
      expect(res.body).toMatchObject({ mustChangePassword: false, user: { username: 'changer1' } });
      await works(old.accessToken).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: old.refreshToken }).expect(401);
      await works(res.body.accessToken).expect(200);
      await signIn('changer1', 'changer1-old-pass').expect(401);
      await signIn('changer1', 'changer1-new-pass').expect(200);
    });

    it('guessing the current password at 修改密码 counts towards the lockout: the 5th wrong one locks the account (423)', async () => {
      await createUser('guesser1', 'guesser1-real-pass').expect(201);
      const token = await login(t, 'guesser1', 'guesser1-real-pass');
      const change = (currentPassword: string) => t.http().post('/api/v1/auth/password').set(bearer(token)).send({ currentPassword, newPassword: 'guesser1-next-pass' });
      for (let i = 0; i < 4; i++) await change(`guess-number-${i}`).expect(400);
      expect((await change('guess-number-4').expect(423)).body.code).toBe('ACCOUNT_LOCKED');
      await change('guesser1-real-pass').expect(423);
      await signIn('guesser1', 'guesser1-real-pass').expect(423);
      await t.http().post('/api/v1/users/guesser1/unlock').set(as('admin')).expect(200);
      await change('guesser1-real-pass').expect(200);
    });

    it('重置密码 forces a change at the next login: mustChangePassword, every other endpoint 403 PASSWORD_CHANGE_REQUIRED until changed', async () => {
      await createUser('reset1', 'reset1-first-pass').expect(201);
      const before = await login(t, 'reset1', 'reset1-first-pass');
      await t.http().post('/api/v1/users/reset1/reset-password').set(as('admin')).send({ password: 'temporary-pass-77' }).expect(200);
      await works(before).expect(401);
      expect((await users()).find((u) => u.username === 'reset1')).toMatchObject({ mustChangePassword: true });
      await signIn('reset1', 'reset1-first-pass').expect(401);
      const forced = (await signIn('reset1', 'temporary-pass-77').expect(200)).body as SignedIn;
      expect(forced.mustChangePassword).toBe(true);
      for (const path of ['/api/v1/petitions', '/api/v1/units', '/api/v1/auth/me', '/api/v1/categories']) {
        expect((await t.http().get(path).set(bearer(forced.accessToken)).expect(403)).body).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED', message: '管理员已重置您的密码，请先修改密码' });
      }
      const changed = await t.http().post('/api/v1/auth/password').set(bearer(forced.accessToken)).send({ currentPassword: 'temporary-pass-77', newPassword: 'reset1-own-pass' }).expect(200);
      expect(changed.body.mustChangePassword).toBe(false);
      await works(changed.body.accessToken).expect(200);
      expect((await users()).find((u) => u.username === 'reset1')).toMatchObject({ mustChangePassword: false });
    });
  });

  describe('tokens: 15-minute access tokens, rotating refresh tokens, logout', () => {
    const refresh = (refreshToken: string) => t.http().post('/api/v1/auth/refresh').send({ refreshToken });

    it('an access token lives 15 minutes', async () => {
      const s = (await signIn('office1', 'office1-pass').expect(200)).body as SignedIn;
      expect(s.expiresIn).toBe(900);
      const claims = JSON.parse(Buffer.from(s.accessToken.split('.')[1], 'base64url').toString());
      expect(claims.exp - claims.iat).toBe(900);
      expect(s.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('each refresh spends the refresh token and answers a new pair; presenting a spent one again ends the whole family', async () => {
      const s = (await signIn('office1', 'office1-pass').expect(200)).body as SignedIn;
      const r2 = (await refresh(s.refreshToken).expect(200)).body as SignedIn;
      expect(r2.refreshToken).not.toBe(s.refreshToken);
      await works(r2.accessToken).expect(200);
      const r3 = (await refresh(r2.refreshToken).expect(200)).body as SignedIn;
      await works(r3.accessToken).expect(200);
      // r2 was spent: someone copied it
      expect((await refresh(r2.refreshToken).expect(401)).body.code).toBe('TOKEN_REUSED');
      await refresh(r3.refreshToken).expect(401);
      await works(r3.accessToken).expect(401);
      await works(s.accessToken).expect(401);
      // other sessions of the same user go on
      await works(tk.office1).expect(200);
      expect((await events({ event: 'refresh-token-reused' })).items[0]).toMatchObject({ target: 'office1' });
    });

    it('logout ends the session: its access token and refresh token stop working; another session of the user goes on', async () => {
      const a = (await signIn('leader1', 'leader1-pass').expect(200)).body as SignedIn;
      const b = (await signIn('leader1', 'leader1-pass').expect(200)).body as SignedIn;
      await t.http().post('/api/v1/auth/logout').send({ refreshToken: a.refreshToken }).expect(204);
      expect((await works(a.accessToken).expect(401)).body.message).toBe('已退出登录，请重新登录');
      await refresh(a.refreshToken).expect(401);
      await works(b.accessToken).expect(200);
      await refresh(b.refreshToken).expect(200);
      await t.http().post('/api/v1/auth/logout').send({ refreshToken: 'not-a-token' }).expect(204);
    });

    it('a well-signed token without exp is refused (401); the same claims with exp pass', async () => {
      const secret = readFileSync(join(t.dataDir, 'jwt-secret'), 'utf8').trim();
      const jwt = new JwtService({ secret });
      const real = (await jwt.verifyAsync(tk.office1)) as Record<string, unknown>;
      const claims = { sub: real.sub, roles: real.roles, unitCode: real.unitCode, name: real.name, ver: real.ver, sid: real.sid };
      const noExp = await jwt.signAsync(claims);
      expect(JSON.parse(Buffer.from(noExp.split('.')[1], 'base64url').toString()).exp).toBeUndefined();
      expect((await works(noExp).expect(401)).body.code).toBe('UNAUTHENTICATED');
      await works(await jwt.signAsync(claims, { expiresIn: 300 })).expect(200);
    });

    it('a token of a user who no longer exists is refused (401)', async () => {
      await createUser('gone1', 'gone1-long-pass').expect(201);
      const token = await login(t, 'gone1', 'gone1-long-pass');
      await works(token).expect(200);
      await gatewayDb().query('DELETE FROM gw_user WHERE username = ?', ['gone1']);
      expect((await works(token).expect(401)).body.message).toBe('该用户已不存在，请重新登录');
    });
  });

  describe('usernames are unique regardless of case', () => {
    it('CaseUser1 and caseuser1 are one user: the second is a 409 and nothing is written; login and admin routes take any case', async () => {
      await createUser('CaseUser1', 'case-user-pass').expect(201);
      const count = (await users()).length;
      expect((await createUser('caseuser1', 'case-user-pass2').expect(409)).body).toMatchObject({ code: 'DUPLICATE', message: '用户名 caseuser1 已存在（与 CaseUser1 相同：用户名不区分大小写）' });
      expect((await users()).length).toBe(count);
      for (const name of ['caseuser1', 'CASEUSER1', ' CaseUser1 ']) {
        expect((await signIn(name, 'case-user-pass').expect(200)).body.user.username).toBe('CaseUser1');
      }
      expect((await t.http().post('/api/v1/users/CASEUSER1/disable').set(as('admin')).expect(200)).body).toMatchObject({ username: 'CaseUser1', disabled: true });
      await t.http().post('/api/v1/users/caseuser1/enable').set(as('admin')).expect(200);
    });
  });

  describe('security log', () => {
    const petitioner = walkIn().petitioners[0] as { name: string; idNumber: string; phone: string; address: string };
    let all: SecurityEvent[];

    beforeAll(async () => {
      // a 403 of the guard (role) and one of a service (another unit's case)
      await t.http().get('/api/v1/users').set(as('reception1')).expect(403);
      const created = (await t.http().post('/api/v1/petitions').set(as('reception1')).send(walkIn()).expect(201)).body;
      await t.http().post(`/api/v1/petitions/${created.id}/route`).set(as('office1')).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
      expect((await t.http().post(`/api/v1/petitions/${created.id}/accept`).set(as('labour1')).send({}).expect(403)).body.code).toBe('WRONG_UNIT');
      // a person lookup by identity number, one by name and phone, an export
      await t.http().get('/api/v1/petitioners/cases').query({ idNumber: petitioner.idNumber }).set(as('reception1')).expect(200);
      await t.http().get('/api/v1/petitioners/cases').query({ name: petitioner.name, phone: petitioner.phone }).set(as('office1')).expect(200);
      await t.http().get('/api/v1/reports/annual').query({ year: 2024, format: 'csv' }).set(as('leader1')).expect(200);
      all = (await events()).items;
    });

    it('holds refused logins, lockouts, 403s, lookups, exports and account changes, with who, whom, from where and when', async () => {
      const has = (event: string, fields: Partial<SecurityEvent> & { detail?: object } = {}) =>
        expect(all).toContainEqual(expect.objectContaining({ event, ...fields, ...(fields.detail ? { detail: expect.objectContaining(fields.detail) } : {}) }));
      has('login-failed', { actor: null, target: 'lock1', detail: { reason: 'bad-password' } });
      has('login-failed', { target: null, detail: { reason: 'unknown-user' } });
      has('account-locked', { target: 'lock1' });
      has('login-refused', { target: 'lock1', detail: { reason: 'locked' } });
      has('user-unlocked', { actor: 'admin', target: 'lock1' });
      has('login-refused', { target: 'office2', detail: { reason: 'disabled' } });
      has('access-denied', { actor: 'reception1', target: 'GET /api/v1/users', detail: { code: 'FORBIDDEN' } });
      has('access-denied', { actor: 'labour1', detail: { code: 'WRONG_UNIT' } });
      has('access-denied', { actor: 'reset1', detail: { code: 'PASSWORD_CHANGE_REQUIRED' } });
      has('person-lookup', { actor: 'reception1', detail: { keyKind: 'idNumber' } });
      has('person-lookup', { actor: 'office1', detail: { keyKind: 'name+phone' } });
      has('report-export', { actor: 'leader1', target: 'reports/annual', detail: { year: '2024', format: 'csv' } });
      has('user-created', { actor: 'admin', target: 'office2', detail: { roles: 'office' } });
      has('user-disabled', { actor: 'admin', target: 'office2' });
      has('user-enabled', { actor: 'admin', target: 'office2' });
      has('password-reset', { actor: 'admin', target: 'reset1' });
      has('password-changed', { actor: 'changer1', target: 'changer1' });
      has('logout', { actor: 'leader1' });
      expect(all.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/.test(e.at))).toBe(true);
      expect(all.find((e) => e.event === 'access-denied')!.ip).toMatch(/127\.0\.0\.1|::1/);
    });

    it('never holds personal data: no identity number, phone, address or name of a petitioner, no password, no token', () => {
      const text = JSON.stringify(all);
      for (const secret of [petitioner.idNumber, petitioner.phone, petitioner.address, petitioner.name, 'lock1-secret-pass', 'wrong-password-4', 'temporary-pass-77', ADMIN_PASSWORD, tk.office1]) {
        expect(text).not.toContain(secret);
      }
      // The patterns read the log without its ids: a case id in a target (a random UUID) may hold eleven digits in a row.
      const withoutIds = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
      expect(withoutIds).not.toMatch(/\d{17}[\dX]/);
      expect(withoutIds).not.toMatch(/1[3-9]\d{9}/);
    });

    it('each event is also one structured log line (context Security) with event, actor, target, ip, at', () => {
      const line = stdout.find((l) => l.includes('[Security]') && l.includes('"event":"account-locked"'));
      expect(line).toBeDefined();
      const json = JSON.parse(line!.slice(line!.indexOf('{')));
      expect(json).toMatchObject({ event: 'account-locked', actor: null, target: 'lock1', ip: expect.any(String), at: expect.stringMatching(/Z$/) });
      const security = stdout.filter((l) => l.includes('[Security]')).join('\n');
      for (const secret of [petitioner.idNumber, petitioner.phone, petitioner.address, 'lock1-secret-pass', tk.office1]) expect(security).not.toContain(secret);
    });

    it('is read by the admin only, a page at a time, by office day', async () => {
      await t.http().get('/api/v1/admin/security-events').set(as('office1')).expect(403);
      await t.http().get('/api/v1/admin/security-events').expect(401);
      const today = formatInstant(new Date(), 'Asia/Shanghai').slice(0, 10);
      const tomorrow = formatInstant(new Date(Date.now() + 86_400_000), 'Asia/Shanghai').slice(0, 10);
      const page = (await t.http().get('/api/v1/admin/security-events').query({ from: today, to: today, pageSize: 5, page: 2 }).set(as('admin')).expect(200)).body;
      expect(page).toMatchObject({ page: 2, pageSize: 5 });
      expect(page.items).toHaveLength(5);
      expect(page.total).toBeGreaterThan(10);
      expect((await events({ from: tomorrow })).total).toBe(0);
      const bad = await t.http().get('/api/v1/admin/security-events').query({ from: '2024-02-30' }).set(as('admin')).expect(400);
      expect(bad.body.details[0].field).toBe('from');
    });
  });
});
