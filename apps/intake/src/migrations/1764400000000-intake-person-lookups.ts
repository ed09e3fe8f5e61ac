import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';

/** The record of person lookups (who asked for whose cases, the key masked). */
export class IntakePersonLookups1764400000000 implements MigrationInterface {
  name = 'IntakePersonLookups1764400000000';
  async up(qr: QueryRunner): Promise<void> {
    await createTable(
      qr,
      'intake_person_lookup',
      [col.id('id'), col.str('askedBy', 60), col.time('askedAt'), col.str('keyKind', 20), col.str('maskedKey', 150), col.int('resultCount')],
      [{ name: 'idx_person_lookup_asked_at', columns: ['askedAt'] }],
    );
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('intake_person_lookup', true);
  }
}
