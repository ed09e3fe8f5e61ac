import type { CaseAction, CaseFact, CaseSnapshot } from '#libs/regulation';
import type { EventEnvelope } from './envelope.js';
import type {
  CaseAcceptedV1,
  CaseClosedV1,
  CaseDocumentServedV1,
  CaseDeclinedV1,
  CaseDivertedV1,
  CaseEvaluatedV1,
  CaseExtendedV1,
  CaseObjectedV1,
  CaseRegisteredV1,
  CaseReviewOpinionV1,
  CaseReviewRequestedV1,
  CaseRoutedV1,
} from './events.js';

/**
 * The case history the regulation computes deadlines from, read off the events. Services that
 * need deadlines keep these facts; the rules themselves live in libs/regulation.
 */
export function toCaseFact(event: EventEnvelope): CaseFact | null {
  const p = event.payload as never;
  switch (event.type) {
    case 'case.registered': {
      const r = p as CaseRegisteredV1;
      return { type: 'registered', at: new Date(r.contact.receivedAt), ...(r.assignedBy?.feedbackDueAt ? { feedbackDueDate: r.assignedBy.feedbackDueAt } : {}) };
    }
    case 'case.routed': {
      const r = p as CaseRoutedV1;
      return {
        type: 'routed',
        at: new Date(r.routedAt),
        mode: r.mode,
        unitCode: r.unitCode,
        ...(r.unitName ? { unitName: r.unitName } : {}),
        ...(r.feedbackDueAt ? { feedbackDueDate: r.feedbackDueAt } : {}),
      };
    }
    case 'case.accepted': {
      // Version 1 was recorded when accepting counted as telling the petitioner: its history keeps that meaning.
      const at = new Date((p as CaseAcceptedV1).acceptedAt);
      return event.version >= 2 ? { type: 'accepted', at, noticeToServe: true } : { type: 'accepted', at };
    }
    case 'case.document-served': {
      // The services the deadlines count from: the acceptance notice (Art. 23: the petitioner is told),
      // the handling and review opinions (Art. 35, 36: the next request runs from receiving them).
      const d = p as CaseDocumentServedV1;
      const at = new Date(d.servedAt);
      if (d.kind === 'acceptance-notice') return { type: 'acceptance-notified', at };
      if (d.kind === 'handling-opinion') return { type: 'opinion-served', at, opinion: 'handling' };
      if (d.kind === 'review-opinion') return { type: 'opinion-served', at, opinion: 'review' };
      return null;
    }
    case 'case.objected':
      return { type: 'objected', at: new Date((p as CaseObjectedV1).objectedAt) };
    case 'case.declined':
      return { type: 'declined', at: new Date((p as CaseDeclinedV1).declinedAt) };
    case 'case.diverted':
      return { type: 'diverted', at: new Date((p as CaseDivertedV1).divertedAt) };
    case 'case.extended':
      return { type: 'extended', at: new Date((p as CaseExtendedV1).extendedAt), days: (p as CaseExtendedV1).days };
    case 'case.closed':
      return { type: 'closed', at: new Date((p as CaseClosedV1).closedAt) };
    case 'case.evaluated':
      return { type: 'evaluated', at: new Date((p as CaseEvaluatedV1).evaluatedAt) };
    case 'case.review-requested':
      return { type: 'review-requested', at: new Date((p as CaseReviewRequestedV1).requestedAt) };
    case 'case.review-opinion-issued':
      return { type: 'review-opinion-issued', at: new Date((p as CaseReviewOpinionV1).issuedAt) };
    case 'case.re-review-requested':
      return { type: 're-review-requested', at: new Date((p as CaseReviewRequestedV1).requestedAt) };
    case 'case.re-review-opinion-issued': {
      const r = p as CaseReviewOpinionV1;
      return { type: 're-review-opinion-issued', at: new Date(r.issuedAt), ...(r.hearingDays !== undefined ? { hearingDays: r.hearingDays } : {}) };
    }
    default:
      return null;
  }
}

/** Facts as stored (JSON) and back. */
export function serializeFacts(facts: CaseFact[]): string {
  return JSON.stringify(facts);
}
export function deserializeFacts(json: string | null | undefined): CaseFact[] {
  if (!json) return [];
  return (JSON.parse(json) as Array<CaseFact & { at: string }>).map((f) => ({ ...f, at: new Date(f.at) }) as CaseFact);
}

/** Which state-machine action each lifecycle event records. */
export const ACTION_OF_EVENT: Readonly<Record<string, CaseAction>> = {
  'case.routed': 'route',
  'case.accepted': 'accept',
  'case.declined': 'decline',
  'case.diverted': 'divert',
  'case.objected': 'object',
  'case.extended': 'extend',
  'case.closed': 'close',
  'case.evaluated': 'evaluate',
  'case.review-requested': 'review-request',
  'case.review-opinion-issued': 'review-opinion',
  'case.re-review-requested': 're-review-request',
  'case.re-review-opinion-issued': 're-review-opinion',
  'case.supervised': 'supervise',
};

export const INITIAL_SNAPSHOT: CaseSnapshot = { status: 'registered', reviewed: false, extensionDaysUsed: 0 };
