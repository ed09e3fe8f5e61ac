import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';

/** Idempotency keys of POST requests (IdempotencyKeyRecord): one row per user and key, kept 24 hours. */
export class GatewayIdempotency1766000000000 implements MigrationInterface {
  name = 'GatewayIdempotency1766000000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(
      qr,
      'gw_idempotency_key',
      [
        col.id('username', 60),
        col.id('keyHash', 64),
        col.str('fingerprint', 64),
        col.str('state', 12),
        col.int('status', true),
        col.text('response', true),
        col.time('createdAt'),
        col.time('expiresAt'),
      ],
      [{ name: 'idx_gw_idempotency_expires', columns: ['expiresAt'] }],
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('gw_idempotency_key', true);
  }
}
