import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InvalidInputError, newId, PiiKeyring } from '#libs/common';
import type { CaseRegisteredV1 } from '#libs/contracts';
import { ACTORS, caseHistory, startOnSqlite, type ServiceOnSqlite } from '../../../test/support/definitions.js';
import { IntakeCase, IntakeContact, IntakePetitioner } from './intake.entities.js';
import { intakeService } from './intake.module.js';

const DAY = 86_400_000;

/** Registration (intake) on SQLite, through the service's own command as the gateway calls it. */
describe('registering a petition', () => {
  let intake: ServiceOnSqlite;
  beforeEach(async () => {
    intake = await startOnSqlite(intakeService({ timeZone: 'Asia/Shanghai', groupVisitThreshold: 5, pii: PiiKeyring.ephemeral() }));
  });
  afterEach(() => intake.stop());

  const petition = (overrides: Record<string, unknown> = {}) => ({
    channel: 'visit',
    petitioners: [{ name: '王五', idNumber: '45030219800101123X', phone: '13812345678' }],
    purpose: 'appeal',
    category: 'urban-rural-construction',
    summary: '小区加装电梯补贴未发放',
    content: '……',
    ...overrides,
  });
  const register = (body: Record<string, unknown>) => intake.command('register-petition', { actor: ACTORS.reception, body });
  const count = async () => ({
    cases: await intake.dataSource.getRepository(IntakeCase).count(),
    contacts: await intake.dataSource.getRepository(IntakeContact).count(),
    petitioners: await intake.dataSource.getRepository(IntakePetitioner).count(),
  });
  const registeredPayload = async (eventIds: string[]) => (await intake.committed(eventIds))[0].payload as CaseRegisteredV1;

  it('opens a new case for a first contact', async () => {
    const r = await register(petition());
    expect(r.created).toBe(true);
    const [event] = await intake.committed(r.eventIds);
    expect(event).toMatchObject({ type: 'case.registered', caseId: r.caseId });
    expect((event.payload as CaseRegisteredV1).priorFinalCase).toBeNull();
    expect(await count()).toEqual({ cases: 1, contacts: 1, petitioners: 1 });
  });

  it('the tracking number carries the office’s date received (its own day around midnight) and the case id; the answer gives it, a repeat the open case’s', async () => {
    const late = await register(petition({ receivedAt: '2024-09-05T23:59:00+08:00' }));
    const early = await register(petition({ receivedAt: '2024-09-06T00:01:00+08:00', category: 'labour-social-security' }));
    for (const [r, day] of [
      [late, '20240905'],
      [early, '20240906'],
    ] as const) {
      const trackingNo = `XF${day}${r.caseId.slice(-8).toUpperCase()}`;
      expect((await registeredPayload(r.eventIds)).trackingNo).toBe(trackingNo);
      // …and the new case's query code (查询码), answered this once.
      expect(r.data).toEqual({ trackingNo, queryCode: expect.stringMatching(/^[2-9A-HJ-NP-Z]{6}$/) });
    }
    const repeat = await register(petition({ channel: 'phone' }));
    // A repeat contact: the open case's number, no code (it was given with the case).
    expect(repeat).toMatchObject({ caseId: late.caseId, created: false });
    expect(repeat.data).toEqual({ trackingNo: `XF20240905${late.caseId.slice(-8).toUpperCase()}` });
  });

  it('while a matter is accepted or being handled, the same matter is not accepted again: a repeat contact of the same person on the same category joins the open case (Art. 19(3))', async () => {
    const first = await register(petition());
    const byPhone = await register(petition({ channel: 'phone' }));
    expect(byPhone).toMatchObject({ caseId: first.caseId, created: false });
    expect((await intake.committed(byPhone.eventIds)).map((e) => e.type)).toEqual(['case.contact-added']);
    // Without an identity number, the same name and phone are the same person.
    const noId = await register(petition({ channel: 'letter', petitioners: [{ name: '王五', phone: '13812345678' }] }));
    expect(noId).toMatchObject({ caseId: first.caseId, created: false });
    expect(await count()).toEqual({ cases: 1, contacts: 3, petitioners: 1 });
    const repeats = await intake.dataSource.getRepository(IntakeContact).findBy({ caseId: first.caseId });
    expect(repeats.map((c) => c.repeat).sort()).toEqual([false, true, true]);
  });

  it('the repeat rule joins the same person on the same matter only: another category or another person opens a new case', async () => {
    const first = await register(petition());
    const otherMatter = await register(petition({ category: 'labour-social-security' }));
    const otherPerson = await register(petition({ petitioners: [{ name: '李四', idNumber: '450302199001011234' }] }));
    expect(otherMatter.created).toBe(true);
    expect(otherPerson.created).toBe(true);
    expect(new Set([first.caseId, otherMatter.caseId, otherPerson.caseId]).size).toBe(3);
  });

  it('a case that is accepted is still open: the repeat joins it (Art. 19(3))', async () => {
    const first = await register(petition());
    await intake.deliver(...caseHistory(first.caseId, new Date(Date.now() - 2 * DAY), 'accepted').slice(1));
    expect((await intake.dataSource.getRepository(IntakeCase).findOneByOrFail({ id: first.caseId })).status).toBe('accepted');
    expect(await register(petition({ channel: 'online' }))).toMatchObject({ caseId: first.caseId, created: false });
  });

  it('after re-review the same facts and reasons are not accepted again: a new contact opens a new case that names the final one (Art. 36(3))', async () => {
    const first = await register(petition());
    await intake.deliver(...caseHistory(first.caseId, new Date(Date.now() - 10 * DAY), 'final').slice(1));
    const final = await intake.dataSource.getRepository(IntakeCase).findOneByOrFail({ id: first.caseId });
    expect({ status: final.status, open: final.open }).toEqual({ status: 'final', open: false });
    const again = await register(petition({ channel: 'letter' }));
    expect(again.created).toBe(true);
    expect(again.caseId).not.toBe(first.caseId);
    expect((await registeredPayload(again.eventIds)).priorFinalCase).toEqual({ id: first.caseId, trackingNo: final.trackingNo });
  });

  it('a contact after closure, before any review, opens a new case without a final one to name', async () => {
    const first = await register(petition());
    await intake.deliver(...caseHistory(first.caseId, new Date(Date.now() - 10 * DAY), 'closed').slice(1));
    const again = await register(petition({ channel: 'letter' }));
    expect(again.created).toBe(true);
    expect((await registeredPayload(again.eventIds)).priorFinalCase).toBeNull();
  });

  /** The statements the command's transaction ran (TypeORM hands each to the data source's logger), by first word and table. */
  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    const logger = intake.dataSource.logger;
    const seen: string[] = [];
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (q, params, runner) => {
      seen.push(q);
      return original(q, params, runner);
    };
    try {
      await run();
    } finally {
      logger.logQuery = original;
    }
    const from = seen.findIndex((q) => /^\s*BEGIN/i.test(q));
    const to = seen.findIndex((q) => /^\s*COMMIT/i.test(q));
    return seen.slice(from, to + 1).map((q) => {
      const kind = /^\s*(\w+)/.exec(q)![1].toUpperCase();
      const table = /\b(?:INTO|UPDATE|FROM)\s+["`]?(\w+)/i.exec(q)?.[1] ?? '';
      return kind === 'UPDATE' ? `UPDATE ${/^\s*UPDATE\s+["`]?(\w+)/i.exec(q)?.[1]}` : table ? `${kind} ${table}` : kind;
    });
  }

  it('writes each row once and reads only the one look for an earlier case: a new case, a repeat', async () => {
    const created = await statementsOf(() => register(petition()));
    expect(created).toEqual([
      'BEGIN',
      'SELECT intake_case',
      'INSERT intake_contact',
      'INSERT intake_case',
      'INSERT intake_petitioner',
      'INSERT intake_query_code',
      'INSERT processed_event',
      'INSERT outbox',
      'COMMIT',
    ]);
    const repeat = await statementsOf(() => register(petition({ channel: 'phone' })));
    expect(repeat).toEqual(['BEGIN', 'SELECT intake_case', 'INSERT intake_contact', 'INSERT processed_event', 'INSERT outbox', 'COMMIT']);
    const [contact] = await intake.dataSource.getRepository(IntakeContact).findBy({ repeat: false });
    expect(contact.caseId).not.toBe('');
  });

  it('a group of petitioners: the contact joins the open case of the first listed petitioner that has one, whichever is newer', async () => {
    const second = { name: '赵六', phone: '13900001111' };
    const hers = await register(petition({ petitioners: [second], receivedAt: new Date(Date.now() - DAY).toISOString() }));
    const his = await register(petition({ receivedAt: new Date(Date.now() - 2 * DAY).toISOString() }));
    expect(hers.caseId).not.toBe(his.caseId);
    const together = await register(petition({ petitioners: [petition().petitioners[0], second] }));
    expect(together).toMatchObject({ caseId: his.caseId, created: false });
    const other = await register(petition({ petitioners: [second, petition().petitioners[0]], channel: 'letter' }));
    expect(other).toMatchObject({ caseId: hers.caseId, created: false });
    // Nobody the office can find by: a new case.
    expect((await register(petition({ petitioners: [{ name: '无名' }] }))).created).toBe(true);
  });

  it('refuses a contact received in the future (400), and writes nothing', async () => {
    const tomorrow = new Date(Date.now() + DAY).toISOString();
    const refused = register(petition({ receivedAt: tomorrow }));
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toMatchObject({ status: 400, details: [expect.objectContaining({ field: 'receivedAt' })] });
    expect(await count()).toEqual({ cases: 0, contacts: 0, petitioners: 0 });
  });

  it('registers a paper record entered late (补录) with the day it was received', async () => {
    const lastWeek = new Date(Date.now() - 7 * DAY).toISOString();
    const r = await register(petition({ receivedAt: lastWeek }));
    expect((await registeredPayload(r.eventIds)).contact.receivedAt).toBe(lastWeek);
  });

  it('refuses a visit registered under a reception session that does not exist (400), and writes nothing', async () => {
    const refused = register(petition({ receptionSessionId: newId() }));
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toMatchObject({ status: 400, details: [expect.objectContaining({ field: 'receptionSessionId' })] });
    expect(await count()).toEqual({ cases: 0, contacts: 0, petitioners: 0 });
    const session = await intake.command('create-reception-session', { actor: ACTORS.office, body: { kind: 'leader-day', leader: '张副市长', date: '2024-09-18' } });
    const r = await register(petition({ receptionSessionId: session.caseId }));
    expect((await registeredPayload(r.eventIds)).contact.receptionSessionId).toBe(session.caseId);
  });

  it('flags a visit of 5 or more people as a group visit (a local convention, the configured threshold)', async () => {
    const r = await register(petition({ headcount: 5 }));
    expect((await registeredPayload(r.eventIds)).groupVisit).toBe(true);
    const letter = await register(petition({ channel: 'letter', headcount: 6, category: 'other' }));
    expect((await registeredPayload(letter.eventIds)).groupVisit).toBe(false);
  });
});
