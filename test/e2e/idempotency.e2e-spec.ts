import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chinaToday } from '#libs/common';
import { requestFingerprint } from '../../apps/gateway/src/idempotency.js';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Issue 11, "retries are safe": a POST sent again with the same Idempotency-Key runs once — the
 * retry of a registration is not a repeat contact of the case it opened — and gets the first
 * answer again; the key with another request is refused, a bad key too; keys are the user's, and
 * kept 24 hours; what is kept names no one.
 */
describe('Idempotency-Key on POST', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let n = 0;
  const today = chinaToday();
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object, key?: string) => {
    const req = t.http().post(path).set(as(who));
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const get = (path: string, who: string, query: Record<string, unknown> = {}) => t.http().get(path).set(as(who)).query(query);
  /** A registration of a person no earlier case has. */
  const fresh = (overrides: Record<string, unknown> = {}) => {
    n++;
    return walkIn({ petitioners: [{ name: `幂等申请人${n}`, idNumber: idNumberOf(`4503021985020${String(1000 + n).slice(-4)}`), phone: '13812345678', address: '阳和街道' }], ...overrides });
  };
  const key = () => `e2e-${randomUUID()}`;

  /** Cases (all of them, as the office lists them) and today's contacts in the summary. */
  async function written() {
    const cases = (await get('/api/v1/petitions', 'office1', { pageSize: 1 }).expect(200)).body.total as number;
    const summary = (await get('/api/v1/reports/summary', 'office1', { from: today, to: today }).expect(200)).body;
    return { cases, contacts: summary.received.contacts as number };
  }
  /** The cases of one petitioner (by the name the office searches for). */
  const casesOf = async (name: string) => (await get('/api/v1/petitioners/cases', 'office1', { name, phone: '13812345678' }).expect(200)).body.total as number;
  const gatewayRows = <T>(sql: string, ...params: unknown[]): T[] => {
    const d = new Database(join(t.dataDir, 'gateway.sqlite'), { timeout: 5000 });
    try {
      return d.prepare(sql).all(...params) as T[];
    } finally {
      d.close();
    }
  };
  const gatewayRun = (sql: string, ...params: unknown[]): number => {
    const d = new Database(join(t.dataDir, 'gateway.sqlite'), { timeout: 5000 });
    try {
      return d.prepare(sql).run(...params).changes;
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
  }, 60000);
  afterAll(() => t.stop());

  it('a registration sent twice with one key opens one case with one contact, and the retry gets the first answer again', async () => {
    const before = await written();
    const body = fresh();
    const k = key();
    const first = await post('/api/v1/petitions', 'reception1', body, k).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/api/v1/petitions', 'reception1', body, k);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.body.repeatContacts).toBe(0);
    // The same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const third = await post('/api/v1/petitions', 'reception1', reordered, k).expect(201);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(await written()).toEqual({ cases: before.cases + 1, contacts: before.contacts + 1 });
    expect((await get(`/api/v1/petitions/${first.body.id}`, 'office1').expect(200)).body.repeatContacts).toBe(0);

    // Without a key the same retry is what the issue saw: a repeat contact of the case it opened.
    const unkeyed = await post('/api/v1/petitions', 'reception1', body).expect(200);
    expect(unkeyed.body).toMatchObject({ id: first.body.id, repeatContacts: 1 });
    expect(await written()).toEqual({ cases: before.cases + 1, contacts: before.contacts + 2 });
  });

  it('the same key with another body is refused 422 naming the header, and nothing is written', async () => {
    const k = key();
    const body = fresh();
    await post('/api/v1/petitions', 'reception1', body, k).expect(201);
    const before = await written();
    const changed = await post('/api/v1/petitions', 'reception1', { ...body, summary: '改过的摘要' }, k);
    expect(changed.status).toBe(422);
    expect(changed.body).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(changed.body.message).toContain('幂等键（Idempotency-Key）');
    // The key on another route is another request too.
    const k2 = key();
    await post('/api/v1/petitions', 'office1', fresh(), k2).expect(201);
    const sessions = async () => (await get('/api/v1/reception-sessions', 'office1', { from: today, to: today }).expect(200)).body.length as number;
    const sessionsBefore = await sessions();
    const elsewhere = await post('/api/v1/reception-sessions', 'office1', { kind: 'leader-day', leader: '张副县长', date: today }, k2);
    expect({ status: elsewhere.status, code: elsewhere.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await sessions()).toBe(sessionsBefore);
    before.cases++;
    before.contacts++;
    expect(await written()).toEqual(before);
  });

  it('an action retried with its key answers the first answer again, not 409; a refusal is kept too', async () => {
    const id = (await post('/api/v1/petitions', 'reception1', fresh()).expect(201)).body.id;
    const k = key();
    const route = { mode: 'transfer', unitCode: 'housing' };
    const first = await post(`/api/v1/petitions/${id}/route`, 'office1', route, k).expect(200);
    expect(first.body.status).toBe('routed');
    const retry = await post(`/api/v1/petitions/${id}/route`, 'office1', route, k);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    const timeline = (await get(`/api/v1/petitions/${id}`, 'office1').expect(200)).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline.filter((x: string) => x === 'routed')).toHaveLength(1);

    // A new key is a new request: refused by the state, and that refusal is the key's answer.
    const k2 = key();
    const refused = await post(`/api/v1/petitions/${id}/route`, 'office1', route, k2).expect(409);
    expect(refused.body.code).toBe('CASE_STATE');
    const refusedAgain = await post(`/api/v1/petitions/${id}/route`, 'office1', route, k2).expect(409);
    expect(refusedAgain.headers['idempotent-replayed']).toBe('true');
    expect(refusedAgain.body).toEqual(refused.body);
  });

  it('requests sent at once with one key: exactly one runs, each other is told it is in progress or gets its answer', async () => {
    const before = await written();
    const body = fresh();
    const name = (body.petitioners as { name: string }[])[0].name;
    const k = key();
    const answers = await Promise.all(Array.from({ length: 4 }, () => post('/api/v1/petitions', 'reception1', body, k)));
    const fresh201 = answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === undefined);
    expect(fresh201).toHaveLength(1);
    for (const a of answers.filter((x) => x !== fresh201[0])) {
      if (a.status === 409) {
        expect(a.body).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', message: '相同幂等键的请求正在处理中，请稍后重试' });
        expect(a.headers['retry-after']).toBe('1');
      } else {
        expect({ status: a.status, replayed: a.headers['idempotent-replayed'] }).toEqual({ status: 201, replayed: 'true' });
        expect(a.body).toEqual(fresh201[0].body);
      }
    }
    expect(await casesOf(name)).toBe(1);
    expect(await written()).toEqual({ cases: before.cases + 1, contacts: before.contacts + 1 });
    // once it is done, the retry gets the answer
    const later = await post('/api/v1/petitions', 'reception1', body, k).expect(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
  });

  it('while a request with the key runs (its reservation in the table), the same request is answered 409 and does not run', async () => {
    // Embedded, a registration runs to its end without giving the event loop to another request:
    // the reservation a running request holds is planted instead, as the gateway writes it.
    const body = fresh();
    const name = (body.petitioners as { name: string }[])[0].name;
    const k = key();
    const plant = (createdAt: Date) =>
      gatewayRun(
        "INSERT INTO gw_idempotency_key (username, keyHash, fingerprint, state, status, response, createdAt, expiresAt) VALUES ('reception1', ?, ?, 'in-progress', NULL, NULL, ?, ?)",
        sha256(k),
        requestFingerprint('POST', '/api/v1/petitions', body),
        sqliteTime(createdAt),
        sqliteTime(new Date(createdAt.getTime() + 24 * 3600_000)),
      );
    expect(plant(new Date())).toBe(1);
    const busy = await post('/api/v1/petitions', 'reception1', body, k);
    expect(busy.status).toBe(409);
    expect(busy.body).toEqual({ statusCode: 409, error: 'Conflict', code: 'IDEMPOTENCY_IN_PROGRESS', message: '相同幂等键的请求正在处理中，请稍后重试' });
    expect(busy.headers['retry-after']).toBe('1');
    expect(await casesOf(name)).toBe(0);
    // another request with a running key: 422, as when it is done
    expect((await post('/api/v1/petitions', 'reception1', fresh(), k).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // A reservation left by a gateway that stopped while it ran (older than the lease) gives way.
    expect(gatewayRun('DELETE FROM gw_idempotency_key WHERE keyHash = ?', sha256(k))).toBe(1);
    expect(plant(new Date(Date.now() - 6 * 60_000))).toBe(1);
    const taken = await post('/api/v1/petitions', 'reception1', body, k).expect(201);
    expect(taken.headers['idempotent-replayed']).toBeUndefined();
    expect(await casesOf(name)).toBe(1);
  });

  it('refuses a key that is not 1–200 visible ASCII characters with 400 naming Idempotency-Key, writing nothing', async () => {
    const before = await written();
    for (const bad of ['', 'a b', 'x'.repeat(201), 'clé']) {
      const res = await post('/api/v1/petitions', 'reception1', fresh(), bad);
      expect({ bad, status: res.status, code: res.body.code }).toEqual({ bad, status: 400, code: 'FIELD_INVALID' });
      expect(res.body.details).toEqual([{ field: 'Idempotency-Key', messages: ['幂等键（Idempotency-Key）应为 1 至 200 个可见字符'] }]);
    }
    expect(await written()).toEqual(before);
    // 200 visible characters are a key
    await post('/api/v1/petitions', 'reception1', fresh(), '~'.repeat(200)).expect(201);
  });

  it('a key is the user’s: another user with the same key runs their own request', async () => {
    const k = key();
    const mine = await post('/api/v1/petitions', 'reception1', fresh(), k).expect(201);
    const theirs = await post('/api/v1/petitions', 'office1', fresh(), k).expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('a key past its 24 hours is forgotten: the request runs again', async () => {
    const body = fresh();
    const k = key();
    const first = await post('/api/v1/petitions', 'reception1', body, k).expect(201);
    expect(gatewayRun("UPDATE gw_idempotency_key SET expiresAt = '2000-01-01 00:00:00.000' WHERE username = 'reception1' AND keyHash = ?", sha256(k))).toBe(1);
    const again = await post('/api/v1/petitions', 'reception1', body, k).expect(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body).toMatchObject({ id: first.body.id, repeatContacts: 1 });
    const [row] = gatewayRows<{ expiresAt: string; state: string; status: number }>('SELECT expiresAt, state, status FROM gw_idempotency_key WHERE keyHash = ?', sha256(k));
    expect(row).toMatchObject({ state: 'done', status: 200 });
    expect(Date.parse(`${row.expiresAt.replace(' ', 'T')}Z`)).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('keeps no request and no key: no petitioner’s name, identity number, phone or text is in the table', async () => {
    const k = `plain-key-${randomUUID()}`;
    const body = fresh({ summary: '独一无二的摘要文字', content: '独一无二的信访内容文字' });
    const petitioner = (body.petitioners as { name: string; idNumber: string }[])[0];
    await post('/api/v1/petitions', 'reception1', body, k).expect(201);
    const rows = gatewayRows<Record<string, unknown>>('SELECT * FROM gw_idempotency_key');
    expect(rows.filter((r) => r.keyHash === sha256(k))).toMatchObject([{ state: 'done', status: 201 }]);
    const stored = JSON.stringify(rows);
    for (const s of [petitioner.name, petitioner.idNumber, petitioner.idNumber.slice(-4) + '"', '13812345678', '138****5678', '阳和街道', '独一无二', k, '幂等申请人']) expect(stored).not.toContain(s);
  });

  it('documents the header on every POST that takes it, and not on the token routes', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
    };
    const posts = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.post ? [{ path, op: ops.post }] : []));
    const takes = (p: { op: { parameters?: { name: string; in: string }[] } }) => (p.op.parameters ?? []).some((x) => x.name === 'Idempotency-Key' && x.in === 'header');
    // …nor the public door (信访查询): no token, no user to scope a key to.
    expect(
      posts
        .filter((p) => !takes(p))
        .map((p) => p.path)
        .sort(),
    ).toEqual([
      '/api/v1/admin/timer-queue/session',
      '/api/v1/auth/login',
      '/api/v1/auth/logout',
      '/api/v1/auth/password',
      '/api/v1/auth/refresh',
      '/api/v1/public/evaluate',
      '/api/v1/public/re-review-request',
      '/api/v1/public/review-request',
      '/api/v1/public/track',
    ]);
    expect(posts.filter(takes).length).toBeGreaterThan(15);
    for (const p of posts.filter(takes)) for (const s of ['400', '409', '422']) expect({ path: p.path, s, documented: s in p.op.responses }).toEqual({ path: p.path, s, documented: true });
    const registerDoc = doc.paths['/api/v1/petitions'].post.responses as Record<string, { content?: { 'application/json'?: { example?: { code?: string } } }; description?: string }>;
    expect(registerDoc['409'].content!['application/json']!.example!.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(registerDoc['422'].content!['application/json']!.example!.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

/** A datetime as TypeORM writes it to SQLite (UTC). */
const sqliteTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
