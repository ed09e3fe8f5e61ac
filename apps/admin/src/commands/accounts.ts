import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { DomainError } from '#libs/common';
import type { Caller, ServiceClient } from '#libs/runtime';
import { AccountsService } from '../../../gateway/src/accounts.service.js';
import { createGatewayApp } from '../../../gateway/src/gateway.app.js';
import { adminMode } from '../mode.js';
import { UsageError, type AdminCommand } from './command.js';

const noServices: ServiceClient = {
  command: () => Promise.reject(new Error('the admin command line calls no service')),
  query: () => Promise.reject(new Error('the admin command line calls no service')),
};

/** The gateway's accounts, opened on its database the way the running platform opens it. */
async function withAccounts(fn: (accounts: AccountsService, operator: Caller) => Promise<void>): Promise<number> {
  const mode = await adminMode();
  await mode.ensure('gateway');
  const app = await createGatewayApp(
    { mode: mode.kind, jwtSecret: mode.jwtSecret(), jwtTtlSeconds: 60, adminPassword: process.env.ADMIN_PASSWORD, timeZone: process.env.TZ ?? 'Asia/Shanghai' },
    mode.db,
    noServices,
    ['error'],
  );
  await app.init();
  // The security log names who ran it: the operating-system account, marked as the command line.
  const operator: Caller = { username: `cli:${userInfo().username}`, roles: ['admin'], unitCode: null };
  try {
    await fn(app.get(AccountsService), operator);
    return 0;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    process.stderr.write(`admin: ${e.message}\n`);
    return e.status === 404 ? 66 : 65;
  } finally {
    await app.close().catch(() => undefined);
  }
}

function oneUsername(args: string[]): string {
  if (args.length !== 1 || !args[0]) throw new UsageError('需要且只需要一个用户名');
  return args[0];
}

export const resetPassword: AdminCommand = {
  name: 'reset-password',
  usage: 'reset-password <username>',
  summary: '为用户设置临时密码（只显示一次，下次登录须修改），并解除锁定',
  run: async (args) => {
    const username = oneUsername(args);
    return withAccounts(async (accounts, operator) => {
      const password = `${randomBytes(9).toString('base64url')}-${randomBytes(3).toString('hex')}`;
      await accounts.resetPassword(operator, username, password);
      process.stdout.write(`用户 ${username} 的临时密码：${password}\n（仅显示这一次；该用户下次登录时须修改密码，原有登录已失效，锁定已解除）\n`);
    });
  },
};

export const unlock: AdminCommand = {
  name: 'unlock',
  usage: 'unlock <username>',
  summary: '解除因多次登录失败造成的锁定',
  run: async (args) => {
    const username = oneUsername(args);
    return withAccounts(async (accounts, operator) => {
      const view = await accounts.unlock(operator, username);
      process.stdout.write(`用户 ${view.username} 已解锁，可以重新登录\n`);
    });
  },
};
