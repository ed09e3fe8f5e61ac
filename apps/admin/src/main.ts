import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { Matches } from 'class-validator';
import { DomainError, loadConfigOrExit } from '#libs/common';
import { ensureDatabase, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { EmbeddedConfig, type Caller, type ServiceClient } from '#libs/runtime';
import { persistentSecret } from '../../embedded/src/embedded.js';
import { AccountsService } from '../../gateway/src/accounts.service.js';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';

/**
 * `npm run admin -- <command>`: the administrator's tools when the web app cannot help (the
 * admin's own password is lost, the admin is locked out). Distributed when DATABASE_URL is set
 * (the gateway's database), else embedded (DATA_DIR). Works while the platform runs.
 *
 *   reset-password <username>   a new temporary password, printed once; changed at the next login
 *   unlock <username>           lifts a lockout after repeated failed logins
 */
class DistributedAdminConfig {
  @Matches(/^(mysql|mariadb):\/\//, { message: 'DATABASE_URL must look like mysql://user:password@host:3306/petition_ (mariadb:// for MariaDB)' }) DATABASE_URL: string;
}

const USAGE = 'usage: npm run admin -- reset-password <username> | unlock <username>';
const [command, username, ...rest] = process.argv.slice(2);
if (!['reset-password', 'unlock'].includes(command ?? '') || !username || rest.length) {
  process.stderr.write(`admin: ${command ? `unknown or incomplete command "${[command, username, ...rest].filter(Boolean).join(' ')}"` : 'no command'}; ${USAGE}\n`);
  process.exit(64);
}

let db: DatabaseConfig;
let jwtSecret: string;
let mode: 'embedded' | 'distributed';
if (process.env.DATABASE_URL) {
  const cfg = loadConfigOrExit(DistributedAdminConfig);
  db = mysqlConfigFromUrl(cfg.DATABASE_URL);
  await ensureDatabase('gateway', db);
  // No token is issued here: a throwaway signing key.
  jwtSecret = randomBytes(32).toString('base64url');
  mode = 'distributed';
} else {
  const cfg = loadConfigOrExit(EmbeddedConfig);
  const dataDir = resolve(cfg.DATA_DIR);
  db = { driver: 'sqlite', dataDir };
  jwtSecret = cfg.JWT_SECRET ?? persistentSecret(dataDir);
  mode = 'embedded';
}

const noServices: ServiceClient = {
  command: () => Promise.reject(new Error('the admin command line calls no service')),
  query: () => Promise.reject(new Error('the admin command line calls no service')),
};
const app = await createGatewayApp({ mode, jwtSecret, jwtTtlSeconds: 60, adminPassword: process.env.ADMIN_PASSWORD, timeZone: process.env.TZ ?? 'Asia/Shanghai' }, db, noServices, ['error']);
await app.init();
const accounts = app.get(AccountsService);
// The security log names who ran it: the operating-system account, marked as the command line.
const operator: Caller = { username: `cli:${userInfo().username}`, roles: ['admin'], unitCode: null };
try {
  if (command === 'reset-password') {
    const password = `${randomBytes(9).toString('base64url')}-${randomBytes(3).toString('hex')}`;
    await accounts.resetPassword(operator, username, password);
    process.stdout.write(`用户 ${username} 的临时密码：${password}\n（仅显示这一次；该用户下次登录时须修改密码，原有登录已失效，锁定已解除）\n`);
  } else {
    const view = await accounts.unlock(operator, username);
    process.stdout.write(`用户 ${view.username} 已解锁，可以重新登录\n`);
  }
  await app.close();
  process.exit(0);
} catch (e) {
  await app.close().catch(() => undefined);
  if (!(e instanceof DomainError)) throw e;
  process.stderr.write(`admin: ${e.message}\n`);
  process.exit(e.status === 404 ? 66 : 65);
}
