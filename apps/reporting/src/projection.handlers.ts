import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import {
  deserializeFacts, serializeFacts, toCaseFact,
  type CaseAcceptedV1, type CaseClosedV1, type CaseContactAddedV1, type CaseDeclinedV1, type CaseDivertedV1, type CaseEvaluatedV1,
  type CaseExtendedV1, type CaseObjectedV1, type CaseRegisteredV1, type CaseReviewOpinionV1, type CaseReviewRequestedV1, type CaseRoutedV1,
  type CaseSupervisedV1, type DeadlineEventV1, type DeadlineWarnedV1, type EventEnvelope, type EventType, type ReceptionSessionHeldV1,
} from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { advanceSnapshot, LIFECYCLE_EVENTS, snapshotOf } from '#libs/runtime';
import { RptAct, RptCase, RptContact, RptEvent, RptReceptionSession } from './reporting.entities.js';
import { deriveColumns } from './read-model.js';
import { actOf } from './read-model-refresh.js';
import { petitionersToStore } from './petitioner-pii.js';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings.js';
import { dimsOf, sameDims, TallyDelta, tallyCaseOf } from './tallies.js';

export interface TimelineEntry {
  type: string;
  at: string;
  actor: string | null;
  enteredAt?: string;
  /** Done by the administrator: a correction (补录 / 更正). */
  correction?: boolean;
  detail?: Record<string, unknown>;
}

/** What the case view shows beyond the columns. */
export interface CaseExtra {
  extension?: { days: number; reason: string; approvedBy: string; petitionerNotice: string | null; at: string };
  evaluation?: { rating: string; at: string };
  decline?: { reason: string; note: string | null; at: string };
  diversion?: { procedure: string; note: string | null; at: string };
  objections?: { unitCode: string; reason: string; at: string }[];
  review?: { requestedAt: string; opinion?: { kind: string; outcome: string; opinion: string; at: string } };
  reReview?: { requestedAt: string; opinion?: { kind: string; outcome: string; opinion: string; hearingDays?: number; at: string } };
  supervisions?: { note: string; automatic: boolean; at: string; by: string | null }[];
  /** Registered after the same matter was re-reviewed (Art. 36(3)): a candidate for 不再受理. */
  priorFinalCase?: { id: string; trackingNo: string };
}

/** The events the read model is built from. */
export const PROJECTED_EVENTS: EventType[] = ['case.registered', 'case.contact-added', ...LIFECYCLE_EVENTS, 'deadline.warned', 'deadline.breached', 'deadline.met', 'reception.session-held'];

/**
 * Keeps the event in the reporting service's event log (rpt_event), in the order it is applied:
 * what `reporting:rebuild` rebuilds the read model from. Personal data as the read model keeps
 * it (sealed).
 */
export async function logEvent(m: EntityManager, e: EventEnvelope, s: ReportingSettings): Promise<void> {
  const stored = e.type === 'case.registered' ? { ...e, payload: { ...(e.payload as CaseRegisteredV1), petitioners: JSON.parse(petitionersToStore(s.pii, (e.payload as CaseRegisteredV1).petitioners)) } } : e;
  await m.getRepository(RptEvent).insert({ eventId: e.eventId, type: e.type, caseId: e.caseId, envelope: JSON.stringify(stored), loggedAt: new Date() });
}

type ContactRow = Omit<RptContact, never>;
type ActRow = ReturnType<typeof actOf>;
/** A change to a case row; `extra`: the records, when they changed; a contact or an act the event adds. */
type Change = Omit<Partial<RptCase>, 'extra'> & { extra?: CaseExtra; contact?: ContactRow; act?: ActRow };

/** Builds the read model from every event of a case, in the order the case lived it. */
@Controller()
export class ProjectionHandlers {
  constructor(@Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings) {}

  /** Every event the read model is built from: kept in the event log (for a rebuild), then projected. */
  @OnCaseEvent(...PROJECTED_EVENTS)
  async onEvent(@Payload() e: EventEnvelope, @Ctx() ctx: CaseEventContext): Promise<void> {
    await logEvent(ctx.manager, e, this.settings);
    await this.project(e, ctx.manager);
  }

  /**
   * Applies one event to the read model (as it arrives, and as a rebuild replays the event log),
   * the reports' counters included: into `tally` when given (the caller writes it, e.g. once per
   * batch), else written with the event.
   */
  async project(e: EventEnvelope, m: EntityManager, tally?: TallyDelta): Promise<void> {
    const own = new TallyDelta(this.settings.timeZone);
    await this.apply(e, m, own);
    // Only once the event applied in full: a failed event adds nothing.
    if (tally) tally.merge(own);
    else await own.flush(m);
  }

