import { Controller, Logger, type OnApplicationShutdown, type OnModuleInit, type Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { maskText } from '#libs/common';
import type { CalendarNoticeLoadedV1, EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import type { PrcCalendar } from '#libs/regulation';
import { applyNotice, keepNotice, keptNotices, noticeOfEvent, noticeOfRecord, NOTICE_POLL_MS } from './calendar-notice.store.js';

/**
 * What a service that computes deadlines from a copy of the notices registers (assignment,
 * closure): on `calendar.notice-loaded` it keeps the notice in its own `calendar_notice` table
 * and applies it to the calendar it computes with; at start (before it serves) and every
 * NOTICE_POLL_MS it applies what its table holds, so it starts with the notices and an instance
 * that did not take the event (several of one service share a consumer group) follows within
 * that time.
 */
export function calendarNoticeHandler(calendar: PrcCalendar, service: string): Type<unknown> {
  @Controller()
  class CalendarNoticeHandler implements OnModuleInit, OnApplicationShutdown {
    readonly logger = new Logger(`${service}:calendar`);
    timer: NodeJS.Timeout | null = null;
    constructor(readonly dataSource: DataSource) {}

    async onModuleInit(): Promise<void> {
      await this.sync();
      this.timer = setInterval(() => void this.sync().catch((e) => this.logger.warn(`kept holiday notices not read: ${maskText(String(e?.message ?? e))}`)), NOTICE_POLL_MS);
      this.timer.unref();
    }

    onApplicationShutdown(): void {
      if (this.timer) clearInterval(this.timer);
    }

    async sync(): Promise<void> {
      const rows = await exclusive(this.dataSource, () => keptNotices(this.dataSource.manager));
      for (const r of rows) if (applyNotice(calendar, noticeOfRecord(r))) this.logger.log(`holiday notice of ${r.year} applied (loaded by ${r.loadedBy})`);
    }

    @OnCaseEvent('calendar.notice-loaded')
    async onLoaded(@Payload() e: EventEnvelope<CalendarNoticeLoadedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
      if (!(await keepNotice(ctx.manager, e))) return;
      const notice = noticeOfEvent(e);
      ctx.afterCommit(async () => {
        if (applyNotice(calendar, notice)) this.logger.log(`holiday notice of ${notice.year} applied (loaded by ${e.actor?.username ?? 'unknown'})`);
      });
    }
  }
  return CalendarNoticeHandler;
}
