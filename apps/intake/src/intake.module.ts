import { Module } from '@nestjs/common';
import { InternalController, SERVICE_API, type ServiceApi, type ServiceCommands } from '#libs/runtime';
import type { ServiceDefinition } from '#libs/runtime';
import { CaseLifecycleHandler } from './case-lifecycle.handler.js';
import { INTAKE_ENTITIES } from './intake.entities.js';
import { INTAKE_SETTINGS, type IntakeSettings } from './intake.settings.js';
import { IntakeInitial1700000000000 } from './migrations/1700000000000-intake-initial.js';
import { IntakePersonLookups1764400000000 } from './migrations/1764400000000-intake-person-lookups.js';
import { intakePiiAtRest } from './migrations/1765000000000-intake-pii-at-rest.js';
import { IntakeDeadLetters1765200000000 } from './migrations/1765200000000-intake-dead-letters.js';
import { IntakeQueryCodes1766200000000 } from './migrations/1766200000000-intake-query-codes.js';
import { QueryCodesService } from './query-codes.service.js';
import { PersonLookupService } from './person-lookup.service.js';
import { ReceptionSessionsService } from './reception-sessions.service.js';
import { RegisterPetitionService } from './register-petition.service.js';
import { DOCUMENT_ENTITIES } from './documents/document.entities.js';
import { HandlingOpinionHandler } from './documents/handling-opinion.handler.js';
import { IssueDocumentService } from './documents/issue-document.service.js';
import { IntakeDocuments1766500000000 } from './migrations/1766500000000-intake-documents.js';
import { IntakeDocumentsServed1767000000000 } from './migrations/1767000000000-intake-documents-served.js';
import { DocumentServedHandler } from './documents/document-served.handler.js';
import { ServeDocumentService } from './documents/serve-document.service.js';

export function intakeService(settings: IntakeSettings): ServiceDefinition {
  @Module({
    controllers: [InternalController, CaseLifecycleHandler, HandlingOpinionHandler, DocumentServedHandler],
    providers: [
      { provide: INTAKE_SETTINGS, useValue: settings },
      RegisterPetitionService,
      ReceptionSessionsService,
      PersonLookupService,
      QueryCodesService,
      IssueDocumentService,
      ServeDocumentService,
      {
        provide: SERVICE_API,
        inject: [RegisterPetitionService, ReceptionSessionsService, PersonLookupService, QueryCodesService, IssueDocumentService, ServeDocumentService],
        useFactory: (
          register: RegisterPetitionService,
          sessions: ReceptionSessionsService,
          persons: PersonLookupService,
          codes: QueryCodesService,
          documents: IssueDocumentService,
          serving: ServeDocumentService,
        ): ServiceApi => ({
          commands: {
            'register-petition': (cmd) => register.execute(cmd),
            'create-reception-session': (cmd) => sessions.create(cmd),
            // The public door (信访查询): a tracking number and its query code; the office's new code for a case.
            'verify-query-code': (cmd) => codes.verify(cmd),
            'reissue-query-code': (cmd) => codes.reissue(cmd),
            // A document (文书) rendered: its number (given once) and the petitioners' complete data.
            'issue-document': (cmd) => documents.execute(cmd),
            // …and served on the petitioner (已送达): the acceptance notice's meets its deadline.
            'serve-document': (cmd) => serving.execute(cmd),
          } satisfies ServiceCommands<'intake'>,
          queries: { 'person-cases': (p, a) => persons.casesOf(p, a) },
        }),
      },
    ],
  })
  class IntakeModule {}
  return {
    name: 'intake',
    module: IntakeModule,
    entities: [...INTAKE_ENTITIES, ...DOCUMENT_ENTITIES],
    migrations: [
      IntakeInitial1700000000000,
      IntakePersonLookups1764400000000,
      intakePiiAtRest(settings.pii),
      IntakeDeadLetters1765200000000,
      IntakeQueryCodes1766200000000,
      IntakeDocuments1766500000000,
      IntakeDocumentsServed1767000000000,
    ],
  };
}