  private apply(e: EventEnvelope, m: EntityManager, t: TallyDelta): Promise<void> {
    switch (e.type) {
      case 'case.registered':
        return this.onRegistered(e as EventEnvelope<CaseRegisteredV1>, m, t);
      case 'case.contact-added':
        return this.onContactAdded(e as EventEnvelope<CaseContactAddedV1>, m, t);
      case 'deadline.warned':
        return this.onWarned(e as EventEnvelope<DeadlineWarnedV1>, m, t);
      case 'deadline.breached':
        return this.onBreached(e as EventEnvelope<DeadlineEventV1>, m, t);
      case 'deadline.met':
        return this.onMet(e as EventEnvelope<DeadlineEventV1>, m, t);
      case 'reception.session-held':
        return this.onSessionHeld(e as EventEnvelope<ReceptionSessionHeldV1>, m);
      default:
        if (LIFECYCLE_EVENTS.includes(e.type as EventType)) return this.onLifecycle(e, m, t);
        return Promise.resolve();
    }
  }

  private async onRegistered(e: EventEnvelope<CaseRegisteredV1>, m: EntityManager, t: TallyDelta): Promise<void> {
    const p = e.payload;
    const contact: ContactRow = {
      id: p.contact.contactId,
      caseId: e.caseId,
      channel: p.contact.channel,
      receivedAt: new Date(p.contact.receivedAt),
      headcount: p.contact.headcount,
      repeat: false,
      receptionSessionId: p.contact.receptionSessionId ?? null,
    };
    await m.getRepository(RptContact).insert(contact);
    const fact = toCaseFact(e);
    const facts = serializeFacts(fact ? [fact] : []);
    const row = {
      ...deriveColumns({ facts, category: p.category, closedAt: null, trackingNo: p.trackingNo }, {}, this.settings),
      firstRepeatAt: null,
      id: e.caseId,
      trackingNo: p.trackingNo,
      status: 'registered',
      reviewed: false,
      extensionDaysUsed: 0,
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
      petitioners: petitionersToStore(this.settings.pii, p.petitioners),
      facts,
      timeline: JSON.stringify([entry(e, 'registered', p.contact.receivedAt, { channel: p.contact.channel, enteredAt: p.contact.enteredAt })]),
      extra: JSON.stringify(p.priorFinalCase ? { priorFinalCase: p.priorFinalCase } : {}),
      lastEventId: e.eventId,
      updatedAt: new Date(e.occurredAt),
    };
    await m.getRepository(RptCase).insert(row);
    const c = tallyCaseOf(row);
    t.case(c, 1);
    t.contact(contact, dimsOf(c), 1);
  }

  private async onContactAdded(e: EventEnvelope<CaseContactAddedV1>, m: EntityManager, t: TallyDelta): Promise<void> {
    const c = e.payload.contact;
    const contact: ContactRow = {
      id: c.contactId,
      caseId: e.caseId,
      channel: c.channel,
      receivedAt: new Date(c.receivedAt),
      headcount: c.headcount,
      repeat: true,
      receptionSessionId: c.receptionSessionId ?? null,
    };
    const at = new Date(c.receivedAt);
    await this.update(m, e, t, (row) => ({
      contact,
      firstRepeatAt: row.firstRepeatAt && row.firstRepeatAt <= at ? row.firstRepeatAt : at,
      repeatContacts: row.repeatContacts + 1,
      groupVisit: row.groupVisit || e.payload.groupVisit,
      timeline: push(row, entry(e, 'repeat-contact', c.receivedAt, { channel: c.channel, headcount: c.headcount, enteredAt: c.enteredAt })),
    }));
  }

