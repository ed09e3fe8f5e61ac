import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createMessagingTables, createTable } from '#libs/persistence';

export class AssignmentInitial1700000000000 implements MigrationInterface {
  name = 'AssignmentInitial1700000000000';
  async up(qr: QueryRunner): Promise<void> {
    await createMessagingTables(qr);
    await createTable(
      qr,
      'assignment_case',
      [
        col.id('id'),
        col.str('status', 20),
        col.bool('reviewed'),
        col.int('extensionDaysUsed', false, 0),
        col.str('unitCode', 40, true),
        col.str('mode', 10, true),
        col.str('feedbackDueAt', 10, true),
        col.time('receivedAt'),
        col.time('routedAt', true),
        col.time('acceptedAt', true),
      ],
      [{ name: 'idx_assignment_unit_status', columns: ['unitCode', 'status'] }],
    );
  }
  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['assignment_case', 'processed_event', 'outbox']) await qr.dropTable(t, true);
  }
}
