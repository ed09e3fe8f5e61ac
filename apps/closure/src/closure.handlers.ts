import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CaseAcceptedV1, CaseRoutedV1, EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { ClosureCase } from './closure.entities.js';

@Controller()
export class ClosureHandlers {
  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(ClosureCase).insert({ id: event.caseId, status: 'registered' });
  }

  @OnCaseEvent('case.routed')
  async onRouted(@Payload() event: EventEnvelope<CaseRoutedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(ClosureCase).update({ id: event.caseId }, { status: 'routed', unitCode: event.payload.unitCode });
  }

  @OnCaseEvent('case.accepted')
  async onAccepted(@Payload() event: EventEnvelope<CaseAcceptedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager
      .getRepository(ClosureCase)
      .update({ id: event.caseId }, { status: 'accepted', unitCode: event.payload.unitCode, acceptedAt: new Date(event.payload.acceptedAt) });
  }
}
