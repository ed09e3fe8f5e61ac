import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import {
  deserializeFacts, serializeFacts, toCaseFact,
  type CaseAcceptedV1, type CaseClosedV1, type CaseContactAddedV1, type CaseRegisteredV1, type CaseRoutedV1, type CaseSupervisedV1,
  type DeadlineEventV1, type DeadlineWarnedV1, type EventEnvelope,
} from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { RptCase, RptContact } from './reporting.entities.js';

export interface TimelineEntry {
  type: string;
  at: string;
  actor: string | null;
  enteredAt?: string;
  detail?: Record<string, unknown>;
}

/** Builds the read model from every event of a case, in the order the case lived it. */
@Controller()
export class ProjectionHandlers {
  @OnCaseEvent('case.registered')
  async onRegistered(@Payload() e: EventEnvelope<CaseRegisteredV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    const p = e.payload;
    const m = ctx.manager;
    await m.getRepository(RptContact).insert({
      id: p.contact.contactId,
      caseId: e.caseId,
      channel: p.contact.channel,
      receivedAt: new Date(p.contact.receivedAt),
      headcount: p.contact.headcount,
      repeat: false,
      receptionSessionId: p.contact.receptionSessionId ?? null,
    });
    const fact = toCaseFact(e);
    await m.getRepository(RptCase).insert({
      id: e.caseId,
      trackingNo: p.trackingNo,
      status: 'registered',
      channel: p.contact.channel,
      purpose: p.purpose,
      category: p.category,
      summary: p.summary,
      content: p.content,
      headcount: p.contact.headcount,
      groupVisit: p.groupVisit,
      authority: p.assignedBy?.authority ?? null,
      assignedReference: p.assignedBy?.reference ?? null,
      assignedFeedbackDueAt: p.assignedBy?.feedbackDueAt ?? null,
      backlog: p.backlog,
      receivedAt: new Date(p.contact.receivedAt),
      repeatContacts: 0,
      supervised: false,
      petitioners: JSON.stringify(p.petitioners),
      facts: serializeFacts(fact ? [fact] : []),
      timeline: JSON.stringify([entry(e, 'registered', p.contact.receivedAt, { channel: p.contact.channel, enteredAt: p.contact.enteredAt })]),
      lastEventId: e.eventId,
      updatedAt: new Date(e.occurredAt),
    });
  }

  @OnCaseEvent('case.contact-added')
  async onContactAdded(@Payload() e: EventEnvelope<CaseContactAddedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    const c = e.payload.contact;
    await ctx.manager.getRepository(RptContact).insert({
      id: c.contactId,
      caseId: e.caseId,
      channel: c.channel,
      receivedAt: new Date(c.receivedAt),
      headcount: c.headcount,
      repeat: true,
      receptionSessionId: c.receptionSessionId ?? null,
    });
    await update(ctx.manager, e, (row) => ({
      repeatContacts: row.repeatContacts + 1,
      groupVisit: row.groupVisit || e.payload.groupVisit,
      timeline: push(row, entry(e, 'repeat-contact', c.receivedAt, { channel: c.channel, headcount: c.headcount })),
    }));
  }

  @OnCaseEvent('case.routed')
  onRouted(@Payload() e: EventEnvelope<CaseRoutedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    const p = e.payload;
    return update(ctx.manager, e, (row) => ({
      status: 'routed',
      unitCode: p.unitCode,
      routeMode: p.mode,
      routedAt: new Date(p.routedAt),
      assignedFeedbackDueAt: p.feedbackDueAt ?? row.assignedFeedbackDueAt,
      timeline: push(row, entry(e, 'routed', p.routedAt, { mode: p.mode, unitCode: p.unitCode })),
    }));
  }

  @OnCaseEvent('case.accepted')
  onAccepted(@Payload() e: EventEnvelope<CaseAcceptedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    return update(ctx.manager, e, (row) => ({
      status: 'accepted',
      acceptedAt: new Date(e.payload.acceptedAt),
      timeline: push(row, entry(e, 'accepted', e.payload.acceptedAt)),
    }));
  }

  @OnCaseEvent('case.closed')
  onClosed(@Payload() e: EventEnvelope<CaseClosedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    const p = e.payload;
    return update(ctx.manager, e, (row) => ({
      status: 'closed',
      closedAt: new Date(p.closedAt),
      closureKind: p.kind,
      closureOutcome: p.outcome,
      closureOpinion: p.opinion,
      timeline: push(row, entry(e, 'closed', p.closedAt, { kind: p.kind, outcome: p.outcome })),
    }));
  }

  @OnCaseEvent('deadline.warned')
  onWarned(@Payload() e: EventEnvelope<DeadlineWarnedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    return update(ctx.manager, e, (row) => ({
      timeline: push(row, entry(e, 'deadline-warned', e.occurredAt, { kind: e.payload.kind, dueAt: e.payload.dueAt, daysLeft: e.payload.daysLeft })),
    }));
  }

  @OnCaseEvent('deadline.breached')
  onBreached(@Payload() e: EventEnvelope<DeadlineEventV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    return update(ctx.manager, e, (row) => ({
      timeline: push(row, entry(e, 'deadline-breached', e.occurredAt, { kind: e.payload.kind, dueAt: e.payload.dueAt })),
    }));
  }

  @OnCaseEvent('case.supervised')
  onSupervised(@Payload() e: EventEnvelope<CaseSupervisedV1>, @Ctx() ctx: CaseEventContext): Promise<void> {
    return update(ctx.manager, e, (row) => ({
      supervised: true,
      timeline: push(row, entry(e, 'supervised', e.occurredAt, { note: e.payload.note, automatic: e.payload.automatic })),
    }));
  }
}

function entry(e: EventEnvelope, type: string, at: string, detail?: Record<string, unknown>): TimelineEntry {
  const { enteredAt, ...rest } = detail ?? {};
  return {
    type,
    at,
    actor: e.actor?.username ?? null,
    // A back-dated act keeps both times: when it happened and when it was entered (audit).
    ...(enteredAt && enteredAt !== at ? { enteredAt: String(enteredAt) } : at !== e.occurredAt && e.actor ? { enteredAt: e.occurredAt } : {}),
    ...(Object.keys(rest).length ? { detail: rest } : {}),
  };
}

function push(row: RptCase, item: TimelineEntry): string {
  return JSON.stringify([...(JSON.parse(row.timeline) as TimelineEntry[]), item]);
}

/** Applies a change to the case row, adds the event's fact, and moves the case's head. */
async function update(m: EntityManager, e: EventEnvelope, change: (row: RptCase) => Partial<RptCase>): Promise<void> {
  const repo = m.getRepository(RptCase);
  const row = await repo.findOneBy({ id: e.caseId });
  if (!row) throw new Error(`case ${e.caseId} unknown to reporting (event ${e.type} arrived before case.registered)`);
  const fact = toCaseFact(e);
  await repo.update(
    { id: e.caseId },
    {
      ...change(row),
      ...(fact ? { facts: serializeFacts([...deserializeFacts(row.facts), fact]) } : {}),
      lastEventId: e.eventId,
      updatedAt: new Date(e.occurredAt),
    },
  );
}
