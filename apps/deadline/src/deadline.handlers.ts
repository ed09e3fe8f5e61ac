import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { INITIAL_SNAPSHOT, toCaseFact, type EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { followCase, LIFECYCLE_EVENTS } from '#libs/runtime';
import { DeadlineCase } from './deadline.entities.js';
import { DeadlineService } from './deadline.service.js';

/** Every lifecycle fact that starts, moves or meets a deadline; and the case's state. */
@Controller()
export class DeadlineHandlers {
  constructor(private readonly deadlines: DeadlineService) {}

  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(DeadlineCase).insert({ caseId: event.caseId, facts: '[]', ...INITIAL_SNAPSHOT, supervised: false, updatedAt: new Date() });
    await this.applyFact(event, ctx);
  }

  @OnCaseEvent(...LIFECYCLE_EVENTS)
  async onLifecycle(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await followCase(ctx.manager, event, DeadlineCase, 'caseId', (e) => (e.type === 'case.supervised' ? { supervised: true } : {}));
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
