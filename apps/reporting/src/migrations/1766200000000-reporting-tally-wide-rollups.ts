import type { MigrationInterface, QueryRunner } from 'typeorm';
import { retally } from '../tallies.js';
import type { ReportingSettings } from '../reporting.settings.js';

/**
 * The counters' rollups become the whole, per unit, per category, and the wide ones keyed by
 * channel, assigning authority and purpose — alone, with the unit, the category, or both — so that
 * every combination of the summary's filters is read from counters (tallies.ts ROLLUPS; they were
 * the whole, unit, category, channel, authority, purpose and unit × category, and a combination
 * such as unit × channel scanned the cases). The table is the same: its rows counted again from the
 * cases. Down counts them again too — with the rollups of the code that runs it.
 */
export function reportingTallyWideRollups(settings: ReportingSettings): new () => MigrationInterface {
  return class ReportingTallyWideRollups1766200000000 implements MigrationInterface {
    name = 'ReportingTallyWideRollups1766200000000';
    async up(qr: QueryRunner): Promise<void> {
      await retally(qr.manager, settings.timeZone);
    }
    async down(qr: QueryRunner): Promise<void> {
      await retally(qr.manager, settings.timeZone);
    }
  };
}
