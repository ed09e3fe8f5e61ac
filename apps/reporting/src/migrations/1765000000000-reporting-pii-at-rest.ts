import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { PiiKeyring } from '#libs/common';
import { passReportingPii } from '../petitioner-pii.js';

/**
 * Personal data at rest in the read model: every petitioner's identity number, phone and
 * address in rpt_case.petitioners sealed under the current key (no column changes: the
 * petitioners are a JSON text). Idempotent: sealed values are left as they are.
 */
export function reportingPiiAtRest(pii: PiiKeyring): new () => MigrationInterface {
  return class ReportingPiiAtRest1765000000000 implements MigrationInterface {
    name = 'ReportingPiiAtRest1765000000000';
    async up(qr: QueryRunner): Promise<void> {
      // The pages the clear values leave are zeroed, not left in the file.
      if (qr.connection.options.type === 'better-sqlite3') await qr.query('PRAGMA secure_delete = ON');
      await passReportingPii(qr, pii, 'seal', {}, false);
    }
    async down(qr: QueryRunner): Promise<void> {
      await passReportingPii(qr, pii, 'open', {}, false);
    }
  };
}
