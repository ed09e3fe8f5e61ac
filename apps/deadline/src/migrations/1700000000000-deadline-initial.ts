import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createMessagingTables, createTable } from '#libs/persistence';

export class DeadlineInitial1700000000000 implements MigrationInterface {
  name = 'DeadlineInitial1700000000000';
  async up(qr: QueryRunner): Promise<void> {
    await createMessagingTables(qr);
    await createTable(qr, 'deadline_case', [
      col.id('caseId'),
      col.text('facts'),
      { ...col.str('status', 20), default: "'registered'" },
      col.bool('reviewed'),
      col.int('extensionDaysUsed', false, 0),
      col.bool('supervised'),
      col.time('updatedAt'),
    ]);
    await createTable(
      qr,
      'deadline',
      [
        col.id('caseId'),
        { ...col.str('kind', 20), isPrimary: true },
        col.int('revision'),
        col.time('dueAt'),
        col.date('lastDay'),
        col.str('state', 10),
        col.str('holder', 20),
        col.text('basis'),
        col.str('lastWarning', 20, true),
        col.int('breachedRevision', false, -1),
        col.int('escalatedRevision', false, -1),
      ],
      [{ name: 'idx_deadline_state_due', columns: ['state', 'dueAt'] }],
    );
  }
  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['deadline', 'deadline_case', 'processed_event', 'outbox']) await qr.dropTable(t, true);
  }
}
