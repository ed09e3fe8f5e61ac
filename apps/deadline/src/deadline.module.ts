import { Module } from '@nestjs/common';
import { CalendarNoticeRecord, CalendarNotices1766200000000, InternalController, SERVICE_API, type ServiceApi, type ServiceDefinition, type ServiceCommands } from '#libs/runtime';
import { DEADLINE_ENTITIES } from './deadline.entities.js';
import { DeadlineHandlers } from './deadline.handlers.js';
import { DeadlineService } from './deadline.service.js';
import { CalendarNoticesService } from './calendar/calendar-notices.service.js';
import { DEADLINE_SETTINGS, type DeadlineSettings } from './deadline.settings.js';
import { DeadlineInitial1700000000000 } from './migrations/1700000000000-deadline-initial.js';
import { DeadlineAwaitsCalendar1764300000000 } from './migrations/1764300000000-deadline-awaits-calendar.js';
import { DeadlineDeadLetters1765200000000 } from './migrations/1765200000000-deadline-dead-letters.js';
import { MeasuredScheduler } from './timers/measured.scheduler.js';
import { TIMER_SCHEDULER, type TimerScheduler } from './timers/timer-scheduler.js';

export function deadlineService(settings: DeadlineSettings, store: TimerScheduler): ServiceDefinition {
  const scheduler = new MeasuredScheduler(store);
  @Module({
    controllers: [InternalController, DeadlineHandlers],
    providers: [
      { provide: DEADLINE_SETTINGS, useValue: settings },
      { provide: TIMER_SCHEDULER, useValue: scheduler },
      DeadlineService,
      CalendarNoticesService,
      {
        provide: SERVICE_API,
        inject: [DeadlineService, CalendarNoticesService],
        useFactory: (s: DeadlineService, calendar: CalendarNoticesService): ServiceApi => ({
          commands: { supervise: (c) => s.supervise(c), 'calendar-load': (c) => calendar.load(c) } satisfies ServiceCommands<'deadline'>,
          queries: { reconcile: async () => ({ armed: await s.reconcile() }), 'last-step': (p) => s.lastStep(p), calendar: () => calendar.list() },
        }),
      },
    ],
  })
  class DeadlineModule {}
  return {
    name: 'deadline',
    module: DeadlineModule,
    readiness: () => ({ timers: () => scheduler.ping() }),
    metrics: () => scheduler.sampler(),
    entities: [...DEADLINE_ENTITIES, CalendarNoticeRecord],
    migrations: [DeadlineInitial1700000000000, DeadlineAwaitsCalendar1764300000000, DeadlineDeadLetters1765200000000, CalendarNotices1766200000000],
  };
}
