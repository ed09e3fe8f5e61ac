/**
 * Accounts in the browser: the administrator disables a user (who then cannot sign in) and
 * enables them again, resets a password (the user is sent to 修改密码 before anything else and
 * then works), lifts a lockout the login form announced; every user finds 修改密码 in their
 * menu; an expired access token is renewed with the refresh token, a dead session signs out.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, bearer, seedOffice, startTestPlatform, type TestPlatform } from '../support/embedded.js';
import { axe, launch, login, logout, newPage, problemsOf, pwExpect, screen } from './support/browser.js';

let t: TestPlatform;
let browser: Browser;
let admin: Page;
let clerk: Page;
let tokens: Record<string, string>;

async function check(page: Page, name: string) {
  await screen(page, name);
  expect(await axe(page, name)).toEqual([]);
}

const row = (username: string) => admin.getByRole('row', { name: new RegExp(`^${username} `) });

beforeAll(async () => {
  t = await startTestPlatform();
  tokens = await seedOffice(t);
  for (const username of ['clerk2', 'clerk3', 'clerk4']) {
    await t
      .http()
      .post('/api/v1/users')
      .set(bearer(tokens.admin))
      .send({ username, password: `${username}-first-pass`, displayName: `接待员${username.slice(-1)}`, roles: ['reception'] })
      .expect(201);
  }
  browser = await launch();
  ({ page: admin } = await newPage(browser, t.platform.url));
  ({ page: clerk } = await newPage(browser, t.platform.url));
  await login(admin, 'admin', ADMIN_PASSWORD);
  await pwExpect(admin).toHaveURL(/\/admin$/);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

afterEach(() => {
  expect(problemsOf(admin)).toEqual([]);
  expect(problemsOf(clerk)).toEqual([]);
});

async function signInAs(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

describe('accounts in the browser', () => {
  it('停用: the user shows as 已停用 and cannot sign in; 启用 lets them in again', async () => {
    await pwExpect(row('clerk2')).toContainText('正常');
    await row('clerk2').getByRole('button', { name: '停用', exact: true }).click();
    await admin.getByRole('button', { name: '确定' }).click();
    await pwExpect(row('clerk2')).toContainText('已停用');
    await pwExpect(row('clerk2').getByRole('button', { name: '启用', exact: true })).toBeVisible();
    await check(admin, '30-admin-user-disabled');

    await signInAs(clerk, 'clerk2', 'clerk2-first-pass');
    await pwExpect(clerk.getByRole('alert')).toContainText('该账号已停用，请联系系统管理员');
    await pwExpect(clerk).toHaveURL(/\/login$/);

    await row('clerk2').getByRole('button', { name: '启用', exact: true }).click();
    await pwExpect(row('clerk2')).toContainText('正常');
    await clerk.getByRole('button', { name: '登录' }).click();
    await pwExpect(clerk).toHaveURL(/\/reception$/);
    await logout(clerk);
  });

  it('重置密码 sends the user to 修改密码 before anything else; with their own password they work', async () => {
    await row('clerk3').getByRole('button', { name: '重置密码', exact: true }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('临时密码').fill('password123');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog.getByText('密码过于常见')).toBeVisible();
    await dialog.getByLabel('临时密码').fill('clerk3-temporary-77');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toHaveCount(0);
    await pwExpect(row('clerk3')).toContainText('须修改密码');

    await signInAs(clerk, 'clerk3', 'clerk3-temporary-77');
    await pwExpect(clerk).toHaveURL(/\/password$/);
    await pwExpect(clerk.getByRole('heading', { name: '修改密码' })).toBeVisible();
    await pwExpect(clerk.getByText('管理员已重置您的密码')).toBeVisible();
    // nothing else opens meanwhile
    await clerk.goto('/reception');
    await pwExpect(clerk).toHaveURL(/\/password$/);
    await check(clerk, '31-password-forced');
    await clerk.getByLabel('当前密码').fill('clerk3-temporary-77');
    await clerk.getByLabel('新密码', { exact: true }).fill('woaini1314');
    await clerk.getByLabel('确认新密码').fill('woaini1314');
    await clerk.getByRole('button', { name: '修改密码' }).click();
    await pwExpect(clerk.getByText('新密码过于常见')).toBeVisible();
    await clerk.getByLabel('新密码', { exact: true }).fill('clerk3-own-secret');
    await clerk.getByLabel('确认新密码').fill('clerk3-own-secret');
    await clerk.getByRole('button', { name: '修改密码' }).click();
    await pwExpect(clerk).toHaveURL(/\/reception$/);
    await pwExpect(clerk.getByLabel('来源渠道')).toBeVisible();
    await admin.reload();
    await pwExpect(row('clerk3')).toContainText('正常');
  });

  it('every user finds 修改密码 in their menu', async () => {
    await clerk.getByRole('button', { name: '接待员3' }).click();
    await clerk.getByRole('menuitem', { name: '修改密码' }).click();
    await pwExpect(clerk).toHaveURL(/\/password$/);
    await pwExpect(clerk.getByText('管理员已重置您的密码')).toHaveCount(0);
    await check(clerk, '32-password-change');
    await clerk.getByRole('button', { name: '返回' }).click();
    await pwExpect(clerk).toHaveURL(/\/reception$/);
  });

  it('an expired access token is renewed with the refresh token; when the session is dead the user is signed out', async () => {
    // the access token no longer verifies: the app refreshes once and goes on
    await clerk.evaluate(`sessionStorage.setItem('xf.token', 'expired.access.token')`);
    await clerk.goto('/cases');
    await pwExpect(clerk.getByRole('heading', { name: '案件列表' })).toBeVisible();
    await pwExpect(clerk.getByRole('button', { name: '退出登录' })).toBeVisible();
    expect(await clerk.evaluate(`sessionStorage.getItem('xf.token')`)).not.toBe('expired.access.token');
    // both dead: one refresh attempt, then the sign-in page
    await clerk.evaluate(`sessionStorage.setItem('xf.token', 'expired.access.token'); sessionStorage.setItem('xf.refresh', 'spent-refresh-token')`);
    await clerk.goto('/reception');
    await pwExpect(clerk).toHaveURL(/\/login$/);
  });

  it('a locked-out login says until when beside the form; 解锁 by the admin lets the user in', async () => {
    for (let i = 0; i < 4; i++)
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'clerk4', password: `wrong-password-${i}` })
        .expect(401);
    await signInAs(clerk, 'clerk4', 'wrong-password-4');
    await pwExpect(clerk.getByRole('alert')).toContainText(/该账号已被锁定，请于 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）后再试/);
    await check(clerk, '33-login-locked');
    await admin.reload();
    await pwExpect(row('clerk4')).toContainText('已锁定');
    await row('clerk4').getByRole('button', { name: '解锁', exact: true }).click();
    await pwExpect(row('clerk4')).toContainText('正常');
    await pwExpect(row('clerk4').getByRole('button', { name: '解锁', exact: true })).toHaveCount(0);
    await check(admin, '34-admin-users-states');
    await clerk.getByLabel('密码').fill('clerk4-first-pass');
    await clerk.getByRole('button', { name: '登录' }).click();
    await pwExpect(clerk).toHaveURL(/\/reception$/);
  });
});
