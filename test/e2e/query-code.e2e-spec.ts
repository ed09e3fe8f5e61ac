import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

const CODE = /^[2-9A-HJ-NP-Z]{6}$/;

/**
 * Issue 13, the query code (查询码): every new case gets one at registration, answered once and
 * kept only as a hash; reception and the office can issue a new one (audited), and the old one
 * stops working.
 */
describe('the query code of a case', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const as = (who: string) => bearer(tk[who]);
  const register = (who = 'reception1', extra: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/v1/petitions')
      .set(as(who))
      .send(walkIn({ petitioners: [{ name: `查询码${++n}`, idNumber: idNumberOf(`4503021981020${String(1000 + n).slice(-4)}`) }], ...extra }));
  const track = (trackingNo: string, queryCode: string) => t.http().post('/api/v1/public/track').send({ trackingNo, queryCode });

  beforeAll(async () => {
    t = await startTestPlatform({ PUBLIC_RATE_PER_ADDRESS: '10000' });
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('a new case’s registration answers its code (6 of 2–9 and A–Z without I, O), different each time; a repeat contact answers none (null); the case view never shows it', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const res = await register().expect(201);
      expect(res.body.queryCode).toMatch(CODE);
      codes.add(res.body.queryCode);
    }
    expect(codes.size).toBe(8);
    const first = await t
      .http()
      .post('/api/v1/petitions')
      .set(as('reception1'))
      .send(walkIn({ petitioners: [{ name: '重复来访', idNumber: idNumberOf('45030219810202999') }] }))
      .expect(201);
    const again = await t
      .http()
      .post('/api/v1/petitions')
      .set(as('office1'))
      .send(walkIn({ channel: 'phone', petitioners: [{ name: '重复来访', idNumber: idNumberOf('45030219810202999') }] }))
      .expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, repeatContacts: 1, queryCode: null });
    const view = await t.http().get(`/api/v1/petitions/${first.body.id}`).set(as('office1')).expect(200);
    expect(view.body).not.toHaveProperty('queryCode');
    expect(JSON.stringify(view.body)).not.toContain(first.body.queryCode);
    // The code works on the public door (the receipt's two values).
    await track(first.body.trackingNo, first.body.queryCode).expect(200);
  });

  it('is kept only as an argon2id hash: not in clear in any database file of the platform (events and answers kept for an Idempotency-Key included)', async () => {
    const key = `e2e-${randomUUID()}`;
    const res = await register('reception1', {}).set('Idempotency-Key', key).expect(201);
    const code = res.body.queryCode as string;
    // The same key answers the same code again (a retried registration does not lose it).
    const replay = await t
      .http()
      .post('/api/v1/petitions')
      .set(as('reception1'))
      .set('Idempotency-Key', key)
      .send(walkIn({ petitioners: [{ name: `查询码${n}`, idNumber: idNumberOf(`4503021981020${String(1000 + n).slice(-4)}`) }] }))
      .expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.queryCode).toBe(code);
    const intake = t.platform.services.find((s) => s.name === 'intake')!;
    const [row] = await intake.app.get((await import('typeorm')).DataSource).query('SELECT codeHash, issuedBy FROM intake_query_code WHERE caseId = ?', [res.body.id]);
    expect(row).toMatchObject({ codeHash: expect.stringMatching(/^\$argon2id\$/), issuedBy: 'reception1' });
    expect(row.codeHash).not.toContain(code);
    for (const s of t.platform.services) await s.app.get((await import('typeorm')).DataSource).query('PRAGMA wal_checkpoint(TRUNCATE)');
    const found = readdirSync(t.dataDir)
      .filter((f) => /\.sqlite(-wal)?$/.test(f))
      .filter((f) => readFileSync(join(t.dataDir, f)).includes(Buffer.from(code)));
    expect(found).toEqual([]);
  });

  it('reception or the office issue a new one (200, the case and its new code): the old one stops working, the new one works; a handler or leader may not (403)', async () => {
    const reg = (await register().expect(201)).body;
    await track(reg.trackingNo, reg.queryCode).expect(200);
    const issued = await t.http().post(`/api/v1/petitions/${reg.id}/query-code`).set(as('reception1')).expect(200);
    expect(issued.body).toMatchObject({ id: reg.id, trackingNo: reg.trackingNo, queryCode: expect.stringMatching(CODE) });
    expect(issued.body.queryCode).not.toBe(reg.queryCode);
    expect((await track(reg.trackingNo, reg.queryCode).expect(404)).body.code).toBe('NOT_FOUND');
    await track(reg.trackingNo, issued.body.queryCode).expect(200);
    const byOffice = await t.http().post(`/api/v1/petitions/${reg.id}/query-code`).set(as('office1')).expect(200);
    await track(reg.trackingNo, issued.body.queryCode).expect(404);
    await track(reg.trackingNo, byOffice.body.queryCode).expect(200);
    for (const who of ['housing1', 'leader1']) expect((await t.http().post(`/api/v1/petitions/${reg.id}/query-code`).set(as(who)).expect(403)).body.code).toBe('FORBIDDEN');
    await t.http().post(`/api/v1/petitions/${reg.id}/query-code`).expect(401);
    await t.http().post('/api/v1/petitions/00000000-0000-4000-8000-000000000000/query-code').set(as('office1')).expect(404);
  });

  it('a new code is on the staff’s timeline naming who issued it (without the code) and in the security log; the petitioner’s view does not list it', async () => {
    const reg = (await register().expect(201)).body;
    const issued = (await t.http().post(`/api/v1/petitions/${reg.id}/query-code`).set(as('reception1')).expect(200)).body;
    const entry = issued.timeline.find((e: { type: string }) => e.type === 'query-code-reissued');
    expect(entry).toMatchObject({ type: 'query-code-reissued', actor: 'reception1', at: expect.stringMatching(/\+08:00$/) });
    const staff = (await t.http().get(`/api/v1/petitions/${reg.id}`).set(as('office1')).expect(200)).body;
    expect(JSON.stringify(staff)).not.toContain(issued.queryCode);
    expect(staff.timeline.map((e: { type: string }) => e.type)).toEqual(['registered', 'query-code-reissued']);
    const log = (await t.http().get('/api/v1/admin/security-events').query({ event: 'query-code-reissued' }).set(as('admin')).expect(200)).body.items;
    expect(log).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'query-code-reissued', actor: 'reception1', target: `petitions/${reg.id}` })]));
    expect(JSON.stringify(log)).not.toContain(issued.queryCode);
    const mine = (await track(reg.trackingNo, issued.queryCode).expect(200)).body;
    expect(mine.steps.map((s: { type: string }) => s.type)).toEqual(['registered']);
  });

  it('a new code lifts the lock of the number (the petitioner who mistyped five times is helped at the desk)', async () => {
    const reg = (await register().expect(201)).body;
    const wrong = reg.queryCode === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    for (let i = 0; i < 5; i++) await track(reg.trackingNo, wrong).expect(404);
    await track(reg.trackingNo, reg.queryCode).expect(429);
    const issued = (await t.http().post(`/api/v1/petitions/${reg.id}/query-code`).set(as('office1')).expect(200)).body;
    await track(reg.trackingNo, issued.queryCode).expect(200);
  });
});
