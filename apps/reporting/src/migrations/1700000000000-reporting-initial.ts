import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createMessagingTables, createTable } from '#libs/persistence';

export class ReportingInitial1700000000000 implements MigrationInterface {
  name = 'ReportingInitial1700000000000';
  async up(qr: QueryRunner): Promise<void> {
    await createMessagingTables(qr);
    await createTable(
      qr,
      'rpt_case',
      [
        col.id('id'),
        col.str('trackingNo', 32),
        col.str('status', 20),
        col.bool('reviewed'),
        col.int('extensionDaysUsed', false, 0),
        col.str('channel', 10),
        col.str('purpose', 20),
        col.str('category', 60),
        col.str('summary', 200),
        col.text('content'),
        col.int('headcount'),
        col.bool('groupVisit'),
        col.str('authority', 20, true),
        col.str('assignedReference', 100, true),
        col.str('assignedFeedbackDueAt', 10, true),
        col.bool('backlog'),
        col.str('unitCode', 40, true),
        col.str('routeMode', 10, true),
        col.time('receivedAt'),
        col.time('routedAt', true),
        col.time('acceptedAt', true),
        col.time('closedAt', true),
        col.str('closureKind', 20, true),
        col.str('closureOutcome', 20, true),
        col.text('closureOpinion', true),
        col.int('repeatContacts', false, 0),
        col.bool('supervised'),
        col.text('petitioners'),
        col.text('facts'),
        col.text('timeline'),
        col.text('extra'),
        col.str('lastEventId', 36),
        col.time('updatedAt'),
      ],
      [
        { name: 'idx_rpt_case_received', columns: ['receivedAt'] },
        { name: 'idx_rpt_case_unit_status', columns: ['unitCode', 'status'] },
      ],
    );
    await createTable(
      qr,
      'rpt_contact',
      [col.id('id'), col.str('caseId', 36), col.str('channel', 10), col.time('receivedAt'), col.int('headcount'), col.bool('repeat'), col.str('receptionSessionId', 36, true)],
      [{ name: 'idx_rpt_contact_received', columns: ['receivedAt'] }],
    );
    await createTable(qr, 'rpt_reception_session', [col.id('id'), col.str('kind', 20), col.str('leader', 100), col.date('date')], [{ name: 'idx_rpt_session_date', columns: ['date'] }]);
  }
  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['rpt_reception_session', 'rpt_contact', 'rpt_case', 'processed_event', 'outbox']) await qr.dropTable(t, true);
  }
}
