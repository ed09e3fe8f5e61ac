import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  HttpException,
  Injectable,
  Logger,
  StreamableFile,
  type OnModuleDestroy,
  type OnModuleInit,
  type ArgumentsHost,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { OpenAPIObject } from '@nestjs/swagger';
import { from, lastValueFrom, type Observable, throwError } from 'rxjs';
import type { Repository } from 'typeorm';
import { DomainError, InvalidInputError, RuleViolationError, StateConflictError, type ErrorCode } from '#libs/common';
import { ErrorBodyFilter, type Caller } from '#libs/runtime';
import { errorExample } from './dto/responses.js';
import { IdempotencyKeyRecord } from './idempotency.entity.js';

/**
 * Retries are safe: a POST under /api/v1 sent with an `Idempotency-Key` header runs once per
 * user and key. The key is reserved (a row in gw_idempotency_key) before the handler runs, so a
 * second request with it while the first runs is answered 409 IDEMPOTENCY_IN_PROGRESS; when the
 * first has answered below 500, its status and body are kept 24 hours and the same request with
 * the same key gets them again (`Idempotent-Replayed: true`), a different request with that key
 * 422 IDEMPOTENCY_KEY_REUSED, nothing run. A 5xx releases the key: the retry runs again.
 *
 * An interceptor rather than a middleware: it runs after the guard, so the key is scoped to the
 * authenticated user and a request refused 401/403 reserves nothing, and it sees the handler's
 * answer and error before the error filter renders them.
 *
 * Not the routes that issue or revoke tokens (/auth/*, the timer queue board's ticket): their
 * answers are credentials, which are never stored; nor a route without a token (no user to
 * scope the key to).
 */

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a key and its answer are kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * A reservation still in progress after this long belongs to a gateway that stopped while it ran
 * (a command takes seconds: each service call times out after 15 s): the key may be taken again.
 */
export const IDEMPOTENCY_LEASE_MS = 5 * 60_000;
/** This often each gateway deletes the rows past their 24 hours (a timer, not on the way of a request)… */
const PURGE_EVERY_MS = 3600_000;
/** …the first time this long after its start… */
const PURGE_FIRST_AFTER_MS = 60_000;
/** …and this many rows per statement. */
const PURGE_BATCH = 1000;
/** A kept answer fits a TEXT column on MariaDB (65,535 bytes); a larger one is not kept (the key is released). */
const MAX_SEALED_CHARS = 60_000;

const KEY_RE = /^[\x21-\x7e]{1,200}$/;
const KEY_MESSAGE = '幂等键（Idempotency-Key）应为 1 至 200 个可见字符';
const IN_PROGRESS_MESSAGE = '相同幂等键的请求正在处理中，请稍后重试';
const REUSED_MESSAGE = '该幂等键（Idempotency-Key）已用于另一请求，请为新的请求使用新的幂等键';

