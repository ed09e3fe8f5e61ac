import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '#libs/persistence';

/**
 * Cases with a deadline the holiday calendar could not compute (withheld) or computed on assumed
 * ordinary weeks (provisional): the first missing year, so the start that brings its data
 * recomputes exactly them.
 */
export class DeadlineAwaitsCalendar1764300000000 implements MigrationInterface {
  name = 'DeadlineAwaitsCalendar1764300000000';
  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('deadline_case', new TableColumn(col.int('awaitsCalendarYear', true)));
    await qr.createIndex('deadline_case', new TableIndex({ name: 'idx_deadline_case_awaits', columnNames: ['awaitsCalendarYear'] }));
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('deadline_case', 'idx_deadline_case_awaits');
    await qr.dropColumn('deadline_case', 'awaitsCalendarYear');
  }
}
