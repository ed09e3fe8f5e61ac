import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createDeadLetterTable } from '#libs/persistence';

/** Messages the event server could not apply, kept for the administrator to replay or discard. */
export class ReportingDeadLetters1765200000000 implements MigrationInterface {
  name = 'ReportingDeadLetters1765200000000';
  async up(qr: QueryRunner): Promise<void> {
    await createDeadLetterTable(qr);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('dead_letter', true);
  }
}
