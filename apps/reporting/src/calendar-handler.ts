import { Controller, Inject, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DataSource, Like, type EntityManager } from 'typeorm';
import { maskText } from '#libs/common';
import type { CalendarNoticeLoadedV1, EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { noticeAsCalendarData, sameDays, yearNoticeOf, type YearNotice } from '#libs/regulation';
import { deriveAgain } from './read-model-maintainer.js';
import { derivedWith } from './read-model-refresh.js';
import { RptMeta } from './reporting.entities.js';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings.js';

/** rpt_meta keys of the kept notices: `calendar-notice:2027`. */
const KEY_PREFIX = 'calendar-notice:';
/** How often the kept notices are read again (another instance of reporting may have taken the event). */
const POLL_MS = 30_000;

interface KeptNotice extends YearNotice {
  loadedBy: string;
  loadedAt: string;
  eventId: string;
}

function apply(s: ReportingSettings, n: YearNotice): boolean {
  const had = yearNoticeOf(s.calendar, n.year);
  if (had && sameDays(had, n) && (had.notice ?? '') === (n.notice ?? '')) return false;
  s.calendar.apply(noticeAsCalendarData(n));
  return true;
}

/**
 * The holiday notices the office uploads, in the reporting service: on `calendar.notice-loaded`
 * the notice is kept (rpt_meta, `calendar-notice:<year>`) and applied to the calendar the case
 * views and the report columns are computed with, and when the calendar now differs from the one
 * the derived columns were computed with, every case is derived again in the same transaction
 * (what ReadModelMaintainer does at start). At start (before the maintainer looks) and every
 * POLL_MS the kept notices are applied. (`deadline.recomputed`, a deadline the load computed or
 * moved, is the projection's: the case's timeline says `deadline-recomputed`.)
 */
@Controller()
export class CalendarHandler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('reporting:calendar');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch((e) => this.logger.warn(`kept holiday notices not read: ${maskText(String(e?.message ?? e))}`)), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async kept(m: EntityManager): Promise<KeptNotice[]> {
    const rows = await m.getRepository(RptMeta).findBy({ key: Like(`${KEY_PREFIX}%`) });
    return rows.map((r) => JSON.parse(r.value) as KeptNotice).sort((a, b) => a.year - b.year);
  }

  private async sync(): Promise<void> {
    for (const n of await exclusive(this.dataSource, () => this.kept(this.dataSource.manager))) {
      if (apply(this.settings, n)) this.logger.log(`holiday notice of ${n.year} applied (loaded by ${n.loadedBy})`);
    }
  }

  @OnCaseEvent('calendar.notice-loaded')
  async onNoticeLoaded(@Payload() e: EventEnvelope<CalendarNoticeLoadedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    const m = ctx.manager;
    const key = `${KEY_PREFIX}${e.payload.year}`;
    const old = await m.getRepository(RptMeta).findOneBy({ key });
    if (old && Date.parse((JSON.parse(old.value) as KeptNotice).loadedAt) > Date.parse(e.payload.loadedAt)) return; // a newer load of the year is kept
    const n: KeptNotice = {
      year: e.payload.year,
      holidays: [...e.payload.holidays].sort(),
      workdays: [...e.payload.workdays].sort(),
      ...(e.payload.notice ? { notice: e.payload.notice } : {}),
      loadedBy: e.actor?.username ?? 'unknown',
      loadedAt: e.payload.loadedAt,
      eventId: e.eventId,
    };
    await m.getRepository(RptMeta).save({ key, value: JSON.stringify(n) });
    if (apply(this.settings, n)) this.logger.log(`holiday notice of ${n.year} applied (loaded by ${n.loadedBy})`);
    if (await derivedWith(m, this.settings)) return;
    const t0 = Date.now();
    const count = await deriveAgain(m, this.settings);
    this.logger.log(`holiday notice of ${n.year}: report columns of ${count} cases derived again in ${Date.now() - t0} ms`);
  }
}
