import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { dummyPasswordHash, hashPassword, passwordProblem, SECURITY_EVENTS, verifyPassword, type SecurityEvents } from '#libs/auth';
import { InvalidInputError, LockedError, NotFoundError, StateConflictError, UnauthorizedError } from '#libs/common';
import { formatInstant } from '#libs/regulation';
import type { Caller, Role } from '#libs/runtime';
import type { CreateUnitDto, CreateUserDto } from './dto/admin.dto.js';
import { UnitRecord, UserRecord } from './gateway.entities.js';
import { accountSettings, GATEWAY_SETTINGS, officeTimeZone, type GatewaySettings } from './gateway.settings.js';
import { LoginLockout } from './login-lockout.js';
import { SessionsService, type IssuedTokens } from './sessions.service.js';

export interface UserView {
  username: string;
  displayName: string;
  roles: Role[];
  unitCode: string | null;
}
/** A user as the admin's list shows them: with their state. */
export interface AdminUserView extends UserView {
  disabled: boolean;
  mustChangePassword: boolean;
  /** Locked after repeated failed logins until then (office time), or null. */
  lockedUntil: string | null;
}
export interface SignedIn extends IssuedTokens {
  user: UserView;
  /** The admin reset the password: every call but POST /auth/password answers 403 PASSWORD_CHANGE_REQUIRED until it is changed. */
  mustChangePassword: boolean;
}
/** Where a request came from, for the security log. */
export interface RequestOrigin {
  ip: string | null;
}

const view = (u: UserRecord): UserView => ({ username: u.username, displayName: u.displayName, roles: JSON.parse(u.roles), unitCode: u.unitCode });
/** Usernames are case-insensitive: this is how they are compared and looked up. */
export const usernameKey = (username: string): string => username.trim().toLowerCase();

