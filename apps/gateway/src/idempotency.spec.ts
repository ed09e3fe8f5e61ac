import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { StateConflictError, UnavailableError } from '#libs/common';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, throwError, type Observable } from 'rxjs';
import { DataSource, type Repository } from 'typeorm';
import { statementLogger } from '../../../test/support/statements.js';
import { GATEWAY_ENTITIES } from './gateway.entities.js';
import { IdempotencyKeyRecord } from './idempotency.entity.js';
import { canonicalJson, IdempotencyInterceptor, IdempotencyStore, openAnswer, requestFingerprint, sealAnswer, takesIdempotencyKey } from './idempotency.js';
import { GATEWAY_MIGRATIONS } from './migrations/index.js';

describe('idempotency keys', () => {
  let ds: DataSource;
  let rows: Repository<IdempotencyKeyRecord>;
  let store: IdempotencyStore;
  /** Every statement the data source ran, in order (TypeORM hands each to its logger). */
  let statements: string[];
  const kinds = () => statements.map((q) => /^\s*(\w+)/.exec(q)![1].toUpperCase());
  const counting = statementLogger((q) => void statements.push(q));

  beforeEach(async () => {
    statements = [];
    ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: GATEWAY_ENTITIES, migrations: GATEWAY_MIGRATIONS, migrationsRun: true, logger: counting });
    await ds.initialize();
    rows = ds.getRepository(IdempotencyKeyRecord);
    store = new IdempotencyStore(rows);
  });
  afterEach(() => ds.destroy());

  /** One POST through the interceptor, as Nest calls it: the handler's answer or error in `handle`. */
  async function send(handle: () => Observable<unknown>, opts: { key?: string; body?: unknown; path?: string; status?: number } = {}) {
    const headers: Record<string, string> = {};
    const res = { statusCode: opts.status ?? 201, headers, status: (n: number) => ((res.statusCode = n), res), setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = v) };
    const req = {
      method: 'POST',
      originalUrl: opts.path ?? '/api/v1/petitions',
      route: { path: opts.path ?? '/api/v1/petitions' },
      headers: { 'idempotency-key': opts.key ?? 'k-1' },
      body: opts.body ?? { a: 1 },
      caller: { username: 'reception1' },
    };
    const ctx = { getType: () => 'http', switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ExecutionContext;
    let ran = 0;
    const next: CallHandler = { handle: () => (ran++, handle()) };
    try {
      const answer = await lastValueFrom(new IdempotencyInterceptor(store).intercept(ctx, next), { defaultValue: undefined });
      return { ran, status: res.statusCode, answer, replayed: headers['idempotent-replayed'] };
    } catch (error) {
      return { ran, error };
    }
  }

  it('fingerprints the body with its keys sorted, arrays in order', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: null, c: '甲' } })).toBe('{"a":{"c":"甲","d":null},"b":[2,1]}');
    expect(requestFingerprint('POST', '/x', { a: 1, b: 2 })).toBe(requestFingerprint('post', '/x', { b: 2, a: 1 }));
    expect(requestFingerprint('POST', '/x', { a: 1 })).not.toBe(requestFingerprint('POST', '/y', { a: 1 }));
    expect(requestFingerprint('POST', '/x', { a: [1, 2] })).not.toBe(requestFingerprint('POST', '/x', { a: [2, 1] }));
  });

  it('seals an answer that only the same key and user open', () => {
    const sealed = sealAnswer('k-1', 'reception1', '{"name":"王五"}');
    expect(sealed).not.toContain('王五');
    expect(openAnswer('k-1', 'reception1', sealed)).toBe('{"name":"王五"}');
    expect(() => openAnswer('k-2', 'reception1', sealed)).toThrow();
    expect(() => openAnswer('k-1', 'office1', sealed)).toThrow();
  });

  it('takes keys on the POSTs of /api/v1 but the token routes', () => {
    expect(takesIdempotencyKey('POST', '/api/v1/petitions/:id/route')).toBe(true);
    expect(takesIdempotencyKey('GET', '/api/v1/petitions')).toBe(false);
    for (const p of ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/password', '/api/v1/admin/timer-queue/session'])
      expect(takesIdempotencyKey('POST', p)).toBe(false);
  });

  it('two reservations racing: one runs, the other finds its row', async () => {
    const scope = { username: 'u', keyHash: 'h' };
    const [a, b] = await Promise.all([store.reserve(scope, 'f'), store.reserve(scope, 'f')]);
    expect([a.run, b.run].sort()).toEqual([false, true]);
    expect(await rows.countBy(scope)).toBe(1);
  });

  it('costs one INSERT and one UPDATE per POST with a new key, and one SELECT more for a retry', async () => {
    statements = [];
    expect(await send(() => of({ id: 'c1' }))).toMatchObject({ ran: 1, status: 201 });
    expect(kinds()).toEqual(['INSERT', 'UPDATE']);
    statements = [];
    expect(await send(() => of({ id: 'c2' }))).toMatchObject({ ran: 0, status: 201, answer: { id: 'c1' }, replayed: 'true' });
    expect(kinds()).toEqual(['INSERT', 'SELECT']);
  });

  it('takes over a key past its 24 hours, and a reservation abandoned past the lease; a live reservation stays', async () => {
    const scope = { username: 'u', keyHash: 'h' };
    const now = Date.now();
    await rows.insert({ ...scope, fingerprint: 'old', state: 'done', status: 201, response: 'x', createdAt: new Date(now - 25 * 3600_000), expiresAt: new Date(now - 3600_000) });
    expect(await store.reserve(scope, 'new')).toEqual({ run: true });
    expect(await rows.findOneByOrFail(scope)).toMatchObject({ fingerprint: 'new', state: 'in-progress', status: null, response: null });
    expect((await rows.findOneByOrFail(scope)).expiresAt.getTime()).toBeGreaterThan(now + 23 * 3600_000);
    // running for a minute: still its own
    await rows.update(scope, { createdAt: new Date(now - 60_000) });
    expect(await store.reserve(scope, 'other')).toMatchObject({ run: false, row: { fingerprint: 'new', state: 'in-progress' } });
    // running for six minutes: its gateway stopped; two requests racing for it, one wins
    await rows.update(scope, { createdAt: new Date(now - 6 * 60_000) });
    const [a, b] = await Promise.all([store.reserve(scope, 'f2'), store.reserve(scope, 'f2')]);
    expect([a.run, b.run].sort()).toEqual([false, true]);
    expect(await rows.countBy(scope)).toBe(1);
  });

  it('deletes the keys past their 24 hours in batches on its timer, none on the way of a request', async () => {
    const now = Date.now();
    const row = (i: number, expiresAt: number) => ({
      username: 'u',
      keyHash: `h${i}`,
      fingerprint: 'f',
      state: 'done',
      status: 201,
      response: 'x',
      createdAt: new Date(expiresAt - 24 * 3600_000),
      expiresAt: new Date(expiresAt),
    });
    await rows.insert([...Array.from({ length: 25 }, (_, i) => row(i, now - 1000 - i)), ...Array.from({ length: 3 }, (_, i) => row(100 + i, now + 3600_000))]);
    statements = [];
    await send(() => of({ id: 'c1' }));
    expect(kinds()).not.toContain('DELETE');
    expect(await rows.count()).toBe(29);
    statements = [];
    expect(await store.purgeExpired(new Date(now), 10)).toBe(25);
    expect(kinds()).toEqual(['DELETE', 'DELETE', 'DELETE']);
    expect(
      (await rows.find())
        .map((r) => r.keyHash)
        .filter((h) => h.startsWith('h'))
        .sort(),
    ).toEqual(['h100', 'h101', 'h102']);
    expect(await rows.count()).toBe(4);
    // the timer: a minute after the start, then every hour
    await rows.update({ keyHash: 'h100' }, { expiresAt: new Date(now - 1) });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      store.onModuleInit();
      jest.advanceTimersByTime(59_000);
      expect(await rows.count()).toBe(4);
      jest.advanceTimersByTime(1_000);
      await store.onModuleDestroy();
      expect(
        (await rows.find())
          .map((r) => r.keyHash)
          .filter((h) => h.startsWith('h'))
          .sort(),
      ).toEqual(['h101', 'h102']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps a 2xx and replays it without running the handler again', async () => {
    const first = await send(() => of({ id: 'c1', petitioners: [{ name: '王五' }] }));
    expect(first).toMatchObject({ ran: 1, status: 201, answer: { id: 'c1' } });
    const again = await send(() => of({ id: 'c2' }), { status: 200 });
    expect(again).toMatchObject({ ran: 0, status: 201, answer: { id: 'c1', petitioners: [{ name: '王五' }] }, replayed: 'true' });
    const [row] = await rows.find();
    expect(row).toMatchObject({ state: 'done', status: 201 });
    expect(JSON.stringify(row)).not.toContain('王五');
  });

  it('keeps a 4xx as the error body the filter gives it', async () => {
    const first = await send(() => throwError(() => new StateConflictError('该案件当前状态为「已转送交办」，不能再转送/交办')));
    expect(first.error).toBeInstanceOf(StateConflictError);
    const again = await send(() => of('never'));
    expect(again).toMatchObject({
      ran: 0,
      status: 409,
      replayed: 'true',
      answer: { statusCode: 409, error: 'Conflict', code: 'CASE_STATE', message: '该案件当前状态为「已转送交办」，不能再转送/交办' },
    });
  });

  it('releases the key on a 5xx (a domain 503 or an unexpected error): the retry runs', async () => {
    for (const failure of [new UnavailableError('服务暂不可用'), new Error('boom')]) {
      const first = await send(() => throwError(() => failure));
      expect(first.error).toBe(failure);
      expect(await rows.count()).toBe(0);
    }
    const retry = await send(() => of({ id: 'c1' }));
    expect(retry).toMatchObject({ ran: 1, status: 201, answer: { id: 'c1' } });
  });

  it('refuses the key with another request, and a reused key while in progress, without running', async () => {
    await send(() => of({ id: 'c1' }));
    const other = await send(() => of({ id: 'c2' }), { body: { a: 2 } });
    expect(other).toMatchObject({ ran: 0, error: { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' } });
    await rows.update({ username: 'reception1' }, { state: 'in-progress', status: null, response: null });
    const busy = await send(() => of({ id: 'c3' }));
    expect(busy).toMatchObject({ ran: 0, error: { status: 409, code: 'IDEMPOTENCY_IN_PROGRESS', retryAfterSeconds: 1 } });
  });

  it('does not keep an answer too large for a TEXT column on MariaDB: the key is released', async () => {
    const random = Array.from({ length: 60_000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
    const first = await send(() => of({ content: random }));
    expect(first).toMatchObject({ ran: 1, status: 201 });
    expect(await rows.count()).toBe(0);
  });
});
