import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { toCaseFact, type EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { DeadlineService } from './deadline.service.js';

/** Every lifecycle fact that starts, moves or meets a deadline. */
@Controller()
export class DeadlineHandlers {
  constructor(private readonly deadlines: DeadlineService) {}

  @OnCaseEvent('case.registered')
  onRegistered(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext) {
    return this.apply(event, ctx);
  }
  @OnCaseEvent('case.routed')
  onRouted(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext) {
    return this.apply(event, ctx);
  }
  @OnCaseEvent('case.accepted')
  onAccepted(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext) {
    return this.apply(event, ctx);
  }
  @OnCaseEvent('case.closed')
  onClosed(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext) {
    return this.apply(event, ctx);
  }

  private async apply(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    const fact = toCaseFact(event);
    if (!fact) return;
    const timers = await this.deadlines.applyFact(ctx.manager, event.caseId, fact);
    ctx.afterCommit(() => this.deadlines.arm(timers));
  }
}
