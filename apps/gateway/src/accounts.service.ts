import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { hashPassword, verifyPassword, type TokenClaims } from '#libs/auth';
import { InvalidInputError, StateConflictError, UnauthorizedError } from '#libs/common';
import type { Role } from '#libs/runtime';
import type { CreateUnitDto, CreateUserDto } from './dto/admin.dto.js';
import { UnitRecord, UserRecord } from './gateway.entities.js';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';

export interface UserView {
  username: string;
  displayName: string;
  roles: Role[];
  unitCode: string | null;
}
const view = (u: UserRecord): UserView => ({ username: u.username, displayName: u.displayName, roles: JSON.parse(u.roles), unitCode: u.unitCode });

/** Users, units and tokens: the gateway's own data. */
@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Accounts');
  constructor(
    @InjectRepository(UserRecord) private readonly users: Repository<UserRecord>,
    @InjectRepository(UnitRecord) private readonly units: Repository<UnitRecord>,
    private readonly jwt: JwtService,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  /** First start with no users creates `admin`. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    let password = this.settings.adminPassword;
    if (!password) {
      if (this.settings.mode !== 'embedded') throw new Error('configuration: ADMIN_PASSWORD is required on first start (no users yet)');
      password = randomBytes(12).toString('base64url');
      // Printed once, on the console only: it is never stored in clear.
      process.stdout.write(`\n  First start: created user "admin" with password ${password}\n  (set ADMIN_PASSWORD to choose it; it is not shown again)\n\n`);
    }
    try {
      await this.users.insert({ username: 'admin', passwordHash: await hashPassword(password), displayName: '系统管理员', roles: JSON.stringify(['admin']), unitCode: null, createdAt: new Date() });
      this.logger.log('created the admin user');
    } catch (e) {
      // Another gateway replica starting at the same moment created it first.
      if (!(await this.users.existsBy({ username: 'admin' }))) throw e;
    }
  }

  async login(username: string, password: string): Promise<{ accessToken: string; user: UserView }> {
    const u = await this.users.findOneBy({ username });
    // Compare even for an unknown user, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, u?.passwordHash ?? '$2b$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva');
    if (!u || !ok) throw new UnauthorizedError('用户名或密码错误');
    const user = view(u);
    const claims: TokenClaims = { sub: u.username, roles: user.roles, unitCode: u.unitCode, name: u.displayName };
    return { accessToken: await this.jwt.signAsync(claims), user };
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
    if (!(await this.units.existsBy({ code }))) throw InvalidInputError.field(field, `${label}「${code}」不存在`);
  }

  async createUser(dto: CreateUserDto): Promise<UserView> {
    if (dto.roles.includes('handler') && !dto.unitCode) {
      throw InvalidInputError.field('unitCode', '责任单位经办人必须填写所属单位');
    }
    if (dto.unitCode) await this.assertUnit(dto.unitCode, 'unitCode', '所属单位');
    if (await this.users.existsBy({ username: dto.username })) throw new StateConflictError(`用户名 ${dto.username} 已存在`, undefined, 'DUPLICATE');
    const record: UserRecord = {
      username: dto.username,
      passwordHash: await hashPassword(dto.password),
      displayName: dto.displayName,
      roles: JSON.stringify([...new Set(dto.roles)]),
      unitCode: dto.unitCode ?? null,
      createdAt: new Date(),
    };
    await this.users.insert(record);
    return view(record);
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.users.find({ order: { username: 'ASC' } })).map(view);
  }
}
