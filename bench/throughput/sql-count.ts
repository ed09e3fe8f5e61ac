/**
 * bench/throughput — statement counter, preloaded into each process the bench starts
 * (`node --import <dist>/bench/throughput/sql-count.js dist/apps/<name>/main.js`). Nothing in
 * apps/ or libs/ knows of it.
 *
 *  - MariaDB/MySQL (BENCH_COUNT_MYSQL=1): subscribes to mysql2's own diagnostics channels
 *    (`mysql2:query`, `mysql2:execute`, Node's TracingChannel), so every statement a connection or
 *    pool of the process sends is counted by its first keyword and its database — the process's
 *    share of `SHOW GLOBAL STATUS`, without the other clients of a shared server.
 *  - SQLite (BENCH_COUNT_SQLITE=1): wraps run/get/all/iterate of better-sqlite3's Statement and
 *    Database#exec (TypeORM caches prepared statements, so each execution is counted, not each
 *    prepare), counted by first keyword and file.
 *
 * The bench asks over the IPC channel it spawned the process with: it sends
 * `{type: 'bench:sql-counts', id}` and gets `{type: 'bench:sql-counts', id, counts}` back, counts
 * being `{ [database]: { [KIND]: n } }` since the start. The channel is unref'd: it never keeps the
 * process alive.
 */
import dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { join } from 'node:path';

type Counts = Record<string, Record<string, number>>;
const counts: Counts = {};

const KIND_CACHE_MAX = 20_000;
const kindCache = new Map<string, string>();

/** The statement's first keyword (START TRANSACTION → BEGIN), upper-case; comments and parentheses skipped. */
export function statementKind(sql: string): string {
  const cached = kindCache.get(sql);
  if (cached) return cached;
  const m = /^[\s(]*(?:\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(sql);
  let kind = m ? m[1].toUpperCase() : 'OTHER';
  if (kind === 'START' || kind === 'BEGIN') kind = 'BEGIN';
  if (kindCache.size < KIND_CACHE_MAX) kindCache.set(sql, kind);
  return kind;
}

function count(db: string, sql: unknown): void {
  const kind = typeof sql === 'string' ? statementKind(sql) : 'OTHER';
  const per = (counts[db] ??= {});
  per[kind] = (per[kind] ?? 0) + 1;
}

if (process.env.BENCH_COUNT_MYSQL === '1') {
  const onStart = (ctx: unknown) => {
    const c = ctx as { query?: unknown; database?: unknown };
    count(String(c.database ?? ''), c.query);
  };
  for (const name of ['mysql2:query', 'mysql2:execute']) dc.tracingChannel(name).subscribe({ start: onStart, end() {}, asyncStart() {}, asyncEnd() {}, error() {} });
}

if (process.env.BENCH_COUNT_SQLITE === '1') {
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    const Database = require('better-sqlite3') as new (file: string) => { prepare(sql: string): object; close(): void; exec(sql: string): unknown; name: string };
    const probe = new Database(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
    probe.close();
    for (const method of ['run', 'get', 'all', 'iterate']) {
      const original = proto[method];
      if (typeof original !== 'function') continue;
      proto[method] = function (this: { source: string; database: { name: string } }, ...args: unknown[]) {
        count(fileOf(this.database?.name), this.source);
        return original.apply(this, args);
      };
    }
    const dbProto = (Database as unknown as { prototype: Record<string, (...a: unknown[]) => unknown> }).prototype;
    const exec = dbProto.exec;
    dbProto.exec = function (this: { name: string }, sql: unknown, ...rest: unknown[]) {
      count(fileOf(this.name), sql);
      return exec.call(this, sql, ...rest);
    };
  } catch (e) {
    process.stderr.write(`bench sql-count: better-sqlite3 not instrumented (${(e as Error).message})\n`);
  }
}

function fileOf(name: string | undefined): string {
  const base =
    String(name ?? '')
      .split('/')
      .pop() ?? '';
  return base.replace(/\.sqlite$/, '');
}

if (typeof process.send === 'function') {
  process.on('message', (m: unknown) => {
    const msg = m as { type?: string; id?: number };
    if (msg?.type === 'bench:sql-counts') process.send!({ type: 'bench:sql-counts', id: msg.id, counts });
  });
  (process as unknown as { channel?: { unref(): void } }).channel?.unref();
}
