import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';

/** Documents (文书): the number of each document of a case, and the handling opinion as the closure wrote it. */
export class IntakeDocuments1766500000000 implements MigrationInterface {
  name = 'IntakeDocuments1766500000000';
  async up(qr: QueryRunner): Promise<void> {
    await createTable(
      qr,
      'intake_document',
      [
        col.id('id'),
        col.str('caseId', 36),
        col.str('kind', 40),
        col.str('unitCode', 40),
        col.int('year'),
        col.int('sequence'),
        col.str('documentNumber', 20),
        col.time('issuedAt'),
        col.str('issuedBy', 60),
      ],
      [
        { name: 'uq_intake_document_case_kind', columns: ['caseId', 'kind'], unique: true },
        { name: 'uq_intake_document_sequence', columns: ['unitCode', 'kind', 'year', 'sequence'], unique: true },
      ],
    );
    await createTable(qr, 'intake_handling_opinion', [col.id('caseId'), col.str('kind', 20), col.str('outcome', 20), col.text('opinion'), col.time('closedAt')]);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('intake_handling_opinion', true);
    await qr.dropTable('intake_document', true);
  }
}
