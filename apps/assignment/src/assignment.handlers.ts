import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CaseRegisteredV1, EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { AssignmentCase } from './assignment.entities.js';

@Controller()
export class AssignmentHandlers {
  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() event: EventEnvelope<CaseRegisteredV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(AssignmentCase).insert({
      id: event.caseId,
      status: 'registered',
      receivedAt: new Date(event.payload.contact.receivedAt),
      feedbackDueAt: event.payload.assignedBy?.feedbackDueAt ?? null,
    });
  }

  @OnCaseEvent('case.closed')
  async onClosed(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(AssignmentCase).update({ id: event.caseId }, { status: 'closed' });
  }
}
