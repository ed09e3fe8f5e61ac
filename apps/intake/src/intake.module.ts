import { Module } from '@nestjs/common';
import { InternalController, SERVICE_API, type ServiceApi } from '#libs/runtime';
import type { ServiceDefinition } from '#libs/runtime';
import { CaseLifecycleHandler } from './case-lifecycle.handler.js';
import { INTAKE_ENTITIES } from './intake.entities.js';
import { INTAKE_SETTINGS, type IntakeSettings } from './intake.settings.js';
import { IntakeInitial1700000000000 } from './migrations/1700000000000-intake-initial.js';
import { IntakePersonLookups1764400000000 } from './migrations/1764400000000-intake-person-lookups.js';
import { intakePiiAtRest } from './migrations/1765000000000-intake-pii-at-rest.js';
import { IntakeDeadLetters1765200000000 } from './migrations/1765200000000-intake-dead-letters.js';
import { PersonLookupService } from './person-lookup.service.js';
import { ReceptionSessionsService } from './reception-sessions.service.js';
import { RegisterPetitionService } from './register-petition.service.js';

export function intakeService(settings: IntakeSettings): ServiceDefinition {
  @Module({
    controllers: [InternalController, CaseLifecycleHandler],
    providers: [
      { provide: INTAKE_SETTINGS, useValue: settings },
      RegisterPetitionService,
      ReceptionSessionsService,
      PersonLookupService,
      {
        provide: SERVICE_API,
        inject: [RegisterPetitionService, ReceptionSessionsService, PersonLookupService],
        useFactory: (register: RegisterPetitionService, sessions: ReceptionSessionsService, persons: PersonLookupService): ServiceApi => ({
          commands: { 'register-petition': (cmd) => register.execute(cmd), 'create-reception-session': (cmd) => sessions.create(cmd) },
          queries: { 'person-cases': (p, a) => persons.casesOf(p, a) },
        }),
      },
    ],
  })
  class IntakeModule {}
  return { name: 'intake', module: IntakeModule, entities: INTAKE_ENTITIES, migrations: [IntakeInitial1700000000000, IntakePersonLookups1764400000000, intakePiiAtRest(settings.pii), IntakeDeadLetters1765200000000] };
}