/** Issue or revoke tokens: their answers are credentials, never stored. */
const EXEMPT = [/^\/api\/v1\/auth\//, /^\/api\/v1\/admin\/timer-queue\/session$/];

/** Whether POST `path` (an Express route or an OpenAPI path) takes an Idempotency-Key. */
export function takesIdempotencyKey(method: string, path: string): boolean {
  return method.toUpperCase() === 'POST' && path.startsWith('/api/v1/') && !EXEMPT.some((re) => re.test(path));
}

/** 409 while the first request with the key runs; Retry-After: 1. */
class IdempotencyInProgressError extends StateConflictError {
  readonly retryAfterSeconds = 1;
}

// ---------------------------------------------------------------- fingerprint and sealing

/** JSON with every object's keys sorted (arrays keep their order): equal for equal bodies however their keys were ordered. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The request, without keeping it: method, path (with the query) and the body's canonical JSON, hashed. */
export const requestFingerprint = (method: string, path: string, body: unknown): string => sha256(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`);

/** The answer's key: derived from the Idempotency-Key (which only the client keeps) and the user. */
const answerKey = (key: string, username: string) => Buffer.from(hkdfSync('sha256', Buffer.from(key, 'utf8'), Buffer.from(username, 'utf8'), 'idempotency-answer:v1', 32));
const aad = (username: string) => Buffer.from(`gw_idempotency_key:v1:${username}`, 'utf8');

/** `v1:<iv>:<ciphertext>:<tag>` (base64url) of the deflated JSON. */
export function sealAnswer(key: string, username: string, json: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', answerKey(key, username), iv);
  cipher.setAAD(aad(username));
  const ct = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(json, 'utf8'))), cipher.final()]);
  return ['v1', iv, ct, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join(':');
}

export function openAnswer(key: string, username: string, sealed: string): string {
  const [v, iv, ct, tag] = sealed.split(':');
  if (v !== 'v1' || tag === undefined) throw new Error('not a sealed answer');
  const decipher = createDecipheriv('aes-256-gcm', answerKey(key, username), Buffer.from(iv, 'base64url'));
  decipher.setAAD(aad(username));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return inflateRawSync(Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()])).toString('utf8');
}

// ---------------------------------------------------------------- the store

type Scope = { username: string; keyHash: string };
export type Reservation = { run: true } | { run: false; row: IdempotencyKeyRecord };

/**
 * The key's row costs one INSERT (the claim) and one UPDATE (the answer) in the normal case; a
 * retry with the key adds one SELECT. Rows past their 24 hours are deleted in batches on a timer
 * of each gateway (any replica may do it), never on the way of a request.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Idempotency');
  private timer: NodeJS.Timeout | null = null;
  private purging: Promise<number> | null = null;
  constructor(@InjectRepository(IdempotencyKeyRecord) private readonly rows: Repository<IdempotencyKeyRecord>) {}

  onModuleInit(): void {
    // The first pass a minute after the start (not competing with it), then hourly.
    const first = setTimeout(() => {
      void this.purgeExpired();
      this.timer = setInterval(() => void this.purgeExpired(), PURGE_EVERY_MS);
      this.timer.unref();
    }, PURGE_FIRST_AFTER_MS);
    first.unref();
    this.timer = first;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.purging;
  }

  /**
   * Reserves the key for this request, or answers the row that holds it. The claim is an insert
   * that keeps an existing row as it is (the primary key (username, keyHash) decides between two
   * requests racing); only when the key is held is the row read. A row past its 24 hours, or a
   * reservation abandoned past the lease, is taken over by a conditional update, which only one
   * of two requests racing for it wins.
   */
  async reserve(scope: Scope, fingerprint: string): Promise<Reservation> {
    let held: IdempotencyKeyRecord | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      const claim = { fingerprint, state: 'in-progress', status: null, response: null, createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) };
      if (await this.claim({ ...scope, ...claim })) return { run: true };
      held = await this.rows.findOneBy(scope);
      if (!held) continue; // purged between the claim and the look: claim again
      if (!isStale(held, now)) return { run: false, row: held };
      const taken = await this.rows
        .createQueryBuilder()
        .update(IdempotencyKeyRecord)
        .set(claim)
        .where({ username: scope.username, keyHash: scope.keyHash })
        .andWhere('(expiresAt <= :now OR (state = :busy AND createdAt <= :abandoned))', { now, busy: 'in-progress', abandoned: new Date(now.getTime() - IDEMPOTENCY_LEASE_MS) })
        .execute();
      if (taken.affected) return { run: true };
      // another request took it over first: look again
    }
    if (held) return { run: false, row: { ...held, state: 'in-progress' } };
    throw new Error('idempotency key could neither be claimed nor read');
  }

  /** INSERT … IGNORE / ON CONFLICT DO NOTHING: true when this request's row went in. */
  private async claim(row: IdempotencyKeyRecord): Promise<boolean> {
    const [sql, params] = this.rows.createQueryBuilder().insert().into(IdempotencyKeyRecord).values(row).orIgnore().getQueryAndParameters();
    const runner = this.rows.manager.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return Number(result.affected ?? 0) === 1;
    } finally {
      await runner.release();
    }
  }

  /** The handler answered (below 500): keep the answer with the key. */
  async complete(scope: Scope, status: number, sealed: string): Promise<void> {
    await this.rows.update({ ...scope, state: 'in-progress' }, { state: 'done', status, response: sealed });
  }

  /** A 5xx, or an answer that cannot be kept: the key is free again. */
  async release(scope: Scope): Promise<void> {
    await this.rows.delete({ ...scope, state: 'in-progress' });
  }

  /**
   * Deletes the rows past their 24 hours, `batch` at a time (each delete short, so that the
   * claims of the requests meanwhile do not wait on it); the number deleted. Passes never overlap.
   */
  purgeExpired(now = new Date(), batch = PURGE_BATCH): Promise<number> {
    if (this.purging) return this.purging;
    this.purging = (async () => {
      let deleted = 0;
      try {
        for (;;) {
          const n = await this.deleteExpiredBatch(now, batch);
          deleted += n;
          if (n < batch) break;
        }
      } catch (e) {
        this.logger.warn(`purge of expired idempotency keys failed: ${(e as Error).message}`);
      } finally {
        this.purging = null;
      }
      return deleted;
    })();
    return this.purging;
  }

  private async deleteExpiredBatch(now: Date, batch: number): Promise<number> {
    const ds = this.rows.manager.dataSource;
    const meta = this.rows.metadata;
    const table = meta.tableName;
    const expires = meta.findColumnWithPropertyName('expiresAt')!;
    const at = ds.driver.preparePersistentValue(now, expires);
    const q = (name: string) => ds.driver.escape(name);
    const sql =
      ds.options.type === 'better-sqlite3'
        ? `DELETE FROM ${q(table)} WHERE rowid IN (SELECT rowid FROM ${q(table)} WHERE ${q(expires.databaseName)} <= ? LIMIT ${Number(batch)})`
        : `DELETE FROM ${q(table)} WHERE ${q(expires.databaseName)} <= ? ORDER BY ${q(expires.databaseName)} LIMIT ${Number(batch)}`;
    const runner = ds.createQueryRunner();
    try {
      const result = await runner.query(sql, [at], true);
      return Number(result.affected ?? 0);
    } finally {
      await runner.release();
    }
  }
}

/** Past its 24 hours, or reserved by a request that has run longer than the lease. */
function isStale(row: IdempotencyKeyRecord, now: Date): boolean {
  return new Date(row.expiresAt).getTime() <= now.getTime() || (row.state === 'in-progress' && new Date(row.createdAt).getTime() <= now.getTime() - IDEMPOTENCY_LEASE_MS);
}

// ---------------------------------------------------------------- the interceptor

interface Req {
  method: string;
  originalUrl?: string;
  url?: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  caller?: Caller;
}
interface Res {
  statusCode: number;
  status(code: number): Res;
  setHeader(name: string, value: string): void;
}

/** The status and body the error filter gives an error (below 500: kept like any answer). */
function errorAnswer(err: unknown): { status: number; body: unknown } {
  const status = err instanceof DomainError ? err.status : err instanceof HttpException ? err.getStatus() : 500;
  if (status >= 500) return { status, body: null };
  let answered = status;
  let body: unknown = null;
  const res = {
    setHeader: () => undefined,
    status: (n: number) => ((answered = n), res),
    json: (b: unknown) => ((body = b), res),
  };
  new ErrorBodyFilter().catch(err, { getType: () => 'http', switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost);
  return { status: answered, body };
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  constructor(private readonly store: IdempotencyStore) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const http = ctx.switchToHttp();
    const req = http.getRequest<Req>();
    const res = http.getResponse<Res>();
    const header = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (header === undefined || !takesIdempotencyKey(req.method, req.route?.path ?? '')) return next.handle();
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (!KEY_RE.test(key)) return throwError(() => InvalidInputError.field(IDEMPOTENCY_HEADER, KEY_MESSAGE));
    const username = req.caller?.username;
    if (!username) return next.handle();
    const scope = { username, keyHash: sha256(key) };
    const fingerprint = requestFingerprint(req.method, req.originalUrl ?? req.url ?? '', req.body);

    return from(this.run(scope, key, fingerprint, res, next));
  }

  /**
   * A promise, not a chain of operators: once reserved, the handler's answer is kept (or the key
   * released) whatever becomes of the subscriber, also when the client has gone away.
   */
  private async run(scope: Scope, key: string, fingerprint: string, res: Res, next: CallHandler): Promise<unknown> {
    const r = await this.store.reserve(scope, fingerprint);
    if (!r.run) return this.replay(r.row, fingerprint, key, scope.username, res);
    let answer: unknown;
    try {
      answer = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      const a = errorAnswer(err);
      await this.keep(scope, key, a.status, a.body);
      throw err;
    }
    await this.keep(scope, key, res.statusCode, answer);
    return answer;
  }

  private replay(row: IdempotencyKeyRecord, fingerprint: string, key: string, username: string, res: Res): unknown {
    if (row.fingerprint !== fingerprint) throw new RuleViolationError(REUSED_MESSAGE, undefined, 'IDEMPOTENCY_KEY_REUSED' as ErrorCode);
    if (row.state !== 'done' || row.status === null || row.response === null) throw new IdempotencyInProgressError(IN_PROGRESS_MESSAGE, undefined, 'IDEMPOTENCY_IN_PROGRESS' as ErrorCode);
    const body = JSON.parse(openAnswer(key, username, row.response)) as unknown;
    res.status(row.status);
    res.setHeader(REPLAYED_HEADER, 'true');
    return body;
  }

  /** Below 500 the answer is kept with the key; a 5xx (or an answer that cannot be kept) releases it. Never fails the request. */
  private async keep(scope: Scope, key: string, status: number, answer: unknown): Promise<void> {
    try {
      const json = answer instanceof StreamableFile || Buffer.isBuffer(answer) ? undefined : JSON.stringify(answer ?? null);
      const sealed = status < 500 && json !== undefined ? sealAnswer(key, scope.username, json) : undefined;
      if (sealed !== undefined && sealed.length <= MAX_SEALED_CHARS) return await this.store.complete(scope, status, sealed);
      if (sealed !== undefined) this.logger.warn(`answer of ${sealed.length} characters not kept for its idempotency key (at most ${MAX_SEALED_CHARS}): the key is released`);
      await this.store.release(scope);
    } catch (e) {
      this.logger.warn(`idempotency key not updated: ${(e as Error).message}`);
    }
  }
}

// ---------------------------------------------------------------- OpenAPI

const HEADER_DOC =
  'Makes a retry safe: the same key with the same request (method, path, JSON body) answers the first answer again, with Idempotent-Replayed: true, ' +
  'without running it twice; with another request 422 IDEMPOTENCY_KEY_REUSED; while the first still runs 409 IDEMPOTENCY_IN_PROGRESS. ' +
  '1–200 visible ASCII characters (a UUID); per user; kept 24 hours. A 5xx answer is not kept (the retry runs again).';

type DocResponse = { description?: string; content?: Record<string, unknown>; headers?: Record<string, unknown> };
type DocOperation = { parameters?: unknown[]; security?: unknown[]; responses: Record<string, DocResponse> };

const IDEMPOTENCY_ERRORS = {
  400: {
    status: 400,
    message: KEY_MESSAGE,
    details: [{ field: IDEMPOTENCY_HEADER, messages: [KEY_MESSAGE] }],
    description: 'an Idempotency-Key that is not 1–200 visible ASCII characters (FIELD_INVALID)',
  },
  409: { status: 409, code: 'IDEMPOTENCY_IN_PROGRESS', message: IN_PROGRESS_MESSAGE, description: 'IDEMPOTENCY_IN_PROGRESS: a request with the same Idempotency-Key is still running; Retry-After: 1' },
  422: {
    status: 422,
    code: 'IDEMPOTENCY_KEY_REUSED',
    message: REUSED_MESSAGE,
    description: 'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used for another request (method, path or body); nothing is run',
  },
} as const;

/**
 * Documents the Idempotency-Key on every POST that takes it (the header, Idempotent-Replayed on
 * its answers, its 400, 409 and 422): a route that documents the status already keeps its example
 * and gains the idempotency refusal in its description.
 */
export function documentIdempotency(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = (item as { post?: DocOperation }).post;
    // a key is the user's: a route without a token takes none
    if (!op || !takesIdempotencyKey('POST', path) || !op.security?.length) continue;
    op.parameters = [
      ...(op.parameters ?? []),
      {
        name: IDEMPOTENCY_HEADER,
        in: 'header',
        required: false,
        description: HEADER_DOC,
        schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]{1,200}$', example: '0b7c5e52-6f0e-4c1b-9d5e-3f1a2b4c6d8e' },
      },
    ];
    for (const [status, r] of Object.entries(op.responses)) {
      if (/^2\d\d$/.test(status))
        r.headers = {
          ...r.headers,
          [REPLAYED_HEADER]: { description: 'true when this is the kept answer of an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
        };
    }
    for (const e of Object.values(IDEMPOTENCY_ERRORS)) {
      const own = op.responses[String(e.status)];
      if (own) own.description = `${own.description ?? ''}; or ${e.description}`;
      else op.responses[String(e.status)] = { description: e.description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' }, example: errorExample(e) } } };
    }
  }
  return doc;
}
