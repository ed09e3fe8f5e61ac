import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createMessagingTables, createTable } from '#libs/persistence';

export class IntakeInitial1700000000000 implements MigrationInterface {
  name = 'IntakeInitial1700000000000';
  async up(qr: QueryRunner): Promise<void> {
    await createMessagingTables(qr);
    await createTable(
      qr,
      'intake_case',
      [
        col.id('id'),
        col.str('trackingNo', 32),
        col.str('category', 60),
        col.str('purpose', 20),
        { ...col.str('status', 20), default: "'registered'" },
        col.bool('reviewed'),
        col.int('extensionDaysUsed', false, 0),
        col.bool('open', true),
        col.time('receivedAt'),
        col.time('createdAt'),
      ],
      [{ name: 'uq_intake_case_tracking_no', columns: ['trackingNo'], unique: true }],
    );
    await createTable(
      qr,
      'intake_petitioner',
      [col.id('id'), col.str('caseId', 36), col.str('name', 100), col.str('idNumber', 30, true), col.str('phone', 30, true), col.str('address', 200, true)],
      [
        { name: 'idx_petitioner_id_number', columns: ['idNumber'] },
        { name: 'idx_petitioner_name_phone', columns: ['name', 'phone'] },
      ],
    );
    await createTable(
      qr,
      'intake_contact',
      [
        col.id('id'),
        col.str('caseId', 36),
        col.str('channel', 10),
        col.time('receivedAt'),
        col.time('enteredAt'),
        col.str('enteredBy', 60),
        col.int('headcount'),
        col.bool('repeat'),
        col.str('receptionSessionId', 36, true),
      ],
      [{ name: 'idx_contact_case', columns: ['caseId'] }],
    );
    await createTable(qr, 'intake_reception_session', [col.id('id'), col.str('kind', 20), col.str('leader', 100), col.date('date'), col.str('createdBy', 60), col.time('createdAt')]);
  }
  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['intake_reception_session', 'intake_contact', 'intake_petitioner', 'intake_case', 'processed_event', 'outbox']) await qr.dropTable(t, true);
  }
}
