import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CaseDocumentServedV1, EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { IntakeDocumentServed } from './document.entities.js';

/** Keeps that a document was served (ServeDocumentService checks it: once per case and kind). */
@Controller()
export class DocumentServedHandler {
  @OnCaseEvent('case.document-served')
  async onServed(@Payload() event: EventEnvelope<CaseDocumentServedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    const p = event.payload;
    await ctx.manager.getRepository(IntakeDocumentServed).insert({
      caseId: event.caseId,
      kind: p.kind,
      servedOn: p.servedOn,
      method: p.method,
      servedAt: new Date(p.servedAt),
      recordedBy: event.actor?.username ?? 'system',
      recordedAt: new Date(event.occurredAt),
    });
  }
}
