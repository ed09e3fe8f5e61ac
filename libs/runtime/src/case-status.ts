import { ACTION_OF_EVENT, type CaseExtendedV1, type EventEnvelope, type EventType } from '#libs/contracts';
import { applyAction, decide, type CaseSnapshot, type CaseStatus } from '#libs/regulation';

/** The events that move a case through the state machine. */
export const LIFECYCLE_EVENTS = Object.keys(ACTION_OF_EVENT) as EventType[];

/**
 * A service's own copy of the case's state, moved by the same state machine that decided the
 * action in the producing service. Events arrive in the case's order, so each applies; one that
 * does not fit (a correction raced another) leaves the copy as it is.
 */
export function advanceSnapshot(snapshot: CaseSnapshot, event: EventEnvelope): CaseSnapshot {
  const action = ACTION_OF_EVENT[event.type];
  if (!action) return snapshot;
  const input = event.type === 'case.extended' ? { extensionDays: (event.payload as CaseExtendedV1).days } : undefined;
  return decide(snapshot, action, input).ok ? applyAction(snapshot, action, input) : snapshot;
}

/** The row fields a service keeps for its snapshot. */
export interface SnapshotColumns {
  status: string;
  reviewed: boolean;
  extensionDaysUsed: number;
}
export const snapshotOf = (row: SnapshotColumns): CaseSnapshot => ({
  status: row.status as CaseStatus,
  reviewed: !!row.reviewed,
  extensionDaysUsed: row.extensionDaysUsed,
});

/** Closed for new contacts on the same matter: a repeat then opens a new case or asks for review. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['registered', 'routed', 'accepted', 'under-review', 'under-re-review'];
