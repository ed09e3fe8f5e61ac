import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ForbiddenError, RuleViolationError, StateConflictError, newId } from '#libs/common';
import type { CaseExtendedV1 } from '#libs/contracts';
import { DEFAULT_POLICY, PrcCalendar } from '#libs/regulation';
import type { Caller, ServiceCommand } from '#libs/runtime';
import { ACTORS, caseHistory, startOnSqlite, type ServiceOnSqlite } from '../../../test/support/definitions.js';
import { ClosureCase } from './closure.entities.js';
import { closureService } from './closure.module.js';

/**
 * Handling and what follows it (closure) on SQLite, through the service's own commands: the case
 * arrives registered, routed to the housing bureau and accepted (events of the other services);
 * every action carries its own time (`at`), fixed in 2024–2025.
 */
describe('handling, closure, evaluation, review and re-review', () => {
  let closure: ServiceOnSqlite;
  let caseId: string;

  const start = async (acceptedOn = '2024-09-18') => {
    caseId = newId();
    await closure.deliver(...caseHistory(caseId, new Date(`${acceptedOn}T08:00:00+08:00`), 'accepted'));
  };
  beforeEach(async () => {
    closure = await startOnSqlite(closureService({ policy: DEFAULT_POLICY, calendar: PrcCalendar.default() }));
  });
  afterEach(() => closure.stop());

  const act = (name: string, actor: Caller, at: string, body: Record<string, unknown> = {}) => closure.command(name, { caseId, actor, body, at: new Date(at).toISOString() } satisfies ServiceCommand);
  const opinion = { kind: 'substantive', outcome: 'support', opinion: '经核查，补贴已于本月发放。' };
  const extend = (days: number, at = '2024-10-20T10:00:00+08:00', actor: Caller = ACTORS.housing) => act('extend', actor, at, { days, reason: '需现场核查', approvedBy: '局长' });
  const close = (at = '2024-10-30T10:00:00+08:00', actor: Caller = ACTORS.housing) => act('close', actor, at, opinion);
  const row = () => closure.dataSource.getRepository(ClosureCase).findOneByOrFail({ id: caseId });

  it('the handling period may be extended by at most 30 more days in total, approved by the unit’s head (Art. 34)', async () => {
    await start();
    const first = await extend(20);
    expect((await closure.committed(first.eventIds))[0].payload as CaseExtendedV1).toMatchObject({ days: 20, totalDays: 20 });
    await expect(extend(11, '2024-10-21T10:00:00+08:00')).rejects.toBeInstanceOf(RuleViolationError);
    await extend(10, '2024-10-21T10:00:00+08:00');
    await expect(extend(1, '2024-10-22T10:00:00+08:00')).rejects.toMatchObject({ status: 422 });
    expect((await row()).extensionDaysUsed).toBe(30);
  });

  it('only the handler of the unit holding the case extends it (403 for another unit and for the office)', async () => {
    await start();
    await expect(extend(10, '2024-10-20T10:00:00+08:00', ACTORS.labour)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(extend(10, '2024-10-20T10:00:00+08:00', ACTORS.office)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await row()).extensionDaysUsed).toBe(0);
  });

  it('the responsible unit closes an accepted case with a written handling opinion (Art. 32); a closed case is not closed again (409)', async () => {
    await start();
    await expect(close('2024-10-30T10:00:00+08:00', ACTORS.labour)).rejects.toBeInstanceOf(ForbiddenError);
    const r = await close();
    expect((await closure.committed(r.eventIds)).map((e) => e.type)).toEqual(['case.closed']);
    expect(await row()).toMatchObject({ status: 'closed', outcome: 'support', closedBy: 'housing1' });
    await expect(close('2024-10-31T10:00:00+08:00')).rejects.toBeInstanceOf(StateConflictError);
    await expect(extend(5, '2024-10-31T10:00:00+08:00')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('a case that is not accepted yet cannot be closed (409)', async () => {
    caseId = newId();
    await closure.deliver(...caseHistory(caseId, new Date('2024-09-18T08:00:00+08:00'), 'routed'));
    await expect(close()).rejects.toMatchObject({ status: 409 });
  });

  it('the petitioner rates the handling once, within the evaluation window (Art. 21; 30 days by local rule)', async () => {
    await start();
    await close('2024-10-30T10:00:00+08:00');
    await expect(act('evaluate', ACTORS.housing, '2024-11-01T10:00:00+08:00', { rating: 'satisfied' })).rejects.toBeInstanceOf(ForbiddenError);
    await act('evaluate', ACTORS.reception, '2024-11-01T10:00:00+08:00', { rating: 'satisfied' });
    await expect(act('evaluate', ACTORS.office, '2024-11-02T10:00:00+08:00', { rating: 'dissatisfied' })).rejects.toBeInstanceOf(StateConflictError);
    expect((await row()).rating).toBe('satisfied');
  });

  it('a rating after the evaluation window closed is refused (422)', async () => {
    await start();
    await close('2024-10-30T10:00:00+08:00'); // window: 30 days, last day 2024-11-29
    await expect(act('evaluate', ACTORS.reception, '2024-11-30T00:00:00+08:00', { rating: 'satisfied' })).rejects.toBeInstanceOf(RuleViolationError);
  });

  it('the petitioner asks for review within 30 days of receiving the written opinion (Art. 35); a request arriving the day after the Spring Festival break is in time', async () => {
    await start('2024-11-01');
    await close('2024-12-30T15:00:00+08:00'); // day 30 is 2025-01-29, in the break 01-28..02-04: rolled to 02-05
    await act('review-request', ACTORS.reception, '2025-02-05T16:00:00+08:00');
    expect((await row()).status).toBe('under-review');
  });

  it('a review request after its 30 days is refused (422, Art. 35)', async () => {
    await start('2024-11-01');
    await close('2024-12-30T15:00:00+08:00');
    await expect(act('review-request', ACTORS.reception, '2025-02-06T00:00:00+08:00')).rejects.toBeInstanceOf(RuleViolationError);
    expect((await row()).status).toBe('closed');
  });

  it('the reviewing body issues the review opinion; after it the next step is re-review, not a second review (409)', async () => {
    await start();
    await close();
    await act('review-request', ACTORS.reception, '2024-11-05T10:00:00+08:00');
    await expect(act('review-opinion', ACTORS.housing, '2024-11-20T10:00:00+08:00', opinion)).rejects.toBeInstanceOf(ForbiddenError);
    await act('review-opinion', ACTORS.office, '2024-11-20T10:00:00+08:00', opinion);
    expect(await row()).toMatchObject({ status: 'closed', reviewed: true });
    await expect(act('review-request', ACTORS.reception, '2024-11-21T10:00:00+08:00')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('re-review is asked of a review opinion only (422 before any review, Art. 36)', async () => {
    await start();
    await close();
    await expect(act('re-review-request', ACTORS.reception, '2024-11-05T10:00:00+08:00')).rejects.toBeInstanceOf(RuleViolationError);
  });

  it('after re-review the same facts and reasons are not accepted again: no further review or re-review request (422, Art. 36(3))', async () => {
    await start();
    await close();
    await act('review-request', ACTORS.reception, '2024-11-05T10:00:00+08:00');
    await act('review-opinion', ACTORS.office, '2024-11-20T10:00:00+08:00', opinion);
    await act('re-review-request', ACTORS.reception, '2024-11-25T10:00:00+08:00');
    await act('re-review-opinion', ACTORS.office, '2024-12-10T10:00:00+08:00', { ...opinion, hearingDays: 5 });
    expect((await row()).status).toBe('final');
    await expect(act('review-request', ACTORS.reception, '2024-12-11T10:00:00+08:00')).rejects.toBeInstanceOf(RuleViolationError);
    await expect(act('re-review-request', ACTORS.office, '2024-12-11T10:00:00+08:00')).rejects.toMatchObject({ status: 422 });
  });
});
