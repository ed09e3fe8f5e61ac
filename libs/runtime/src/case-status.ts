import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { ACTION_OF_EVENT, type CaseExtendedV1, type EventEnvelope, type EventType } from '#libs/contracts';
import { followAction, type CaseSnapshot, type CaseStatus } from '#libs/regulation';

/** The events that move a case through the state machine. */
export const LIFECYCLE_EVENTS = Object.keys(ACTION_OF_EVENT) as EventType[];

/**
 * A service's own copy of the case's state, moved by the event's action through the same state
 * machine that decided it in the producing service (libs/regulation followAction). Events arrive
 * in the case's order, so each applies.
 */
export function advanceSnapshot(snapshot: CaseSnapshot, event: EventEnvelope): CaseSnapshot {
  const action = ACTION_OF_EVENT[event.type];
  if (!action) return snapshot;
  const input = event.type === 'case.extended' ? { extensionDays: (event.payload as CaseExtendedV1).days } : undefined;
  return followAction(snapshot, action, input);
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

/**
 * The one way a service follows a case through its lifecycle: its own row of the case loaded by
 * `key`, the snapshot moved by the event (advanceSnapshot), and the service's own columns — what
 * `mapping` reads off the event — written back in one UPDATE. A case the service never saw
 * registered (its row is missing) is left alone. Each service gives only its mapping.
 */
export async function followCase<Row extends SnapshotColumns & ObjectLiteral>(
  m: EntityManager,
  event: EventEnvelope,
  entity: EntityTarget<Row>,
  key: keyof Row & string,
  mapping: (event: EventEnvelope, next: CaseSnapshot, row: Row) => Partial<Row> = () => ({}),
): Promise<void> {
  const repo = m.getRepository(entity);
  const row = await repo.findOneBy({ [key]: event.caseId } as FindOptionsWhere<Row>);
  if (!row) return;
  const next = advanceSnapshot(snapshotOf(row), event);
  await repo.update({ [key]: event.caseId } as FindOptionsWhere<Row>, { ...next, ...mapping(event, next, row) } as never);
}
