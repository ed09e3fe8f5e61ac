import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { In, type EntityManager } from 'typeorm';
import {
  deserializeFacts,
  serializeFacts,
  toCaseFact,
  type CaseAcceptedV1,
  type CaseClosedV1,
  type CaseContactAddedV1,
  type CaseDeclinedV1,
  type CaseDivertedV1,
  type CaseEvaluatedV1,
  type CaseExtendedV1,
  type CaseObjectedV1,
  type CaseRegisteredV1,
  type CaseReviewOpinionV1,
  type CaseReviewRequestedV1,
  type CaseRoutedV1,
  type CaseQueryCodeReissuedV1,
  type CaseSupervisedV1,
  type DeadlineEventV1,
  type DeadlineRecomputedV1,
  type DeadlineWarnedV1,
  type EventEnvelope,
  type EventType,
  type ReceptionSessionHeldV1,
} from '#libs/contracts';
import type { CaseDocumentRenderedV1, CaseDocumentServedV1 } from '#libs/contracts';
import { OnCaseEvent, type CaseEventContext } from '#libs/messaging';
import { insertRows } from '#libs/persistence';
import { advanceSnapshot, LIFECYCLE_EVENTS, snapshotOf } from '#libs/runtime';
import { RptAct, RptCase, RptContact, RptEvent, RptReceptionSession } from './reporting.entities.js';
import { deriveColumns, type DerivedColumns } from './read-model.js';
import { actOf } from './read-model-refresh.js';
import { petitionersToStore } from './petitioner-pii.js';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings.js';
import { dimsOf, sameDims, sameTallyCase, TallyDelta, tallyCaseOf } from './tallies.js';

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
  evaluation?: { rating: string; at: string; comment?: string };
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
export const PROJECTED_EVENTS: EventType[] = [
  'case.registered',
  'case.contact-added',
  ...LIFECYCLE_EVENTS,
  'deadline.warned',
  'deadline.breached',
  'deadline.met',
  'deadline.recomputed',
  'case.query-code-reissued',
  'case.document-rendered',
  'case.document-served',
  'reception.session-held',
];

/**
 * Keeps the event in the reporting service's event log (rpt_event), in the order it is applied:
 * what `reporting:rebuild` rebuilds the read model from. Personal data as the read model keeps
 * it (sealed).
 */
export async function logEvent(m: EntityManager, e: EventEnvelope, s: ReportingSettings): Promise<void> {
  await logEvents(m, [e], s);
}

/** logEvent for a batch, in order, in a few statements. */
export async function logEvents(m: EntityManager, events: EventEnvelope[], s: ReportingSettings): Promise<void> {
  const rows = events.map((e) => {
    const stored =
      e.type === 'case.registered' ? { ...e, payload: { ...(e.payload as CaseRegisteredV1), petitioners: JSON.parse(petitionersToStore(s.pii, (e.payload as CaseRegisteredV1).petitioners)) } } : e;
    return { eventId: e.eventId, type: e.type, caseId: e.caseId, envelope: JSON.stringify(stored), loggedAt: new Date() };
  });
  await insertRows(m, RptEvent, rows);
}

/** A change to a case row; `extra`: the records, when they changed; a contact or an act the event adds. */
type Change = Omit<Partial<RptCase>, 'extra'> & { extra?: CaseExtra; contact?: RptContact; act?: ActRow };
type ActRow = ReturnType<typeof actOf>;

/** A case as a batch works on it: its row, its records parsed once, and what it counted before the batch. */
interface Working {
  row: RptCase;
  /** The row as the batch found it (null: registered in this batch). */
  initial: RptCase | null;
  extra?: CaseExtra;
  timeline?: TimelineEntry[];
  /** Facts, records or closure changed: the derived columns are derived again at the end of the batch. */
  derive: boolean;
  extraChanged: boolean;
  timelineChanged: boolean;
}

