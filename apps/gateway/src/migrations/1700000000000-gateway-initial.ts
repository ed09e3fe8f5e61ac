import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';

export class GatewayInitial1700000000000 implements MigrationInterface {
  name = 'GatewayInitial1700000000000';
  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'gw_user', [col.id('username', 60), col.str('passwordHash', 100), col.str('displayName', 100), col.str('roles', 200), col.str('unitCode', 40, true), col.time('createdAt')]);
    await createTable(qr, 'gw_unit', [col.id('code', 40), col.str('name', 100), col.str('parentCode', 40, true), col.time('createdAt')]);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('gw_unit', true);
    await qr.dropTable('gw_user', true);
  }
}
