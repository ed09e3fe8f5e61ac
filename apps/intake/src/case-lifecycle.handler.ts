import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { OPEN_STATUSES } from '#libs/regulation';
import { followCase, LIFECYCLE_EVENTS } from '#libs/runtime';
import { IntakeCase } from './intake.entities.js';

/** Intake follows the lifecycle to know which cases are still open for repeat contacts. */
@Controller()
export class CaseLifecycleHandler {
  @OnCaseEvent(...LIFECYCLE_EVENTS)
  async onLifecycle(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await followCase(ctx.manager, event, IntakeCase, 'id', (_e, next) => ({ open: OPEN_STATUSES.includes(next.status) }));
  }
}