  /** Every lifecycle event: the state through the one state machine, then what it records. */
  private onLifecycle(e: EventEnvelope, m: EntityManager, t: TallyDelta): Promise<void> {
    return this.update(m, e, t, (row) => {
      const extra = JSON.parse(row.extra) as CaseExtra;
      const change: Partial<RptCase> = { ...advanceSnapshot(snapshotOf(row), e) };
      const p = e.payload as never;
      let item: TimelineEntry;
      let act: ActRow | undefined;
      switch (e.type) {
        case 'case.routed': {
          const r = p as CaseRoutedV1;
          // assignedFeedbackDueAt stays the assigning authority's date; the unit's is its own deadline (unit-feedback).
          Object.assign(change, { unitCode: r.unitCode, routeMode: r.mode, routedAt: new Date(r.routedAt) });
          item = entry(e, 'routed', r.routedAt, { mode: r.mode, unitCode: r.unitCode });
          act = actOf(e.caseId, e.eventId, item);
          break;
        }
        case 'case.accepted':
          change.acceptedAt = new Date((p as CaseAcceptedV1).acceptedAt);
          item = entry(e, 'accepted', (p as CaseAcceptedV1).acceptedAt);
          break;
        case 'case.objected': {
          const o = p as CaseObjectedV1;
          extra.objections = [...(extra.objections ?? []), { unitCode: o.unitCode, reason: o.reason, at: o.objectedAt }];
          Object.assign(change, { unitCode: null, routeMode: null, routedAt: null });
          item = entry(e, 'objected', o.objectedAt, { unitCode: o.unitCode, reason: o.reason });
          break;
        }
        case 'case.declined': {
          const d = p as CaseDeclinedV1;
          extra.decline = { reason: d.reason, note: d.note ?? null, at: d.declinedAt };
          item = entry(e, 'declined', d.declinedAt, { reason: d.reason });
          break;
        }
        case 'case.diverted': {
          const d = p as CaseDivertedV1;
          extra.diversion = { procedure: d.procedure, note: d.note ?? null, at: d.divertedAt };
          // A diversion ends the case procedurally (程序性办结, regulation.md "Closure and outcome").
          Object.assign(change, { closedAt: new Date(d.divertedAt), closureKind: 'procedural', closureOutcome: null, closureOpinion: null });
          item = entry(e, 'diverted', d.divertedAt, { procedure: d.procedure });
          break;
        }
        case 'case.extended': {
          const x = p as CaseExtendedV1;
          extra.extension = { days: x.totalDays, reason: x.reason, approvedBy: x.approvedBy, petitionerNotice: x.petitionerNotice ?? null, at: x.extendedAt };
          item = entry(e, 'extended', x.extendedAt, { days: x.days, totalDays: x.totalDays, approvedBy: x.approvedBy });
          break;
        }
        case 'case.closed': {
          const c = p as CaseClosedV1;
          Object.assign(change, { closedAt: new Date(c.closedAt), closureKind: c.kind, closureOutcome: c.outcome, closureOpinion: c.opinion });
          item = entry(e, 'closed', c.closedAt, { kind: c.kind, outcome: c.outcome });
          break;
        }
        case 'case.evaluated': {
          const v = p as CaseEvaluatedV1;
          extra.evaluation = { rating: v.rating, at: v.evaluatedAt };
          item = entry(e, 'evaluated', v.evaluatedAt, { rating: v.rating });
          break;
        }
        case 'case.review-requested':
          extra.review = { requestedAt: (p as CaseReviewRequestedV1).requestedAt };
          item = entry(e, 'review-requested', (p as CaseReviewRequestedV1).requestedAt);
          break;
        case 'case.re-review-requested':
          extra.reReview = { requestedAt: (p as CaseReviewRequestedV1).requestedAt };
          item = entry(e, 're-review-requested', (p as CaseReviewRequestedV1).requestedAt);
          break;
        case 'case.review-opinion-issued':
        case 'case.re-review-opinion-issued': {
          const o = p as CaseReviewOpinionV1;
          const opinion = { kind: o.kind, outcome: o.outcome, opinion: o.opinion, at: o.issuedAt, ...(o.hearingDays !== undefined ? { hearingDays: o.hearingDays } : {}) };
          if (e.type === 'case.review-opinion-issued') extra.review = { requestedAt: extra.review?.requestedAt ?? o.issuedAt, opinion };
          else extra.reReview = { requestedAt: extra.reReview?.requestedAt ?? o.issuedAt, opinion };
          // The opinion in force decides how the case counts as resolved.
          Object.assign(change, { closureKind: o.kind, closureOutcome: o.outcome, closureOpinion: o.opinion });
          item = entry(e, e.type === 'case.review-opinion-issued' ? 'review-opinion' : 're-review-opinion', o.issuedAt, { kind: o.kind, outcome: o.outcome });
          break;
        }
        case 'case.supervised': {
          const s = p as CaseSupervisedV1;
          extra.supervisions = [...(extra.supervisions ?? []), { note: s.note, automatic: s.automatic, at: e.occurredAt, by: e.actor?.username ?? null }];
          change.supervised = true;
          item = entry(e, 'supervised', e.occurredAt, { note: s.note, automatic: s.automatic });
          act = actOf(e.caseId, e.eventId, item);
          break;
        }
        default:
          item = entry(e, e.type.replace(/^case\./, ''), e.occurredAt);
      }
      return { ...change, extra, timeline: push(row, item), ...(act ? { act } : {}) };
    });
  }