/** One event that could not be applied (left out alone; the live consumer dead-letters it). */
export interface ProjectionFailure {
  event: EventEnvelope;
  error: unknown;
}

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

  /** Applies one event to the read model (the live consumer); throws when it cannot be applied. */
  async project(e: EventEnvelope, m: EntityManager): Promise<void> {
    const [failure] = await this.projectBatch([e], m);
    if (failure) throw failure.error;
  }

  /**
   * Applies a batch of events in order (a rebuild's batch, a bench's): the cases they touch are
   * read in one query, the events applied to them in memory — each event whole or not at all: one
   * that cannot be applied is left out and returned — and the result written at the end: the case
   * rows in one upsert, the contacts, acts and sessions in one insert each, the derived columns
   * derived once per case, and the reports' counters changed by what each case counts now less
   * what it counted before the batch (its earlier contacts and acts moved along when it changed
   * unit, category, channel, authority or purpose).
   */
  async projectBatch(events: EventEnvelope[], m: EntityManager, opts: { log?: boolean } = {}): Promise<ProjectionFailure[]> {
    const ids = [...new Set(events.filter((e) => e.type !== 'reception.session-held').map((e) => e.caseId))];
    const cases = new Map<string, Working>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of await m.getRepository(RptCase).findBy({ id: In(ids.slice(i, i + 500)) })) {
        cases.set(row.id, { row, initial: row, derive: false, extraChanged: false, timelineChanged: false });
      }
    }
    const contacts: RptContact[] = [];
    const acts: ActRow[] = [];
    const sessions: RptReceptionSession[] = [];
    const applied: EventEnvelope[] = [];
    const failures: ProjectionFailure[] = [];
    for (const e of events) {
      try {
        if (e.type === 'reception.session-held') {
          const p = e.payload as ReceptionSessionHeldV1;
          sessions.push({ id: e.caseId, kind: p.kind, leader: p.leader, date: p.date });
        } else {
          const w = this.apply(e, cases.get(e.caseId));
          if (w) {
            cases.set(e.caseId, w.working);
            if (w.contact) contacts.push(w.contact);
            if (w.act) acts.push(w.act);
          }
        }
        applied.push(e);
      } catch (error) {
        failures.push({ event: e, error });
      }
    }
    if (opts.log) await logEvents(m, applied, this.settings);

    const tally = new TallyDelta(this.settings.timeZone);
    const rows: RptCase[] = [];
    const moved: { id: string; was: ReturnType<typeof dimsOf>; is: ReturnType<typeof dimsOf> }[] = [];
    /** Where each changed case counts now (a contact or act of the batch belongs to one of them). */
    const dimsNow = new Map<string, ReturnType<typeof dimsOf>>();
    for (const w of cases.values()) {
      if (w.row === w.initial) continue;
      const row = { ...w.row };
      if (w.extraChanged) row.extra = JSON.stringify(w.extra);
      if (w.timelineChanged) row.timeline = JSON.stringify(w.timeline);
      if (w.derive) Object.assign(row, deriveColumns(row, w.extra ?? (JSON.parse(row.extra) as CaseExtra), this.settings));
      rows.push(row);
      w.row = row;
      const after = tallyCaseOf(row as unknown as Record<string, unknown>);
      dimsNow.set(row.id, dimsOf(after));
      const before = w.initial ? tallyCaseOf(w.initial as unknown as Record<string, unknown>) : null;
      // Most events (a deadline met or warned, a timeline entry) change nothing a counter reads: nothing to count again.
      if (before && sameTallyCase(before, after)) continue;
      tally.case(after, 1);
      if (before) {
        tally.case(before, -1);
        const [was, is] = [dimsOf(before), dimsNow.get(row.id)!];
        if (!sameDims(was, is)) moved.push({ id: row.id, was, is });
      }
    }
    // The contacts and acts the cases had before the batch count where the case counts now.
    for (let i = 0; i < moved.length; i += 500) {
      const part = moved.slice(i, i + 500);
      const byId = new Map(part.map((x) => [x.id, x]));
      for (const k of await m.getRepository(RptContact).findBy({ caseId: In(part.map((x) => x.id)) })) {
        tally.contact(k, byId.get(k.caseId)!.was, -1);
        tally.contact(k, byId.get(k.caseId)!.is, 1);
      }
      for (const a of await m.getRepository(RptAct).findBy({ caseId: In(part.map((x) => x.id)) })) {
        tally.act(a, byId.get(a.caseId)!.was, -1);
        tally.act(a, byId.get(a.caseId)!.is, 1);
      }
    }
    for (const k of contacts) tally.contact(k, dimsNow.get(k.caseId)!, 1);
    for (const a of acts) tally.act(a, dimsNow.get(a.caseId)!, 1);

    await upsertCases(m, rows);
    await insertRows(m, RptContact, contacts);
    await insertRows(m, RptAct, acts);
    await insertRows(m, RptReceptionSession, sessions);
    await tally.flush(m);
    return failures;
  }

  /** One event applied to its case (on copies: the working state changes only when the event applies whole). */
  private apply(e: EventEnvelope, w: Working | undefined): { working: Working; contact?: RptContact; act?: ActRow } | null {
    switch (e.type) {
      case 'case.registered':
        if (w) throw new Error(`case ${e.caseId} registered twice (event ${e.eventId})`);
        return this.onRegistered(e as EventEnvelope<CaseRegisteredV1>);
      case 'case.contact-added':
        return this.onContactAdded(e as EventEnvelope<CaseContactAddedV1>, known(e, w));
      case 'deadline.warned':
        return this.onWarned(e as EventEnvelope<DeadlineWarnedV1>, known(e, w));
      case 'deadline.breached':
        return this.onBreached(e as EventEnvelope<DeadlineEventV1>, known(e, w));
      case 'deadline.met':
        // Met deadlines show in the computed list; the event only moves the case's head.
        return this.update(e, known(e, w), () => ({}));
      case 'deadline.recomputed': {
        // A holiday notice computed or moved the deadline (the columns follow the calendar: ReadModelMaintainer, CalendarHandler).
        const p = e.payload as DeadlineRecomputedV1;
        const detail = {
          kind: p.kind,
          lastDay: p.lastDay,
          dueAt: p.dueAt,
          previousLastDay: p.previousLastDay ?? null,
          previousDueAt: p.previousDueAt ?? null,
          calendarYear: p.calendarYear,
          basis: p.basis ?? null,
        };
        return this.update(e, known(e, w), () => ({}), entry(e, 'deadline-recomputed', e.occurredAt, detail));
      }
      case 'case.query-code-reissued':
        // The staff's timeline says who gave the petitioner a new query code (the code is never in the event).
        return this.update(e, known(e, w), () => ({}), entry(e, 'query-code-reissued', (e.payload as CaseQueryCodeReissuedV1).issuedAt));
      case 'case.document-rendered': {
        // A document (文书) rendered: who (actor), which and when, on the timeline only.
        const p = e.payload as CaseDocumentRenderedV1;
        return this.update(e, known(e, w), () => ({}), entry(e, 'document-rendered', e.occurredAt, { kind: p.kind, number: p.number, format: p.format }));
      }
      case 'case.document-served': {
        // Served on the petitioner (已送达): on the timeline at the instant it counts from; the acceptance notice's is a fact (update applies it).
        const p = e.payload as CaseDocumentServedV1;
        return this.update(e, known(e, w), () => ({}), entry(e, 'document-served', p.servedAt, { kind: p.kind, number: p.number, servedOn: p.servedOn, method: p.method }));
      }
      default:
        if (LIFECYCLE_EVENTS.includes(e.type as EventType)) return this.onLifecycle(e, known(e, w));
        return null;
    }
  }

  private onRegistered(e: EventEnvelope<CaseRegisteredV1>): { working: Working; contact: RptContact } {
    const p = e.payload;
    const contact: RptContact = {
      id: p.contact.contactId,
      caseId: e.caseId,
      channel: p.contact.channel,
      receivedAt: new Date(p.contact.receivedAt),
      headcount: p.contact.headcount,
      repeat: false,
      receptionSessionId: p.contact.receptionSessionId ?? null,
    };
    const fact = toCaseFact(e);
    const facts = serializeFacts(fact ? [fact] : []);
    const extra: CaseExtra = p.priorFinalCase ? { priorFinalCase: p.priorFinalCase } : {};
    const row = {
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
      unitCode: null,
      routeMode: null,
      receivedAt: new Date(p.contact.receivedAt),
      routedAt: null,
      acceptedAt: null,
      closedAt: null,
      closureKind: null,
      closureOutcome: null,
      closureOpinion: null,
      repeatContacts: 0,
      supervised: false,
      petitioners: petitionersToStore(this.settings.pii, p.petitioners),
      facts,
      timeline: '',
      extra: '',
      lastEventId: e.eventId,
      updatedAt: new Date(e.occurredAt),
    } as Omit<RptCase, keyof DerivedColumns | 'firstRepeatAt'> & { firstRepeatAt: null };
    const timeline = [entry(e, 'registered', p.contact.receivedAt, { channel: p.contact.channel, enteredAt: p.contact.enteredAt })];
    return { working: { row: row as RptCase, initial: null, extra, timeline, derive: true, extraChanged: true, timelineChanged: true }, contact };
  }

  private onContactAdded(e: EventEnvelope<CaseContactAddedV1>, w: Working) {
    const c = e.payload.contact;
    const contact: RptContact = {
      id: c.contactId,
      caseId: e.caseId,
      channel: c.channel,
      receivedAt: new Date(c.receivedAt),
      headcount: c.headcount,
      repeat: true,
      receptionSessionId: c.receptionSessionId ?? null,
    };
    const at = new Date(c.receivedAt);
    return this.update(
      e,
      w,
      (row) => ({
        contact,
        firstRepeatAt: row.firstRepeatAt && row.firstRepeatAt <= at ? row.firstRepeatAt : at,
        repeatContacts: row.repeatContacts + 1,
        groupVisit: row.groupVisit || e.payload.groupVisit,
      }),
      entry(e, 'repeat-contact', c.receivedAt, { channel: c.channel, headcount: c.headcount, enteredAt: c.enteredAt }),
    );
  }

  /** Every lifecycle event: the state through the one state machine, then what it records. */
  private onLifecycle(e: EventEnvelope, w: Working) {
    let item!: TimelineEntry;
    const result = this.update(
      e,
      w,
      (row, recorded) => {
        const extra = { ...recorded };
        const change: Change = { ...advanceSnapshot(snapshotOf(row), e) };
        const p = e.payload as never;
        switch (e.type) {
          case 'case.routed': {
            const r = p as CaseRoutedV1;
            // assignedFeedbackDueAt stays the assigning authority's date; the unit's is its own deadline (unit-feedback).
            Object.assign(change, { unitCode: r.unitCode, routeMode: r.mode, routedAt: new Date(r.routedAt) });
            item = entry(e, 'routed', r.routedAt, { mode: r.mode, unitCode: r.unitCode });
            change.act = actOf(e.caseId, e.eventId, item);
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
            extra.evaluation = { rating: v.rating, at: v.evaluatedAt, ...(v.comment ? { comment: v.comment } : {}) };
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
            change.act = actOf(e.caseId, e.eventId, item);
            break;
          }
          default:
            item = entry(e, e.type.replace(/^case\./, ''), e.occurredAt);
        }
        return { ...change, extra };
      },
      () => item,
    );
    return result;
  }

  private onWarned(e: EventEnvelope<DeadlineWarnedV1>, w: Working) {
    return this.update(e, w, () => ({}), entry(e, 'deadline-warned', e.occurredAt, { kind: e.payload.kind, dueAt: e.payload.dueAt, daysLeft: e.payload.daysLeft }));
  }

  private onBreached(e: EventEnvelope<DeadlineEventV1>, w: Working) {
    return this.update(e, w, () => ({}), entry(e, 'deadline-breached', e.occurredAt, { kind: e.payload.kind, dueAt: e.payload.dueAt }));
  }

  /**
   * Applies a change to a copy of the working case: the row's columns, the records (`extra`, when
   * they changed), the event's fact, a timeline entry (`item`, or one the change made), the case's
   * head; the contact or act the event brings is handed back to be written with the batch.
   */
  private update(
    e: EventEnvelope,
    w: Working,
    change: (row: RptCase, extra: CaseExtra) => Change,
    item?: TimelineEntry | (() => TimelineEntry),
  ): { working: Working; contact?: RptContact; act?: ActRow } {
    const recorded = w.extra ?? (JSON.parse(w.row.extra) as CaseExtra);
    const { extra, contact, act, ...changed } = change(w.row, recorded);
    const fact = toCaseFact(e);
    const entryNow = typeof item === 'function' ? item() : item;
    const timeline = entryNow ? [...(w.timeline ?? (JSON.parse(w.row.timeline) as TimelineEntry[])), entryNow] : w.timeline;
    const row: RptCase = {
      ...w.row,
      ...changed,
      ...(fact ? { facts: serializeFacts([...deserializeFacts(w.row.facts), fact]) } : {}),
      lastEventId: e.eventId,
      updatedAt: new Date(e.occurredAt),
    };
    const working: Working = {
      row,
      initial: w.initial,
      extra: extra ?? recorded,
      timeline,
      // Facts, records or closure changed: the derived columns follow (an event that changes none of them leaves them).
      derive: w.derive || !!fact || !!extra || 'closedAt' in changed,
      extraChanged: w.extraChanged || !!extra,
      timelineChanged: w.timelineChanged || !!entryNow,
    };
    return { working, ...(contact ? { contact } : {}), ...(act ? { act } : {}) };
  }
}

/**
 * The case rows written back in a few statements: inserted, or every column but the id replaced
 * (no query builder: its per-value work was a sixth of a batch's time).
 */
async function upsertCases(m: EntityManager, rows: RptCase[]): Promise<void> {
  const props = m.connection.getMetadata(RptCase).columns.map((c) => c.propertyName);
  const records = rows.map((r) => Object.fromEntries(props.map((p) => [p, (r as unknown as Record<string, unknown>)[p] ?? null])) as Partial<RptCase>);
  await insertRows(m, RptCase, records, { onConflict: { key: ['id'] } });
}

function known(e: EventEnvelope, w: Working | undefined): Working {
  if (!w) throw new Error(`case ${e.caseId} unknown to reporting (event ${e.type} arrived before case.registered)`);
  return w;
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