/** Users, units, sign-in and passwords: the gateway's own data. */
@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Accounts');
  constructor(
    @InjectRepository(UserRecord) private readonly users: Repository<UserRecord>,
    @InjectRepository(UnitRecord) private readonly units: Repository<UnitRecord>,
    private readonly sessions: SessionsService,
    private readonly lockout: LoginLockout,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  private get policy() {
    return accountSettings(this.settings);
  }

  /** "2024-09-18 10:45（北京时间）": an instant as the office's clock shows it. */
  private officeTime(d: Date): string {
    const tz = officeTimeZone(this.settings);
    const iso = formatInstant(d, tz);
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)}（${tz === 'Asia/Shanghai' ? '北京时间' : tz}）`;
  }

  private lockedError(until: Date, now = new Date()): LockedError {
    return new LockedError(`因连续 ${this.policy.maxFailures} 次密码错误，该账号已被锁定，请于 ${this.officeTime(until)}后再试，或请系统管理员解锁`, (until.getTime() - now.getTime()) / 1000);
  }

  private checkPassword(password: string, username: string, field: string, label: string): void {
    const problem = passwordProblem(password, username, label, { minLength: this.policy.passwordMinLength });
    if (problem) throw InvalidInputError.field(field, problem);
  }

  /** First start with no users creates `admin`. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) {
      // Said, not silently ignored: ADMIN_PASSWORD only creates the first admin.
      if (this.settings.adminPassword) {
        this.logger.warn('ADMIN_PASSWORD is set but users exist already: it is used only at the first start. To reset a password: npm run admin -- reset-password <username>');
      }
      return;
    }
    let password = this.settings.adminPassword;
    if (password) {
      const problem = passwordProblem(password, 'admin', 'ADMIN_PASSWORD', { minLength: this.policy.passwordMinLength });
      if (problem) throw new Error(`configuration: ADMIN_PASSWORD does not meet the password policy (${problem})`);
    } else {
      if (this.settings.mode !== 'embedded') throw new Error('configuration: ADMIN_PASSWORD is required on first start (no users yet)');
      password = randomBytes(12).toString('base64url');
      // Printed once, on the console only: it is never stored in clear.
      process.stdout.write(`\n  First start: created user "admin" with password ${password}\n  (set ADMIN_PASSWORD to choose it; it is not shown again)\n\n`);
    }
    try {
      await this.users.insert(await this.newUser({ username: 'admin', password, displayName: '系统管理员', roles: ['admin'] }));
      this.logger.log('created the admin user');
    } catch (e) {
      // Another gateway replica starting at the same moment created it first.
      if (!(await this.users.existsBy({ usernameKey: 'admin' }))) throw e;
    }
  }

  private async newUser(dto: { username: string; password: string; displayName: string; roles: Role[]; unitCode?: string }): Promise<UserRecord> {
    return {
      username: dto.username,
      usernameKey: usernameKey(dto.username),
      passwordHash: await hashPassword(dto.password),
      displayName: dto.displayName,
      roles: JSON.stringify([...new Set(dto.roles)]),
      unitCode: dto.unitCode ?? null,
      createdAt: new Date(),
      disabled: false,
      mustChangePassword: false,
      tokenVersion: 0,
      passwordChangedAt: null,
    };
  }

  /**
   * Sign-in. Refused: a locked username (423 with Retry-After, also for unknown usernames), a
   * wrong password or unknown user (401, counted towards the lockout), a disabled user (401,
   * only once the password was right). A bcrypt hash is replaced by an argon2id one here.
   */
  async login(username: string, password: string, origin: RequestOrigin = { ip: null }): Promise<SignedIn> {
    const key = usernameKey(username);
    const now = new Date();
    const locked = await this.lockout.lockedUntil(key, now);
    const u = await this.users.findOneBy({ usernameKey: key });
    if (locked) {
      await this.security.record({ event: 'login-refused', actor: null, target: u?.username ?? null, ip: origin.ip, detail: { reason: 'locked' } });
      throw this.lockedError(locked, now);
    }
    // Compare even for an unknown user, so timing does not tell which usernames exist.
    const check = await verifyPassword(password, u?.passwordHash ?? (await dummyPasswordHash()));
    if (!u || !check.ok) {
      const { lockedUntil, failures } = await this.lockout.failed(key, now);
      await this.security.record({ event: 'login-failed', actor: null, target: u?.username ?? null, ip: origin.ip, detail: { reason: u ? 'bad-password' : 'unknown-user', failures } });
      if (lockedUntil) {
        await this.security.record({ event: 'account-locked', actor: null, target: u?.username ?? null, ip: origin.ip, detail: { failures, until: lockedUntil.toISOString() } });
        throw this.lockedError(lockedUntil, now);
      }
      throw new UnauthorizedError('用户名或密码错误');
    }
    if (u.disabled) {
      await this.security.record({ event: 'login-refused', actor: null, target: u.username, ip: origin.ip, detail: { reason: 'disabled' } });
      throw new UnauthorizedError('该账号已停用，请联系系统管理员', undefined, 'ACCOUNT_DISABLED');
    }
    await this.lockout.clear(key, now);
    if (check.needsRehash) {
      u.passwordHash = await hashPassword(password);
      await this.users.update({ username: u.username }, { passwordHash: u.passwordHash });
      this.logger.log(`password hash of ${u.username} upgraded to argon2id`);
    }
    const tokens = await this.sessions.start(u);
    await this.security.record({ event: 'login', actor: u.username, target: u.username, ip: origin.ip });
    return { ...tokens, user: view(u), mustChangePassword: u.mustChangePassword };
  }

  async refresh(refreshToken: string, origin: RequestOrigin = { ip: null }): Promise<SignedIn> {
    const { tokens, user } = await this.sessions.refresh(refreshToken, origin.ip);
    return { ...tokens, user: view(user), mustChangePassword: user.mustChangePassword };
  }

  async logout(refreshToken: string, origin: RequestOrigin = { ip: null }): Promise<void> {
    const who = await this.sessions.endByToken(refreshToken);
    if (who) await this.security.record({ event: 'logout', actor: who, target: who, ip: origin.ip });
  }

  /** The user changes their own password: every other session ends, this one goes on with new tokens. */
  async changePassword(caller: Caller, currentPassword: string, newPassword: string, origin: RequestOrigin = { ip: null }): Promise<SignedIn> {
    const u = await this.users.findOneBy({ username: caller.username });
    if (!u) throw new UnauthorizedError('该用户已不存在，请重新登录');
    // Guessing the current password here (with a stolen token) counts towards the lockout as at login.
    const now = new Date();
    const locked = await this.lockout.lockedUntil(u.usernameKey, now);
    if (locked) throw this.lockedError(locked, now);
    if (!(await verifyPassword(currentPassword, u.passwordHash)).ok) {
      const { lockedUntil, failures } = await this.lockout.failed(u.usernameKey, now);
      await this.security.record({ event: 'password-change-refused', actor: u.username, target: u.username, ip: origin.ip, detail: { reason: 'wrong-current-password', failures } });
      if (lockedUntil) {
        await this.security.record({ event: 'account-locked', actor: u.username, target: u.username, ip: origin.ip, detail: { failures, until: lockedUntil.toISOString() } });
        throw this.lockedError(lockedUntil, now);
      }
      throw InvalidInputError.field('currentPassword', '当前密码不正确');
    }
    this.checkPassword(newPassword, u.username, 'newPassword', '新密码');
    if (newPassword === currentPassword) throw InvalidInputError.field('newPassword', '新密码不能与当前密码相同');
    const changed = await this.setPassword(u, newPassword, false, 'password');
    await this.security.record({ event: 'password-changed', actor: u.username, target: u.username, ip: origin.ip });
    const tokens = await this.sessions.start(changed);
    return { ...tokens, user: view(changed), mustChangePassword: false };
  }

  private async setPassword(u: UserRecord, password: string, mustChange: boolean, reason: 'password' | 'reset'): Promise<UserRecord> {
    const changed: UserRecord = { ...u, passwordHash: await hashPassword(password), mustChangePassword: mustChange, tokenVersion: u.tokenVersion + 1, passwordChangedAt: new Date() };
    await this.users.update({ username: u.username }, { passwordHash: changed.passwordHash, mustChangePassword: mustChange, passwordChangedAt: changed.passwordChangedAt });
    await this.users.increment({ username: u.username }, 'tokenVersion', 1);
    await this.sessions.endAllOf(u.username, reason);
    return (await this.users.findOneBy({ username: u.username })) ?? changed;
  }

  private async existing(username: string): Promise<UserRecord> {
    const u = await this.users.findOneBy({ usernameKey: usernameKey(username) });
    if (!u) throw new NotFoundError(`用户 ${username} 不存在`);
    return u;
  }

  /** The admin gives a user a new password; the user must change it at their next login. */
  async resetPassword(admin: Caller, username: string, password: string, origin: RequestOrigin = { ip: null }): Promise<AdminUserView> {
    const u = await this.existing(username);
    this.checkPassword(password, u.username, 'password', '密码');
    const changed = await this.setPassword(u, password, true, 'reset');
    await this.lockout.clear(u.usernameKey);
    await this.security.record({ event: 'password-reset', actor: admin.username, target: u.username, ip: origin.ip });
    return this.adminView(changed);
  }

  async disable(admin: Caller, username: string, origin: RequestOrigin = { ip: null }): Promise<AdminUserView> {
    const u = await this.existing(username);
    if (u.username === admin.username) throw new StateConflictError('不能停用自己的账号');
    if (!u.disabled) {
      await this.users.update({ username: u.username }, { disabled: true });
      await this.users.increment({ username: u.username }, 'tokenVersion', 1);
      await this.sessions.endAllOf(u.username, 'disabled');
    }
    await this.security.record({ event: 'user-disabled', actor: admin.username, target: u.username, ip: origin.ip });
    return this.adminView(await this.existing(username));
  }

  async enable(admin: Caller, username: string, origin: RequestOrigin = { ip: null }): Promise<AdminUserView> {
    const u = await this.existing(username);
    if (u.disabled) await this.users.update({ username: u.username }, { disabled: false });
    await this.security.record({ event: 'user-enabled', actor: admin.username, target: u.username, ip: origin.ip });
    return this.adminView(await this.existing(username));
  }

  async unlock(admin: Caller, username: string, origin: RequestOrigin = { ip: null }): Promise<AdminUserView> {
    const u = await this.existing(username);
    const wasLocked = await this.lockout.clear(u.usernameKey);
    await this.security.record({ event: 'user-unlocked', actor: admin.username, target: u.username, ip: origin.ip, detail: { wasLocked } });
    return this.adminView(u);
  }

  /** The bearer as the screens show them: who, which roles, which unit. */
  async me(username: string): Promise<UserView & { unitName: string | null }> {
    const u = await this.users.findOneBy({ username });
    if (!u) throw new UnauthorizedError('该用户已不存在，请重新登录');
    const unit = u.unitCode ? await this.units.findOneBy({ code: u.unitCode }) : null;
    return { ...view(u), unitName: unit?.name ?? null };
  }

  async createUnit(dto: CreateUnitDto): Promise<{ code: string; name: string; parentCode: string | null }> {
    if (dto.parentCode && !(await this.units.existsBy({ code: dto.parentCode }))) {
      throw InvalidInputError.field('parentCode', `上级单位 ${dto.parentCode} 不存在`);
    }
    if (await this.units.existsBy({ code: dto.code })) throw new StateConflictError(`单位代码 ${dto.code} 已存在`, undefined, 'DUPLICATE');
    const unit = { code: dto.code, name: dto.name, parentCode: dto.parentCode ?? null };
    await this.units.insert({ ...unit, createdAt: new Date() });
    return unit;
  }

  async listUnits() {
    return (await this.units.find({ order: { code: 'ASC' } })).map((u) => ({ code: u.code, name: u.name, parentCode: u.parentCode }));
  }

  async assertUnit(code: string, field = 'unitCode', label = '责任单位'): Promise<void> {
    await this.unitNameOf(code, field, label);
  }

  /** The unit's name; 400 naming the field when there is no such unit. */
  async unitNameOf(code: string, field = 'unitCode', label = '责任单位'): Promise<string> {
    const unit = await this.units.findOneBy({ code });
    if (!unit) throw InvalidInputError.field(field, `${label}「${code}」不存在`);
    return unit.name;
  }

  async createUser(dto: CreateUserDto, admin?: Caller, origin: RequestOrigin = { ip: null }): Promise<UserView> {
    this.checkPassword(dto.password, dto.username, 'password', '密码');
    if (dto.roles.includes('handler') && !dto.unitCode) {
      throw InvalidInputError.field('unitCode', '责任单位经办人必须填写所属单位');
    }
    if (dto.unitCode) await this.assertUnit(dto.unitCode, 'unitCode', '所属单位');
    const duplicate = async () => {
      const same = await this.users.findOneBy({ usernameKey: usernameKey(dto.username) });
      const spelled = same && same.username !== dto.username ? `（与 ${same.username} 相同：用户名不区分大小写）` : '';
      return new StateConflictError(`用户名 ${dto.username} 已存在${spelled}`, undefined, 'DUPLICATE');
    };
    if (await this.users.existsBy({ usernameKey: usernameKey(dto.username) })) throw await duplicate();
    const record = await this.newUser(dto);
    try {
      await this.users.insert(record);
    } catch (e) {
      // the same username, created at the same moment: the unique key refused the second
      if (await this.users.existsBy({ usernameKey: record.usernameKey })) throw await duplicate();
      throw e;
    }
    await this.security.record({
      event: 'user-created',
      actor: admin?.username ?? null,
      target: record.username,
      ip: origin.ip,
      detail: { roles: JSON.parse(record.roles).join(','), unitCode: record.unitCode },
    });
    return view(record);
  }

  private async adminView(u: UserRecord, lockedUntil?: Date | null): Promise<AdminUserView> {
    const until = lockedUntil === undefined ? await this.lockout.lockedUntil(u.usernameKey) : lockedUntil;
    const tz = officeTimeZone(this.settings);
    return { ...view(u), disabled: u.disabled, mustChangePassword: u.mustChangePassword, lockedUntil: until ? formatInstant(until, tz) : null };
  }

  async listUsers(): Promise<AdminUserView[]> {
    const users = await this.users.find({ order: { username: 'ASC' } });
    const locks = await this.lockout.locks(users.map((u) => u.usernameKey));
    return Promise.all(users.map((u) => this.adminView(u, locks.get(u.usernameKey) ?? null)));
  }
}
