import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { exclusive } from '#libs/persistence';
import { derivedWith, recordDerivation, refreshDerivedColumns } from './read-model-refresh.js';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings.js';
import { retally } from './tallies.js';

/**
 * Every case's derived columns again with these settings, the reports' counters counted again from
 * them, and what they were derived with recorded (at start, and when a holiday notice arrives).
 * Returns the number of cases.
 */
export async function deriveAgain(m: EntityManager, s: ReportingSettings): Promise<number> {
  const n = await refreshDerivedColumns(m, s);
  await retally(m, s.timeZone);
  await recordDerivation(m, s);
  return n;
}

/**
 * Keeps the derived columns true to the settings they are computed with: at start, when the
 * calendar (a year's notice loaded), the deadline policy, the time zone or the category tree
 * differ from those of the last derivation, every case is derived again before the service
 * serves reports.
 */
@Injectable()
export class ReadModelMaintainer implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReadModel');
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const m = this.dataSource.manager;
    if (await exclusive(this.dataSource, () => derivedWith(m, this.settings))) return;
    const t0 = Date.now();
    this.logger.log('the calendar, deadline policy or categories changed: deriving the report columns of every case again');
    const n = await exclusive(this.dataSource, () => m.transaction((t) => deriveAgain(t, this.settings)));
    this.logger.log(`report columns of ${n} cases derived again in ${Date.now() - t0} ms`);
  }
}
