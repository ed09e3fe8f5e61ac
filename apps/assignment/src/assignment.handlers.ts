import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { INITIAL_SNAPSHOT, type CaseAcceptedV1, type CaseRegisteredV1, type CaseRoutedV1, type EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { followCase, LIFECYCLE_EVENTS } from '#libs/runtime';
import { AssignmentCase } from './assignment.entities.js';

/** The assignment service's copy of each case, moved only by events (its own included). */
@Controller()
export class AssignmentHandlers {
  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() event: EventEnvelope<CaseRegisteredV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(AssignmentCase).insert({
      id: event.caseId,
      ...INITIAL_SNAPSHOT,
      receivedAt: new Date(event.payload.contact.receivedAt),
      feedbackDueAt: event.payload.assignedBy?.feedbackDueAt ?? null,
    });
  }

  /** Every lifecycle event moves the state, through the one state machine; the routing's columns follow. */
  @OnCaseEvent(...LIFECYCLE_EVENTS)
  async onLifecycle(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await followCase(ctx.manager, event, AssignmentCase, 'id', (e): Partial<AssignmentCase> => {
      switch (e.type) {
        case 'case.routed': {
          const p = e.payload as CaseRoutedV1;
          // feedbackDueAt stays the assigning authority's date: the unit's own date is a deadline of its own.
          return { unitCode: p.unitCode, mode: p.mode, routedAt: new Date(p.routedAt) };
        }
        case 'case.accepted':
          return { acceptedAt: new Date((e.payload as CaseAcceptedV1).acceptedAt) };
        case 'case.objected':
          // Back to the petition office: the unit no longer holds it (Art. 23(3)).
          return { unitCode: null, routedAt: null, mode: null };
        default:
          return {};
      }
    });
  }
}
