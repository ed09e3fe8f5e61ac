import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { advanceSnapshot, LIFECYCLE_EVENTS, OPEN_STATUSES, snapshotOf } from '#libs/runtime';
import { IntakeCase } from './intake.entities.js';

/** Intake follows the lifecycle to know which cases are still open for repeat contacts. */
@Controller()
export class CaseLifecycleHandler {
  @OnCaseEvent(...LIFECYCLE_EVENTS)
  async onLifecycle(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    const repo = ctx.manager.getRepository(IntakeCase);
    const row = await repo.findOneBy({ id: event.caseId });
    if (!row) return;
    const next = advanceSnapshot(snapshotOf(row), event);
    await repo.update({ id: row.id }, { ...next, open: OPEN_STATUSES.includes(next.status) });
  }
}
