import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_PASSWORD, bearer, login, startTestPlatform, type TestPlatform } from '../support/embedded.js';
import { admin } from './support/admin-cli.js';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';

const temporary = (stdout: string) => /临时密码：(\S+)/.exec(stdout)?.[1] ?? '';

describe('the admin command line (embedded, while the platform runs)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ LOGIN_MAX_FAILURES: '3', LOGIN_RATE_PER_USERNAME: '1000', LOGIN_RATE_PER_ADDRESS: '1000' });
  }, 60000);
  afterAll(() => t?.stop());
  const signIn = (username: string, password: string) => t.http().post('/api/v1/auth/login').send({ username, password });

  it('reset-password: the lost admin password replaced by a temporary one, printed once, changed at the next login; the old one and its tokens stop', async () => {
    const oldToken = await login(t, 'admin', ADMIN_PASSWORD);
    const r = await admin(['reset-password', 'admin'], { DATA_DIR: t.dataDir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const password = temporary(r.stdout);
    expect(password.length).toBeGreaterThanOrEqual(12);
    await signIn('admin', ADMIN_PASSWORD).expect(401);
    await t.http().get('/api/v1/users').set(bearer(oldToken)).expect(401);
    const res = await signIn('admin', password).expect(200);
    expect(res.body.mustChangePassword).toBe(true);
    // Changed as the next login requires, then the security log names the command line as who reset it.
    await t.http().post('/api/v1/auth/password').set(bearer(res.body.accessToken)).send({ currentPassword: password, newPassword: 'admin-new-password-7' }).expect(200);
    const token = await login(t, 'admin', 'admin-new-password-7');
    const log = (await t.http().get('/api/v1/admin/security-events').query({ event: 'password-reset' }).set(bearer(token)).expect(200)).body.items as { actor: string; target: string }[];
    expect(log).toEqual([expect.objectContaining({ actor: expect.stringMatching(/^cli:/), target: 'admin' })]);
  });

  it('unlock: a username locked by failed logins may sign in again at once', async () => {
    const r0 = await admin(['reset-password', 'admin'], { DATA_DIR: t.dataDir });
    const password = temporary(r0.stdout);
    for (let i = 0; i < 2; i++) await signIn('admin', `wrong-password-${i}`).expect(401);
    await signIn('admin', 'wrong-password-x').expect(423);
    await signIn('admin', password).expect(423);
    const r = await admin(['unlock', 'admin'], { DATA_DIR: t.dataDir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('用户 admin 已解锁');
    await signIn('admin', password).expect(200);
  });

  it('an unknown user or command is one line and a non-zero exit', async () => {
    const none = await admin(['unlock', 'nobody'], { DATA_DIR: t.dataDir });
    expect(none.status).toBe(66);
    expect(none.stderr.trim()).toMatch(/^admin: .*nobody/);
    const bad = await admin(['drop-everything'], { DATA_DIR: t.dataDir });
    expect(bad.status).toBe(64);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('the admin command line and a platform it cannot reach (a DATA_DIR too deep for a Unix socket)', () => {
  it('the platform runs and says so; a backup or restore refuses in one line instead of working behind its back', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'petition-deep-')), 'x'.repeat(100));
    const t = await startTestPlatform({}, dataDir);
    try {
      await t.http().get('/api/v1/health').expect(200);
      const backup = await admin(['backup', join(tmpdir(), `petition-deep-backup-${Date.now()}`)], { DATA_DIR: dataDir });
      expect(backup.status).toBe(69);
      expect(backup.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^admin: 平台正在运行（进程 \d+），但无法通过 control\.sock 连接它/)]);
      const restore = await admin(['restore', tmpdir()], { DATA_DIR: dataDir });
      expect(restore.status).toBe(69);
    } finally {
      await t.stop();
    }
  }, 60000);
});

describe('the admin command line (distributed: the gateway database on MariaDB)', () => {
  beforeAll(() => requireInfrastructure());
  it('reset-password on a fresh database creates nothing but the admin, then resets it', async () => {
    const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
    const env = { DATABASE_URL: `${base}pit_admincli_${Date.now().toString(36)}_`, ADMIN_PASSWORD: 'first-admin-password-1' };
    const r = await admin(['reset-password', 'admin'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(temporary(r.stdout).length).toBeGreaterThanOrEqual(12);
  });
});
