import type { CaseFact } from '#libs/regulation';
import type { EventEnvelope } from './envelope.js';
import type { CaseAcceptedV1, CaseClosedV1, CaseRegisteredV1, CaseRoutedV1 } from './events.js';

/**
 * The case history the regulation computes deadlines from, read off the events. Services that
 * need deadlines (deadline, reporting) keep these facts; the rules themselves live in
 * libs/regulation.
 */
export function toCaseFact(event: EventEnvelope): CaseFact | null {
  switch (event.type) {
    case 'case.registered': {
      const p = event.payload as CaseRegisteredV1;
      return { type: 'registered', at: new Date(p.contact.receivedAt), ...(p.assignedBy?.feedbackDueAt ? { feedbackDueDate: p.assignedBy.feedbackDueAt } : {}) };
    }
    case 'case.routed': {
      const p = event.payload as CaseRoutedV1;
      return { type: 'routed', at: new Date(p.routedAt), mode: p.mode, unitCode: p.unitCode, ...(p.feedbackDueAt ? { feedbackDueDate: p.feedbackDueAt } : {}) };
    }
    case 'case.accepted':
      return { type: 'accepted', at: new Date((event.payload as CaseAcceptedV1).acceptedAt) };
    case 'case.closed':
      return { type: 'closed', at: new Date((event.payload as CaseClosedV1).closedAt) };
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
