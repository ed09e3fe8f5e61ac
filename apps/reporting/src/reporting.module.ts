import { Module, type INestApplicationContext } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '#libs/contracts';
import { InternalController, SERVICE_API, type ServiceApi, type ServiceDefinition, type ServiceCommands } from '#libs/runtime';
import { ReportingInitial1700000000000 } from './migrations/1700000000000-reporting-initial.js';
import { reportingPiiAtRest } from './migrations/1765000000000-reporting-pii-at-rest.js';
import { ReportingDeadLetters1765200000000 } from './migrations/1765200000000-reporting-dead-letters.js';
import { ReportingDiversionCloses1765300000000 } from './migrations/1765300000000-reporting-diversion-closes.js';
import { reportingReadModel } from './migrations/1765400000000-reporting-read-model.js';
import { reportingTallies } from './migrations/1766100000000-reporting-tallies.js';
import { reportingTallyWideRollups } from './migrations/1766200000000-reporting-tally-wide-rollups.js';
import { PROJECTED_EVENTS, ProjectionHandlers } from './projection.handlers.js';
import { CalendarHandler } from './calendar-handler.js';
import { ReadModelMaintainer } from './read-model-maintainer.js';
import { ReadModelRebuild, REPORTING_EVENT_GATE } from './rebuild.service.js';
import { EventGate } from '#libs/messaging';
import { REPORTING_ENTITIES } from './reporting.entities.js';
import { ReportingQueries } from './reporting-queries.service.js';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings.js';

export function reportingService(settings: ReportingSettings): ServiceDefinition {
  // Held by the rebuild: the consumer's events wait while the read model is rebuilt from the event log.
  const eventGate = new EventGate();
  @Module({
    controllers: [InternalController, ProjectionHandlers, CalendarHandler],
    providers: [
      { provide: REPORTING_SETTINGS, useValue: settings },
      ReportingQueries,
      ReadModelMaintainer,
      ReadModelRebuild,
      { provide: REPORTING_EVENT_GATE, useValue: eventGate },
      {
        provide: SERVICE_API,
        inject: [ReportingQueries, ReadModelRebuild],
        useFactory: (q: ReportingQueries, rebuild: ReadModelRebuild): ServiceApi => ({
          commands: {
            // The read model again from the event log (the admin's `reporting:rebuild`); follow it with 'rebuild-status'.
            'rebuild-read-model': async (cmd) => ({ caseId: '', eventIds: [], data: await rebuild.start(cmd.actor) }),
          } satisfies ServiceCommands<'reporting'>,
          queries: {
            case: (p, a) => q.getCase(p, a),
            list: (p, a) => q.list(p, a),
            items: (p, a) => q.items(p, a),
            preview: (p, a) => q.preview(p, a),
            'reception-sessions': (p, a) => q.receptionSessions(p, a),
            summary: (p, a) => q.summary(p, a),
            'report-cases': (p, a) => q.reportCases(p, a),
            backlog: (p, a) => q.backlog(p, a),
            breakdown: (p, a) => q.breakdown(p, a),
            annual: (p, a) => q.annual(p, a),
            'await-event': (p) => q.awaitEvent(p),
            'rebuild-status': async () => rebuild.current(),
          },
        }),
      },
    ],
  })
  class ReportingModule {}
  // The projection applies a broker batch at a time (one read of its cases, one write of them and of the counters).
  const eventBatch = {
    types: PROJECTED_EVENTS,
    handler: (app: INestApplicationContext) => {
      const projection = app.get(ProjectionHandlers);
      return (events: EventEnvelope[], m: EntityManager) => projection.projectBatch(events, m, { log: true });
    },
  };
  return {
    name: 'reporting',
    module: ReportingModule,
    entities: REPORTING_ENTITIES,
    eventGate,
    eventBatch,
    migrations: [
      ReportingInitial1700000000000,
      reportingPiiAtRest(settings.pii),
      ReportingDeadLetters1765200000000,
      ReportingDiversionCloses1765300000000,
      reportingReadModel(settings),
      reportingTallies(settings),
      reportingTallyWideRollups(settings),
    ],
  };
}
