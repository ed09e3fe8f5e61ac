import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';
import { retally } from '../tallies.js';
import { COUNTERS } from '../tally-counters.js';
import { OVERDUE_COVER } from '../reporting.entities.js';
import type { ReportingSettings } from '../reporting.settings.js';

/**
 * The reports' counters (rpt_tally, tallies.ts): per rollup, group and day (or pair of days),
 * what the summary and the breakdowns add up — counted here from the cases the read model holds.
 */
export function reportingTallies(settings: ReportingSettings): new () => MigrationInterface {
  return class ReportingTallies1766100000000 implements MigrationInterface {
    name = 'ReportingTallies1766100000000';
    async up(qr: QueryRunner): Promise<void> {
      const key = (name: string, length: number) => ({ ...col.str(name, length), isPrimary: true });
      await createTable(
        qr,
        'rpt_tally',
        [
          key('rollup', 4),
          key('unitCode', 40),
          key('category', 60),
          key('channel', 10),
          key('authority', 20),
          key('purpose', 20),
          key('d1', 10),
          key('kind', 2),
          key('d2', 10),
          { ...col.str('categoryTop', 60), default: "''" },
          ...COUNTERS.map((c) => col.int(c, false, 0)),
        ],
        [{ name: 'idx_rpt_tally_period', columns: ['rollup', 'd1'] }],
      );
      // What the counters leave to the case rows, read from indexes alone: the open cases past a due
      // instant (a breakdown's overdue column), the contacts of reception sessions (the summary).
      await qr.createIndex('rpt_case', new TableIndex({ name: 'idx_rpt_case_overdue_cover', columnNames: OVERDUE_COVER }));
      await qr.createIndex('rpt_contact', new TableIndex({ name: 'idx_rpt_contact_session', columnNames: ['receptionSessionId', 'caseId', 'headcount'] }));
      await retally(qr.manager, settings.timeZone);
    }
    async down(qr: QueryRunner): Promise<void> {
      await qr.dropIndex('rpt_contact', 'idx_rpt_contact_session');
      await qr.dropIndex('rpt_case', 'idx_rpt_case_overdue_cover');
      await qr.dropTable('rpt_tally');
    }
  };
}
