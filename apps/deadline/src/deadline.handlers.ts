import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { toCaseFact, type EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { advanceSnapshot, LIFECYCLE_EVENTS, snapshotOf } from '#libs/runtime';
import { DeadlineCase } from './deadline.entities.js';
import { DeadlineService } from './deadline.service.js';

/** Every lifecycle fact that starts, moves or meets a deadline; and the case's state. */
@Controller()
export class DeadlineHandlers {
  constructor(private readonly deadlines: DeadlineService) {}

  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(DeadlineCase).insert({ caseId: event.caseId, facts: '[]', status: 'registered', reviewed: false, extensionDaysUsed: 0, supervised: false, updatedAt: new Date() });
    await this.applyFact(event, ctx);
  }

  @OnCaseEvent(...LIFECYCLE_EVENTS)
  async onLifecycle(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    const repo = ctx.manager.getRepository(DeadlineCase);
    const row = await repo.findOneBy({ caseId: event.caseId });
    if (!row) return;
    await repo.update({ caseId: row.caseId }, { ...advanceSnapshot(snapshotOf(row), event), ...(event.type === 'case.supervised' ? { supervised: true } : {}) });
    await this.applyFact(event, ctx);
  }

  /** A document served: the acceptance notice's meets its deadline, an opinion's moves the window to ask for review / re-review; the rest change nothing here. */
  @OnCaseEvent('case.document-served')
  async onDocumentServed(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await this.applyFact(event, ctx);
  }

  private async applyFact(event: EventEnvelope, ctx: CaseEventContext): Promise<void> {
    const fact = toCaseFact(event);
    if (!fact) return;
    const plan = await this.deadlines.applyFact(ctx.manager, event.caseId, fact);
    ctx.emit(...plan.events);
    ctx.afterCommit(() => this.deadlines.afterFact(plan));
  }
}
