import { DEFAULT_POLICY, PrcCalendar } from '#libs/regulation';
import type { ServiceDefinition } from '#libs/runtime';
import { MESSAGING_ENTITIES } from '#libs/messaging';
import { assignmentService } from '../../apps/assignment/src/assignment.module.js';
import { closureService } from '../../apps/closure/src/closure.module.js';
import { deadlineService } from '../../apps/deadline/src/deadline.module.js';
import { InProcessScheduler } from '../../apps/deadline/src/timers/in-process.scheduler.js';
import { GATEWAY_ENTITIES } from '../../apps/gateway/src/gateway.entities.js';
import { GatewayInitial1700000000000 } from '../../apps/gateway/src/migrations/1700000000000-gateway-initial.js';
import { intakeService } from '../../apps/intake/src/intake.module.js';
import { reportingService } from '../../apps/reporting/src/reporting.module.js';

/** Every database of the platform: its entities and its migrations. */
export function allSchemas(): { name: string; entities: Function[]; migrations: Function[] }[] {
  const calendar = PrcCalendar.default();
  const defs: ServiceDefinition[] = [
    intakeService({ timeZone: 'Asia/Shanghai', groupVisitThreshold: 5 }),
    assignmentService({ timeZone: 'Asia/Shanghai', calendar, onUncoveredYear: 'withhold' }),
    deadlineService({ policy: DEFAULT_POLICY, calendar, warnDaysBefore: [5, 1], windowDays: 7, reconcileIntervalMs: 60000, escalateAfterHours: 24, lateEntrySettleMs: 600_000 }, new InProcessScheduler()),
    closureService({ policy: DEFAULT_POLICY, calendar }),
    reportingService({ timeZone: 'Asia/Shanghai', policy: DEFAULT_POLICY, calendar, readYourWritesTimeoutMs: 1000 }),
  ];
  return [
    ...defs.map((d) => ({ name: d.name, entities: [...MESSAGING_ENTITIES, ...d.entities], migrations: d.migrations })),
    { name: 'gateway', entities: GATEWAY_ENTITIES, migrations: [GatewayInitial1700000000000] },
  ];
}
