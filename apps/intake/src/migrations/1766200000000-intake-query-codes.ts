import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';

/**
 * Query codes (查询码, only their hashes) and the wrong attempts per tracking number. Cases
 * registered before have no code: the office issues one (POST /api/v1/petitions/{id}/query-code).
 */
export class IntakeQueryCodes1766200000000 implements MigrationInterface {
  name = 'IntakeQueryCodes1766200000000';
  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'intake_query_code', [col.id('caseId'), col.str('codeHash', 200), col.time('issuedAt'), col.str('issuedBy', 60)]);
    await createTable(
      qr,
      'intake_track_failure',
      [col.id('trackingNo', 32), col.int('failures'), col.time('windowStartedAt'), col.time('lockedUntil', true)],
      [{ name: 'idx_track_failure_window', columns: ['windowStartedAt'] }],
    );
  }
  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['intake_track_failure', 'intake_query_code']) await qr.dropTable(t, true);
  }
}
