import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CaseAcceptedV1, CaseRegisteredV1, CaseRoutedV1, EventEnvelope } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { advanceSnapshot, LIFECYCLE_EVENTS, snapshotOf } from '#libs/runtime';
import { AssignmentCase } from './assignment.entities.js';

/** The assignment service's copy of each case, moved only by events (its own included). */
@Controller()
export class AssignmentHandlers {
  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() event: EventEnvelope<CaseRegisteredV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    await ctx.manager.getRepository(AssignmentCase).insert({
      id: event.caseId,
      status: 'registered',
      reviewed: false,
      extensionDaysUsed: 0,
      receivedAt: new Date(event.payload.contact.receivedAt),
      feedbackDueAt: event.payload.assignedBy?.feedbackDueAt ?? null,
    });
  }

  /** Every lifecycle event moves the state, through the one state machine. */
  @OnCaseEvent(...LIFECYCLE_EVENTS)
  async onLifecycle(@Payload() event: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    const repo = ctx.manager.getRepository(AssignmentCase);
    const row = await repo.findOneBy({ id: event.caseId });
    if (!row) return;
    const next = advanceSnapshot(snapshotOf(row), event);
    const change: Partial<AssignmentCase> = { ...next };
    if (event.type === 'case.routed') {
      const p = event.payload as CaseRoutedV1;
      // feedbackDueAt stays the assigning authority's date: the unit's own date is a deadline of its own.
      Object.assign(change, { unitCode: p.unitCode, mode: p.mode, routedAt: new Date(p.routedAt) });
    } else if (event.type === 'case.accepted') {
      change.acceptedAt = new Date((event.payload as CaseAcceptedV1).acceptedAt);
    } else if (event.type === 'case.objected') {
      // Back to the petition office: the unit no longer holds it (Art. 23(3)).
      Object.assign(change, { unitCode: null, routedAt: null, mode: null });
    }
    await repo.update({ id: row.id }, change);
  }
}