  private onWarned(e: EventEnvelope<DeadlineWarnedV1>, m: EntityManager, t: TallyDelta): Promise<void> {
    return this.update(m, e, t, (row) => ({
      timeline: push(row, entry(e, 'deadline-warned', e.occurredAt, { kind: e.payload.kind, dueAt: e.payload.dueAt, daysLeft: e.payload.daysLeft })),
    }));
  }

  private onBreached(e: EventEnvelope<DeadlineEventV1>, m: EntityManager, t: TallyDelta): Promise<void> {
    return this.update(m, e, t, (row) => ({
      timeline: push(row, entry(e, 'deadline-breached', e.occurredAt, { kind: e.payload.kind, dueAt: e.payload.dueAt })),
    }));
  }

  private onMet(e: EventEnvelope<DeadlineEventV1>, m: EntityManager, t: TallyDelta): Promise<void> {
    // Met deadlines show in the computed list; the event only moves the case's head.
    return this.update(m, e, t, () => ({}));
  }

  /**
   * Applies a change to the case row (`extra` as an object when the records changed), adds the
   * event's fact, derives the reports' columns from the result, moves the case's head, adds the
   * contact or act the event brought, and changes the counters by what the case contributes now
   * less what it contributed before (its contacts and acts move along when it changed unit,
   * category, channel, authority or purpose).
   */
  private async update(m: EntityManager, e: EventEnvelope, t: TallyDelta, change: (row: RptCase) => Change): Promise<void> {
    const repo = m.getRepository(RptCase);
    const row = await repo.findOneBy({ id: e.caseId });
    if (!row) throw new Error(`case ${e.caseId} unknown to reporting (event ${e.type} arrived before case.registered)`);
    const fact = toCaseFact(e);
    const { extra, contact, act, ...changed } = change(row);
    const next = { ...row, ...changed, ...(fact ? { facts: serializeFacts([...deserializeFacts(row.facts), fact]) } : {}) };
    // Facts, records or closure changed: the derived columns follow (an event that changes none of them leaves them).
    const derive = !!fact || !!extra || 'closedAt' in changed;
    const derived = derive ? deriveColumns(next, extra ?? (JSON.parse(row.extra) as CaseExtra), this.settings) : {};
    await repo.update(
      { id: e.caseId },
      {
        ...changed,
        ...(fact ? { facts: next.facts } : {}),
        ...(extra ? { extra: JSON.stringify(extra) } : {}),
        ...derived,
        lastEventId: e.eventId,
        updatedAt: new Date(e.occurredAt),
      },
    );
    const before = tallyCaseOf(row as unknown as Record<string, unknown>);
    const after = tallyCaseOf({ ...next, ...derived } as unknown as Record<string, unknown>);
    t.case(before, -1);
    t.case(after, 1);
    const [was, is] = [dimsOf(before), dimsOf(after)];
    if (!sameDims(was, is)) {
      for (const k of await m.getRepository(RptContact).findBy({ caseId: e.caseId })) (t.contact(k, was, -1), t.contact(k, is, 1));
      for (const a of await m.getRepository(RptAct).findBy({ caseId: e.caseId })) (t.act(a, was, -1), t.act(a, is, 1));
    }
    if (contact) {
      await m.getRepository(RptContact).insert(contact);
      t.contact(contact, is, 1);
    }
    if (act) {
      await m.getRepository(RptAct).insert(act);
      t.act(act, is, 1);
    }
  }

  private async onSessionHeld(e: EventEnvelope<ReceptionSessionHeldV1>, m: EntityManager): Promise<void> {
    await m.getRepository(RptReceptionSession).insert({ id: e.caseId, kind: e.payload.kind, leader: e.payload.leader, date: e.payload.date });
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
    // The administrator's acts on a case are corrections (paper records, data put right): flagged, with who (actor) and when (enteredAt or at).
    ...(e.actor?.roles?.includes('admin') ? { correction: true } : {}),
    ...(Object.keys(rest).length ? { detail: rest } : {}),
  };
}

function push(row: RptCase, item: TimelineEntry): string {
  return JSON.stringify([...(JSON.parse(row.timeline) as TimelineEntry[]), item]);
}

