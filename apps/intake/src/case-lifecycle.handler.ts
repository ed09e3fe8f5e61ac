import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { IntakeCase } from './intake.entities.js';

/** Intake follows the lifecycle only to know which cases are still open for repeat contacts. */
@Controller()
export class CaseLifecycleHandler {
  @OnCaseEvent('case.closed')
  async onClosed(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(IntakeCase).update({ id: event.caseId }, { open: false });
  }
}
