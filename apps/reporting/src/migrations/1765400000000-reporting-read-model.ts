import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';
import { markEventLogIncomplete, recordDerivation, refreshDerivedColumns } from '../read-model-refresh.js';
import type { ReportingSettings } from '../reporting.settings.js';

const COLUMNS = [
  col.str('categoryTop', 60),
  col.str('dataError', 500, true),
  col.time('acceptanceDueAt', true),
  col.bool('acceptanceMet'),
  col.time('handlingDueAt', true),
  col.time('evaluationDueAt', true),
  col.str('evaluationWindow', 8, true),
  col.time('evaluatedAt', true),
  col.str('evaluationRating', 20, true),
  col.bool('reviewRequested'),
  col.time('firstRepeatAt', true),
  col.time('comeBackBy', true),
  col.time('overdueFrom', true),
  col.time('nextDueAt', true),
  col.str('nextDueKind', 20, true),
  col.time('answerDueAt', true),
  col.str('answerDueKind', 20, true),
];

const CASE_INDICES: [string, string[]][] = [
  ['idx_rpt_case_closed', ['closedAt']],
  ['idx_rpt_case_acceptance_due', ['acceptanceDueAt']],
  ['idx_rpt_case_handling_due', ['handlingDueAt']],
  ['idx_rpt_case_evaluated', ['evaluatedAt']],
  ['idx_rpt_case_evaluation_due', ['evaluationDueAt']],
  ['idx_rpt_case_overdue', ['overdueFrom']],
  ['idx_rpt_case_next_due', ['nextDueAt']],
  ['idx_rpt_case_authority', ['authority', 'status']],
  // The summary names the cases whose deadlines cannot be computed: few, found by index, not by a scan.
  ['idx_rpt_case_data_error', ['dataError']],
];

/**
 * The reports' read model (issue 10): the columns the figures filter, group and count on, derived
 * from each case's history (read-model.ts), the routing and supervision acts as rows, the
 * indexes the reports' filters use, and the event log a rebuild replays (rpt_event). Existing cases are derived here from their stored history, and
 * rpt_meta records what with (the reporting service derives them again at start when that changed).
 */
/**
 * The assigning authority's feedback date (assignedBy.feedbackDueAt) was replaced by the date the
 * office set for the unit when it assigned the case: put back the one the registration carried.
 */
async function restoreAuthorityFeedbackDates(qr: QueryRunner): Promise<void> {
  const rows = (await qr.query('SELECT id, facts, assignedFeedbackDueAt FROM rpt_case WHERE authority IS NOT NULL')) as { id: string; facts: string; assignedFeedbackDueAt: string | null }[];
  for (const r of rows) {
    let due: string | null;
    try {
      due = (JSON.parse(r.facts) as { type: string; feedbackDueDate?: string }[]).find((f) => f.type === 'registered')?.feedbackDueDate ?? null;
    } catch {
      continue; // shown as 数据异常
    }
    if (due !== r.assignedFeedbackDueAt) await qr.query('UPDATE rpt_case SET assignedFeedbackDueAt = ? WHERE id = ?', [due, r.id]);
  }
}

export function reportingReadModel(settings: ReportingSettings): new () => MigrationInterface {
  return class ReportingReadModel1765400000000 implements MigrationInterface {
    name = 'ReportingReadModel1765400000000';
    async up(qr: QueryRunner): Promise<void> {
      await qr.addColumns(
        'rpt_case',
        COLUMNS.map((c) => new TableColumn({ ...c, ...(c.name === 'categoryTop' ? { default: "''" } : {}) })),
      );
      for (const [name, columns] of CASE_INDICES) await qr.createIndex('rpt_case', new TableIndex({ name, columnNames: columns }));
      await qr.createIndex('rpt_contact', new TableIndex({ name: 'idx_rpt_contact_case', columnNames: ['caseId'] }));
      await createTable(
        qr,
        'rpt_act',
        [col.id('id'), col.str('caseId', 36), col.str('kind', 12), col.str('mode', 10, true), col.bool('automatic'), col.time('at')],
        [
          { name: 'idx_rpt_act_at', columns: ['at'] },
          { name: 'idx_rpt_act_case', columns: ['caseId'] },
        ],
      );
      await createTable(qr, 'rpt_meta', [col.id('key', 60), col.text('value')]);
      await createTable(
        qr,
        'rpt_event',
        [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          col.str('eventId', 36),
          col.str('type', 60),
          col.str('caseId', 36),
          col.text('envelope'),
          col.time('loggedAt'),
        ],
        [{ name: 'idx_rpt_event_id', columns: ['eventId'], unique: true }],
      );
      // The log starts now: cases the read model already holds cannot be rebuilt from it (the rebuild says so and refuses).
      const [{ n }] = (await qr.query('SELECT COUNT(*) AS n FROM rpt_case')) as { n: unknown }[];
      if (Number(n) > 0) await markEventLogIncomplete(qr.manager, Number(n));
      await refreshDerivedColumns(qr.manager, settings, { acts: true });
      await recordDerivation(qr.manager, settings);
      await restoreAuthorityFeedbackDates(qr);
    }
    async down(qr: QueryRunner): Promise<void> {
      await qr.dropTable('rpt_event');
      await qr.dropTable('rpt_meta');
      await qr.dropTable('rpt_act');
      await qr.dropIndex('rpt_contact', 'idx_rpt_contact_case');
      for (const [name] of CASE_INDICES) await qr.dropIndex('rpt_case', name);
      await qr.dropColumns(
        'rpt_case',
        COLUMNS.map((c) => c.name),
      );
    }
  };
}
