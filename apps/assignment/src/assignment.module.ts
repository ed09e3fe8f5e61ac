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
import { ASSIGNMENT_ENTITIES } from './assignment.entities.js';
// The holiday notices the office uploads (kept by the deadline service), applied to this service's calendar.
import { AssignmentHandlers } from './assignment.handlers.js';
import { AssignmentService } from './assignment.service.js';
import { ASSIGNMENT_SETTINGS, type AssignmentSettings } from './assignment.settings.js';
import { AssignmentInitial1700000000000 } from './migrations/1700000000000-assignment-initial.js';
import { AssignmentDeadLetters1765200000000 } from './migrations/1765200000000-assignment-dead-letters.js';

export function assignmentService(settings: AssignmentSettings): ServiceDefinition {
  @Module({
    controllers: [InternalController, AssignmentHandlers, calendarNoticeHandler(settings.calendar, 'assignment')],
    providers: [
      { provide: ASSIGNMENT_SETTINGS, useValue: settings },
      AssignmentService,
      {
        provide: SERVICE_API,
        inject: [AssignmentService],
        useFactory: (s: AssignmentService): ServiceApi => ({
          commands: {
            route: (c) => s.route(c),
            accept: (c) => s.accept(c),
            decline: (c) => s.decline(c),
            divert: (c) => s.divert(c),
            object: (c) => s.object(c),
          } satisfies ServiceCommands<'assignment'>,
          queries: {},
        }),
      },
    ],
  })
  class AssignmentModule {}
  return {
    name: 'assignment',
    module: AssignmentModule,
    entities: [...ASSIGNMENT_ENTITIES, CalendarNoticeRecord],
    migrations: [AssignmentInitial1700000000000, AssignmentDeadLetters1765200000000, CalendarNotices1766200000000],
  };
}
