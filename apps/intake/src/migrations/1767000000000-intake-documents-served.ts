import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';

/** Documents served on the petitioner (已送达): one row per case and kind. */
export class IntakeDocumentsServed1767000000000 implements MigrationInterface {
  name = 'IntakeDocumentsServed1767000000000';
  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'intake_document_served', [
      { ...col.id('caseId'), isPrimary: true },
      { ...col.str('kind', 40), isPrimary: true },
      col.date('servedOn'),
      col.str('method', 20),
      col.time('servedAt'),
      col.str('recordedBy', 60),
      col.time('recordedAt'),
    ]);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('intake_document_served', true);
  }
}
