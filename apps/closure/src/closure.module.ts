import { Module } from '@nestjs/common';
import {
  calendarNoticeHandler,
  CalendarNoticeRecord,
  CalendarNotices1766200000000,
  InternalController,
  SERVICE_API,
  type ServiceApi,
  type ServiceDefinition,
  type ServiceCommands,
} from '#libs/runtime';
import { CLOSURE_ENTITIES } from './closure.entities.js';
// The holiday notices the office uploads (kept by the deadline service), applied to this service's calendar.
import { ClosureHandlers } from './closure.handlers.js';
import { ClosureService } from './closure.service.js';
import { CLOSURE_SETTINGS, type ClosureSettings } from './closure.settings.js';
import { ClosureInitial1700000000000 } from './migrations/1700000000000-closure-initial.js';
import { ClosureDeadLetters1765200000000 } from './migrations/1765200000000-closure-dead-letters.js';

export function closureService(settings: ClosureSettings): ServiceDefinition {
  @Module({
    controllers: [InternalController, ClosureHandlers, calendarNoticeHandler(settings.calendar, 'closure')],
    providers: [
      { provide: CLOSURE_SETTINGS, useValue: settings },
      ClosureService,
      {
        provide: SERVICE_API,
        inject: [ClosureService],
        useFactory: (s: ClosureService): ServiceApi => ({
          commands: {
            extend: (c) => s.extend(c),
            close: (c) => s.close(c),
            evaluate: (c) => s.evaluate(c),
            'review-request': (c) => s.reviewRequest(c),
            'review-opinion': (c) => s.reviewOpinion(c),
            're-review-request': (c) => s.reReviewRequest(c),
            're-review-opinion': (c) => s.reReviewOpinion(c),
          } satisfies ServiceCommands<'closure'>,
          queries: {},
        }),
      },
    ],
  })
  class ClosureModule {}
  return {
    name: 'closure',
    module: ClosureModule,
    entities: [...CLOSURE_ENTITIES, CalendarNoticeRecord],
    migrations: [ClosureInitial1700000000000, ClosureDeadLetters1765200000000, CalendarNotices1766200000000],
  };
}
