import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CaseClosedV1, EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { IntakeHandlingOpinion } from './document.entities.js';

/** Keeps the closure's opinion for the 信访处理意见书 (a review opinion later becomes the opinion in force elsewhere). */
@Controller()
export class HandlingOpinionHandler {
  @OnCaseEvent('case.closed')
  async onClosed(@Payload() event: EventEnvelope<CaseClosedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    const p = event.payload;
    await ctx.manager.getRepository(IntakeHandlingOpinion).save({ caseId: event.caseId, kind: p.kind, outcome: p.outcome, opinion: p.opinion, closedAt: new Date(p.closedAt) });
  }
}
