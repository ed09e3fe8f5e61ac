import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  deserializeFacts,
  INITIAL_SNAPSHOT,
  serializeFacts,
  toCaseFact,
  type CaseAcceptedV1,
  type CaseClosedV1,
  type CaseEvaluatedV1,
  type CaseReviewOpinionV1,
  type CaseRoutedV1,
  type EventEnvelope,
} from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { followCase, LIFECYCLE_EVENTS } from '#libs/runtime';
import { ClosureCase } from './closure.entities.js';

/** The closure service's copy of each case, moved only by events (its own included). */
@Controller()
export class ClosureHandlers {
  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    const fact = toCaseFact(event);
    await ctx.manager.getRepository(ClosureCase).insert({ id: event.caseId, ...INITIAL_SNAPSHOT, facts: serializeFacts(fact ? [fact] : []) });
  }

  /** An opinion served on the petitioner: the window to ask for review or re-review runs from it (the closure checks those requests). */
  @OnCaseEvent('case.document-served')
  async onDocumentServed(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    // Only those the deadlines count from are facts (the rest change nothing here); kept as every fact is.
    if (!toCaseFact(event)) return;
    await followCase(ctx.manager, event, ClosureCase, 'id', (e, _next, row) => closureColumns(e, row));
  }

  @OnCaseEvent(...LIFECYCLE_EVENTS)
  async onLifecycle(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await followCase(ctx.manager, event, ClosureCase, 'id', (e, _next, row) => closureColumns(e, row));
  }
}

/** What the closure keeps of each event besides the state: the facts, the unit, the opinion in force, the rating. */
function closureColumns(event: EventEnvelope, row: ClosureCase): Partial<ClosureCase> {
  const fact = toCaseFact(event);
  const change: Partial<ClosureCase> = fact ? { facts: serializeFacts([...deserializeFacts(row.facts), fact]) } : {};
  const p = event.payload as never;
  switch (event.type) {
    case 'case.routed':
      change.unitCode = (p as CaseRoutedV1).unitCode;
      break;
    case 'case.objected':
      change.unitCode = null;
      break;
    case 'case.accepted':
      Object.assign(change, { unitCode: (p as CaseAcceptedV1).unitCode, acceptedAt: new Date((p as CaseAcceptedV1).acceptedAt) });
      break;
    case 'case.closed': {
      const c = p as CaseClosedV1;
      Object.assign(change, { closedAt: new Date(c.closedAt), kind: c.kind, outcome: c.outcome, opinion: c.opinion, closedBy: event.actor?.username ?? null });
      break;
    }
    case 'case.evaluated':
      Object.assign(change, { rating: (p as CaseEvaluatedV1).rating, evaluatedAt: new Date((p as CaseEvaluatedV1).evaluatedAt) });
      break;
    case 'case.review-opinion-issued':
    case 'case.re-review-opinion-issued': {
      const o = p as CaseReviewOpinionV1;
      Object.assign(change, { kind: o.kind, outcome: o.outcome, opinion: o.opinion });
      break;
    }
  }
  return change;
}
