import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createMessagingTables, createTable } from '#libs/persistence';

export class ClosureInitial1700000000000 implements MigrationInterface {
  name = 'ClosureInitial1700000000000';
  async up(qr: QueryRunner): Promise<void> {
    await createMessagingTables(qr);
    await createTable(qr, 'closure_case', [
      col.id('id'),
      col.str('status', 20),
      col.bool('reviewed'),
      col.int('extensionDaysUsed', false, 0),
      col.str('unitCode', 40, true),
      col.text('facts'),
      col.time('acceptedAt', true),
      col.time('closedAt', true),
      col.str('kind', 20, true),
      col.str('outcome', 20, true),
      col.text('opinion', true),
      col.str('closedBy', 60, true),
      col.str('rating', 30, true),
      col.time('evaluatedAt', true),
    ]);
  }
  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['closure_case', 'processed_event', 'outbox']) await qr.dropTable(t, true);
  }
}
