import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, seedOffice, startTestPlatform, type TestPlatform } from '../support/embedded.js';

/**
 * Only the administrator manages accounts and units, over HTTP: every other role is refused with
 * 403, a caller without a token with 401, and a refused call changes nothing.
 */
describe('admin endpoints refuse everyone but the administrator', () => {
  let t: TestPlatform;
  let tokens: Record<string, string>;
  const NON_ADMINS = ['reception1', 'office1', 'housing1', 'leader1'];

  const newUser = (username: string) => ({ username, password: `${username}-password`, displayName: '新用户', roles: ['reception'] });
  const newUnit = (code: string) => ({ code, name: '新单位' });
  const users = async () => (await t.http().get('/api/v1/users').set(bearer(tokens.admin)).expect(200)).body as { username: string }[];
  const units = async () => (await t.http().get('/api/v1/units').set(bearer(tokens.admin)).expect(200)).body as { code: string }[];

  beforeAll(async () => {
    t = await startTestPlatform();
    tokens = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it.each(NON_ADMINS.map((u) => [u]))('refuses %s to create a user (403), and no user is created', async (who) => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(tokens[who]))
      .send(newUser(`by-${who}`))
      .expect(403);
    expect(res.body.statusCode).toBe(403);
    expect((await users()).map((u) => u.username)).not.toContain(`by-${who}`);
  });

  it.each(NON_ADMINS.map((u) => [u]))('refuses %s the list of users (403)', async (who) => {
    const res = await t.http().get('/api/v1/users').set(bearer(tokens[who])).expect(403);
    expect(res.body.statusCode).toBe(403);
    expect(Array.isArray(res.body)).toBe(false);
  });

  it.each(NON_ADMINS.map((u) => [u]))('refuses %s to create a unit (403), and no unit is created', async (who) => {
    const res = await t
      .http()
      .post('/api/v1/units')
      .set(bearer(tokens[who]))
      .send(newUnit(`by-${who}`))
      .expect(403);
    expect(res.body.statusCode).toBe(403);
    expect((await units()).map((u) => u.code)).not.toContain(`by-${who}`);
  });

  it('refuses a caller without a token (401) or with a forged one (401)', async () => {
    await t.http().post('/api/v1/users').send(newUser('anonymous')).expect(401);
    await t.http().get('/api/v1/users').expect(401);
    await t.http().post('/api/v1/units').send(newUnit('anonymous')).expect(401);
    const forged = tokens.reception1.replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    await t.http().get('/api/v1/users').set(bearer(forged)).expect(401);
    expect((await users()).map((u) => u.username)).not.toContain('anonymous');
  });

  it('lets the administrator do all three (the refusals above are not a broken endpoint)', async () => {
    await t.http().post('/api/v1/users').set(bearer(tokens.admin)).send(newUser('by-admin')).expect(201);
    await t.http().post('/api/v1/units').set(bearer(tokens.admin)).send(newUnit('by-admin')).expect(201);
    expect((await users()).map((u) => u.username)).toContain('by-admin');
    expect((await units()).map((u) => u.code)).toContain('by-admin');
  });
});
