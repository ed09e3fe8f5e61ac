import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PiiKeyring, QUERY_CODE_ALPHABET } from '#libs/common';
import { ACTORS, startOnSqlite, type ServiceOnSqlite } from '../../../test/support/definitions.js';
import { IntakeQueryCode, TrackFailure } from './intake.entities.js';
import { intakeService } from './intake.module.js';
import { newQueryCode, type VerifyOutcome } from './query-codes.service.js';

const petitioner = { username: '信访人本人', roles: ['petitioner' as const] };

/** The query codes (查询码) and the public door's check, on SQLite through intake's own commands. */
describe('query codes and the lock of a tracking number', () => {
  let intake: ServiceOnSqlite;
  beforeEach(async () => {
    intake = await startOnSqlite(
      intakeService({ timeZone: 'Asia/Shanghai', groupVisitThreshold: 5, pii: PiiKeyring.ephemeral(), tracking: { maxFailures: 3, lockoutSeconds: 600, failureWindowSeconds: 600 } }),
    );
  });
  afterEach(() => intake.stop());

  const register = async () => {
    const r = await intake.command('register-petition', {
      actor: ACTORS.reception,
      body: { channel: 'visit', petitioners: [{ name: '王五', idNumber: '45030219800101123X' }], purpose: 'appeal', category: `other`, summary: '摘要', content: '……' },
    });
    return { caseId: r.caseId, ...(r.data as { trackingNo: string; queryCode: string }) };
  };
  const verify = async (trackingNo: string, queryCode: string) => (await intake.command('verify-query-code', { actor: petitioner, body: { trackingNo, queryCode } })).data as VerifyOutcome;
  const wrongFor = (code: string) => (code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ');
  const failureRow = (trackingNo: string) => intake.dataSource.getRepository(TrackFailure).findOneBy({ trackingNo });

  it('a code is 6 characters of the 32 unambiguous ones (2–9, A–Z without I and O), every one of them in use', () => {
    expect(QUERY_CODE_ALPHABET).toHaveLength(32);
    expect(QUERY_CODE_ALPHABET).not.toMatch(/[01IO]/);
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const c = newQueryCode();
      expect(c).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
      for (const ch of c) seen.add(ch);
    }
    expect(seen.size).toBe(32);
  });

  it('the right code opens the case, in any letter case; a wrong one and an unknown number answer alike', async () => {
    const c = await register();
    expect(await verify(c.trackingNo, c.queryCode.toLowerCase())).toEqual({ outcome: 'ok', caseId: c.caseId });
    expect(await verify(c.trackingNo, wrongFor(c.queryCode))).toEqual({ outcome: 'wrong', lockedNow: false, lockedUntil: null });
    expect(await verify('XF20240101AAAABBBB', c.queryCode)).toEqual({ outcome: 'wrong', lockedNow: false, lockedUntil: null });
  });

  it('the maximum of wrong codes locks the number; a locked number answers locked even to the right code; a number that does not exist locks alike', async () => {
    const c = await register();
    for (const no of [c.trackingNo, 'XF20240101AAAABBBB']) {
      expect((await verify(no, wrongFor(c.queryCode))).outcome).toBe('wrong');
      expect((await verify(no, wrongFor(c.queryCode))).outcome).toBe('wrong');
      const third = await verify(no, wrongFor(c.queryCode));
      expect(third).toMatchObject({ outcome: 'wrong', lockedNow: true, lockedUntil: expect.any(String) });
      expect(await verify(no, c.queryCode)).toEqual({ outcome: 'locked', lockedUntil: (third as { lockedUntil: string }).lockedUntil });
    }
  });

  it('attempts made at the same moment are all counted before any is checked: no more than the maximum get past the lock', async () => {
    const c = await register();
    const all = await Promise.all(Array.from({ length: 10 }, () => verify(c.trackingNo, wrongFor(c.queryCode))));
    expect(all.filter((r) => r.outcome === 'wrong')).toHaveLength(3);
    expect(all.filter((r) => r.outcome === 'locked')).toHaveLength(7);
  });

  it('once the lock is over (its end passed), the count starts afresh', async () => {
    const c = await register();
    for (let i = 0; i < 3; i++) await verify(c.trackingNo, wrongFor(c.queryCode));
    expect((await verify(c.trackingNo, c.queryCode)).outcome).toBe('locked');
    // The lock's end as if 10 minutes had passed.
    await intake.dataSource.getRepository(TrackFailure).update({ trackingNo: c.trackingNo }, { lockedUntil: new Date(Date.now() - 1000), windowStartedAt: new Date(Date.now() - 601_000) });
    expect(await verify(c.trackingNo, wrongFor(c.queryCode))).toMatchObject({ outcome: 'wrong', lockedNow: false });
    expect(await failureRow(c.trackingNo)).toMatchObject({ failures: 1, lockedUntil: null });
    expect((await verify(c.trackingNo, c.queryCode)).outcome).toBe('ok');
    expect(await failureRow(c.trackingNo)).toBeNull();
  });

  it('wrong codes spread beyond the window do not add up', async () => {
    const c = await register();
    for (let i = 0; i < 2; i++) await verify(c.trackingNo, wrongFor(c.queryCode));
    await intake.dataSource.getRepository(TrackFailure).update({ trackingNo: c.trackingNo }, { windowStartedAt: new Date(Date.now() - 601_000) });
    expect(await verify(c.trackingNo, wrongFor(c.queryCode))).toMatchObject({ outcome: 'wrong', lockedNow: false });
    expect(await failureRow(c.trackingNo)).toMatchObject({ failures: 1 });
  });

  it('a new code replaces the old (kept only hashed), forgets the number’s attempts, and is announced without the code; only reception, office or admin issue one', async () => {
    const c = await register();
    for (let i = 0; i < 3; i++) await verify(c.trackingNo, wrongFor(c.queryCode));
    const r = await intake.command('reissue-query-code', { caseId: c.caseId, actor: ACTORS.office, body: {} });
    const { queryCode } = r.data as { queryCode: string };
    expect(queryCode).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
    const [event] = await intake.committed(r.eventIds);
    expect(event).toMatchObject({ type: 'case.query-code-reissued', caseId: c.caseId, actor: { username: 'office1' }, payload: { issuedAt: expect.any(String) } });
    expect(JSON.stringify(event)).not.toContain(queryCode);
    const row = await intake.dataSource.getRepository(IntakeQueryCode).findOneByOrFail({ caseId: c.caseId });
    expect(row).toMatchObject({ codeHash: expect.stringMatching(/^\$argon2id\$/), issuedBy: 'office1' });
    expect((await verify(c.trackingNo, c.queryCode)).outcome).toBe('wrong');
    expect(await verify(c.trackingNo, queryCode)).toEqual({ outcome: 'ok', caseId: c.caseId });
    await expect(intake.command('reissue-query-code', { caseId: c.caseId, actor: ACTORS.housing, body: {} })).rejects.toMatchObject({ status: 403 });
    await expect(intake.command('reissue-query-code', { caseId: c.caseId, actor: petitioner, body: {} })).rejects.toMatchObject({ status: 403 });
  });

  it('a case registered before query codes existed has none: every code is wrong until the office issues one', async () => {
    const c = await register();
    await intake.dataSource.getRepository(IntakeQueryCode).delete({ caseId: c.caseId });
    expect((await verify(c.trackingNo, c.queryCode)).outcome).toBe('wrong');
    const r = await intake.command('reissue-query-code', { caseId: c.caseId, actor: ACTORS.reception, body: {} });
    expect((await verify(c.trackingNo, (r.data as { queryCode: string }).queryCode)).outcome).toBe('ok');
  });

  it('refuses a malformed number or code (400 naming the field) without counting it', async () => {
    const c = await register();
    await expect(intake.command('verify-query-code', { actor: petitioner, body: { trackingNo: 'XF1', queryCode: c.queryCode } })).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ field: 'trackingNo' })],
    });
    await expect(intake.command('verify-query-code', { actor: petitioner, body: { trackingNo: c.trackingNo, queryCode: 'O0O0O0' } })).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ field: 'queryCode' })],
    });
    expect(await failureRow(c.trackingNo)).toBeNull();
  });
});
