import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ForbiddenError, NotFoundError, RuleViolationError, StateConflictError, newId } from '#libs/common';
import type { CaseRoutedV1 } from '#libs/contracts';
import { PrcCalendar } from '#libs/regulation';
import type { Caller, ServiceCommand } from '#libs/runtime';
import { ACTORS, caseHistory, startOnSqlite, type ServiceOnSqlite } from '../../../test/support/definitions.js';
import { AssignmentCase } from './assignment.entities.js';
import { assignmentService } from './assignment.module.js';

/**
 * Routing and the responsible unit's first answer (assignment) on SQLite, through the service's
 * own commands. Times are fixed in 2024 (covered by the bundled calendar): actions carry their
 * own time (`at`) as back-dated entries do.
 */
describe('routing and acceptance', () => {
  let assignment: ServiceOnSqlite;
  let caseId: string;
  const received = new Date('2024-09-02T09:00:00+08:00');

  beforeEach(async () => {
    assignment = await startOnSqlite(assignmentService({ timeZone: 'Asia/Shanghai', calendar: PrcCalendar.default(), onUncoveredYear: 'withhold' }));
    caseId = newId();
    await assignment.deliver(...caseHistory(caseId, received, 'registered'));
  });
  afterEach(() => assignment.stop());

  const act = (name: string, actor: Caller, at: string, body: Record<string, unknown> = {}, id = caseId) =>
    assignment.command(name, { caseId: id, actor, body, at: new Date(at).toISOString() } satisfies ServiceCommand);
  const route = (actor: Caller = ACTORS.office, at = '2024-09-05T10:00:00+08:00', body: Record<string, unknown> = { mode: 'transfer', unitCode: 'housing' }) => act('route', actor, at, body);
  const row = () => assignment.dataSource.getRepository(AssignmentCase).findOneByOrFail({ id: caseId });

  it('the petition office transfers (转送) or assigns (交办) a registered case to the responsible unit (Art. 22)', async () => {
    const r = await route(ACTORS.office, '2024-09-05T10:00:00+08:00', { mode: 'assign', unitCode: 'housing', feedbackDueAt: '2024-10-31' });
    const [event] = await assignment.committed(r.eventIds);
    expect(event.type).toBe('case.routed');
    expect(event.payload as CaseRoutedV1).toMatchObject({ mode: 'assign', unitCode: 'housing', feedbackDueAt: '2024-10-31' });
    expect(await row()).toMatchObject({ status: 'routed', unitCode: 'housing', mode: 'assign' });
  });

  it('only the petition office routes: reception and handlers are refused (403)', async () => {
    await expect(route(ACTORS.reception)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(route(ACTORS.housing)).rejects.toMatchObject({ status: 403 });
    expect((await row()).status).toBe('registered');
  });

  it('a routed case is not routed again (409), and an unknown case is not found (404)', async () => {
    await route();
    await expect(route()).rejects.toBeInstanceOf(StateConflictError);
    await expect(act('route', ACTORS.office, '2024-09-05T10:00:00+08:00', { mode: 'transfer', unitCode: 'housing' }, newId())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('the responsible unit accepts a case routed to it (受理, Art. 23); another unit’s handler is refused (403)', async () => {
    await route();
    await expect(act('accept', ACTORS.labour, '2024-09-06T10:00:00+08:00')).rejects.toBeInstanceOf(ForbiddenError);
    const r = await act('accept', ACTORS.housing, '2024-09-06T10:00:00+08:00');
    expect((await assignment.committed(r.eventIds)).map((e) => e.type)).toEqual(['case.accepted']);
    expect(await row()).toMatchObject({ status: 'accepted', acceptedAt: new Date('2024-09-06T10:00:00+08:00') });
    await expect(act('accept', ACTORS.housing, '2024-09-07T10:00:00+08:00')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('a case not yet routed cannot be accepted: by the office 409, by a unit 403 WRONG_UNIT (not its case, its state is not told)', async () => {
    await expect(act('accept', ACTORS.admin, '2024-09-06T10:00:00+08:00')).rejects.toMatchObject({ status: 409 });
    await expect(act('accept', ACTORS.housing, '2024-09-06T10:00:00+08:00')).rejects.toMatchObject({ status: 403, code: 'WRONG_UNIT' });
  });

  it('the responsible unit objects to a wrong transfer, with reasons, within 5 working days of receipt, and the case goes back to the office (Art. 23(3))', async () => {
    await route(); // Thursday 2024-09-05: working days 9-06, 9-09, 9-10, 9-11, 9-12
    await expect(act('object', ACTORS.labour, '2024-09-12T17:00:00+08:00', { reason: '不属于本单位职责' })).rejects.toBeInstanceOf(ForbiddenError);
    const r = await act('object', ACTORS.housing, '2024-09-12T17:00:00+08:00', { reason: '不属于本单位职责' });
    expect((await assignment.committed(r.eventIds)).map((e) => e.type)).toEqual(['case.objected']);
    expect(await row()).toMatchObject({ status: 'registered', unitCode: null });
    // Back with the office: the housing bureau holds it no more (not its case), the office routes it anew.
    await expect(act('accept', ACTORS.housing, '2024-09-13T10:00:00+08:00')).rejects.toMatchObject({ status: 403, code: 'WRONG_UNIT' });
    await route(ACTORS.office, '2024-09-13T10:00:00+08:00', { mode: 'transfer', unitCode: 'labour' });
    await act('accept', ACTORS.labour, '2024-09-13T11:00:00+08:00');
  });

  it('an objection after the 5 working days is refused (422, Art. 23(3))', async () => {
    await route();
    await expect(act('object', ACTORS.housing, '2024-09-13T00:00:00+08:00', { reason: '不属于本单位职责' })).rejects.toBeInstanceOf(RuleViolationError);
    expect((await row()).status).toBe('routed');
  });

  it('the office declines a case it has not routed; a handler cannot decline a case not routed to the unit (403)', async () => {
    await expect(act('decline', ACTORS.housing, '2024-09-03T10:00:00+08:00', { reason: 'out-of-scope' })).rejects.toBeInstanceOf(ForbiddenError);
    await act('decline', ACTORS.office, '2024-09-03T10:00:00+08:00', { reason: 'out-of-scope' });
    expect((await row()).status).toBe('declined');
    await expect(route()).rejects.toBeInstanceOf(StateConflictError); // the procedure is over
  });

  it('the unit holding a routed case may decline it (不予受理 / 不再受理)', async () => {
    await route();
    await expect(act('decline', ACTORS.labour, '2024-09-06T10:00:00+08:00', { reason: 'pending-elsewhere' })).rejects.toBeInstanceOf(ForbiddenError);
    await act('decline', ACTORS.housing, '2024-09-06T10:00:00+08:00', { reason: 'pending-elsewhere' });
    expect((await row()).status).toBe('declined');
  });

  it('items that belong to litigation, arbitration, reconsideration and the like are diverted to that procedure by the unit (Art. 31)', async () => {
    await expect(act('divert', ACTORS.housing, '2024-09-03T10:00:00+08:00', { procedure: 'litigation' })).rejects.toMatchObject({ status: 403, code: 'WRONG_UNIT' }); // not routed yet: not the unit's case
    await route();
    await act('accept', ACTORS.housing, '2024-09-06T10:00:00+08:00');
    await expect(act('divert', ACTORS.office, '2024-09-09T10:00:00+08:00', { procedure: 'litigation' })).rejects.toBeInstanceOf(ForbiddenError);
    const r = await act('divert', ACTORS.housing, '2024-09-09T10:00:00+08:00', { procedure: 'litigation', note: '已起诉' });
    expect((await assignment.committed(r.eventIds)).map((e) => e.type)).toEqual(['case.diverted']);
    expect((await row()).status).toBe('diverted');
  });
});
