/**
 * bench/reports — the reporting service's read model at 100,000 (and 1,000,000) cases: ingest
 * through the projection's own code, a rebuild from the event log, and the reports' reads.
 *
 *   node dist/bench/reports/run.js --cases 100000 [--cases 1000000] [options]
 *
 * For each size, on a fresh MariaDB schema (BENCH_DATABASE_URL, default
 * mariadb://root:@127.0.0.1:3306/petition_bench_ → schema petition_bench_reporting, dropped and
 * created, the reporting service's migrations run by `migrate` as the service runs them):
 *   1. generates a three-year history (2023-01-01 … 2025-12-31, Asia/Shanghai) of N cases
 *      (history.ts), seen from 2026-01-05 (the clock of every read);
 *   2. ingest: each event appended to the event log (rpt_event, the live consumer's own logEvent)
 *      and applied with `ProjectionHandlers.project`, a batch of events per transaction, in
 *      time order; prints events/s against the 20,000/s target;
 *   3. rebuild: `ReadModelRebuild.start()` replays the whole log into emptied tables; prints the
 *      time, events/s and whether the figures are identical;
 *   4. reads: the ReportingQueries a leader's dashboard calls, `--runs` times each, p50/p95/p99
 *      against the 300 ms target;
 *   5. RSS and table sizes.
 * `--replicate K` (after the last size): copies the read model (rpt_case, rpt_contact, rpt_act)
 * K−1 more times with new ids (K ≤ 10) and times the reads again — the read target at K × N cases
 * without ingesting them (labelled as such).
 *
 * Options: --cases N (repeatable; default 100000), --runs R (40; --warmup W: 2 untimed runs first), --batch B (5000 events per
 * transaction, as the rebuild's batches), --streams S (1: one consumer; S > 1: cases split by id over S consumers, S
 * transactions at a time), --seed X (1), --replicate K (off), --skip-rebuild, --keep (leave the
 * schema for EXPLAIN; it is dropped otherwise), --reads-only (only the reads, on the schema a
 * --keep run left; --runs applies).
 * Prints only; exits 0 when the bench ran (misses included), 1 when it broke.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import mysqlCallbacks from 'mysql2';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { PiiKeyring, type Clock } from '#libs/common';
import { validateEvent, type EventEnvelope } from '#libs/contracts';
import { EventGate } from '#libs/messaging';
import { dataSourceOptions, databaseName, migrate, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { DEFAULT_POLICY, PrcCalendar } from '#libs/regulation';
import type { Caller } from '#libs/runtime';
import { ProjectionHandlers } from '../../apps/reporting/src/projection.handlers.js';
import { retally } from '../../apps/reporting/src/tallies.js';
import { ReadModelRebuild } from '../../apps/reporting/src/rebuild.service.js';
import { reportingService } from '../../apps/reporting/src/reporting.module.js';
import { ReportingQueries } from '../../apps/reporting/src/reporting-queries.service.js';
import type { ReportingSettings } from '../../apps/reporting/src/reporting.settings.js';
import { history, UNITS, type HistoryStats } from './history.js';

const TARGET_EVENTS_PER_S = 20_000;
const TARGET_P99_MS = 300;
const NOW = new Date('2026-01-05T02:00:00.000Z'); // Monday 10:00 in Shanghai, a few days after the history ends
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// arguments

function parseArgs(argv: string[]) {
  const o = { cases: [] as number[], runs: 40, warmup: 2, batch: 5000, streams: 1, seed: 1, replicate: 0, skipRebuild: false, keep: false, readsOnly: false };
  const int = (name: string, v: string | undefined, min = 1) => {
    const n = Number(String(v ?? '').replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} needs an integer ≥ ${min} (got ${v})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--cases') o.cases.push(int(a, argv[++i]));
    else if (a === '--runs') o.runs = int(a, argv[++i], 1);
    else if (a === '--warmup') o.warmup = int(a, argv[++i], 0);
    else if (a === '--batch') o.batch = int(a, argv[++i]);
    else if (a === '--streams') o.streams = int(a, argv[++i]);
    else if (a === '--seed') o.seed = int(a, argv[++i], 0);
    else if (a === '--replicate') o.replicate = Math.min(10, int(a, argv[++i], 2));
    else if (a === '--skip-rebuild') o.skipRebuild = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--reads-only') o.readsOnly = true;
    else throw new Error(`unknown argument ${a} (see the head of bench/reports/run.ts)`);
  }
  if (!o.cases.length) o.cases.push(100_000);
  return o;
}

// ---------------------------------------------------------------------------------------------
// helpers

const out = (s = '') => console.log(s);
const progress = (s: string) => process.stderr.write(`  … ${s}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const secs = (ms: number) => `${fmt(ms / 1000, 1)} s`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function table(head: string[], rows: (string | number)[][], right = new Set<number>()): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (right.has(i) ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
  out(line(head));
  out(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of cells.slice(1)) out(line(r));
}

function gitDescribe(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const hash = (id: string) => {
  let h = 0;
  for (let i = id.length - 8; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h;
};

// ---------------------------------------------------------------------------------------------
// setup

type MysqlConfig = Extract<DatabaseConfig, { driver: 'mysql' }>;

async function admin(db: MysqlConfig) {
  return mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
}

async function freshDataSource(db: MysqlConfig, settings: ReportingSettings): Promise<DataSource> {
  const schema = databaseName(db, 'reporting');
  const conn = await admin(db);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
    await conn.query(`CREATE DATABASE \`${schema}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  const def = reportingService(settings);
  const ds = new DataSource(dataSourceOptions('reporting', db, def.entities ?? [], def.migrations ?? []));
  await ds.initialize();
  const t = performance.now();
  await migrate(ds);
  out(`schema ${schema}: dropped, created, ${ds.migrations.length} migrations run (${fmt(performance.now() - t)} ms)`);
  return ds;
}

async function dropSchema(db: MysqlConfig): Promise<void> {
  const conn = await admin(db);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${databaseName(db, 'reporting')}\``);
  } finally {
    await conn.end();
  }
}

// ---------------------------------------------------------------------------------------------
// where the time goes

/** The local database server's CPU time so far (µs, user + system, every thread), or null when it is not on this machine. */
function dbServerCpuUs(): number | null {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = execFileSync('pidof', [name], { encoding: 'utf8' }).trim().split(/\s+/)[0];
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // utime, stime: fields 14 and 15 of stat (12 and 13 after the command), in clock ticks (100/s).
      return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
    } catch {
      /* not this one */
    }
  }
  return null;
}

/** Time spent in statements (from sending to the answer), over every connection of this process. */
const dbWait = { ms: 0 };
function meterStatements(): void {
  const proto = (mysqlCallbacks as unknown as { Connection: { prototype: Record<string, (...a: unknown[]) => unknown> } }).Connection.prototype;
  for (const method of ['query', 'execute']) {
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      const i = args.findIndex((a) => typeof a === 'function');
      if (i >= 0) {
        const cb = args[i] as (...r: unknown[]) => void;
        const t0 = performance.now();
        args[i] = (...r: unknown[]) => {
          dbWait.ms += performance.now() - t0;
          cb(...r);
        };
      }
      return original.apply(this, args);
    };
  }
}

// ---------------------------------------------------------------------------------------------
// phases

interface IngestResult {
  events: number;
  cases: number;
  wallMs: number;
  generateMs: number;
  applyMs: number;
  validated: number;
  validateUs: number;
  stats: HistoryStats;
  /** Events the projection refused (none expected). */
  failed: number;
  /** CPU time of this process while applying (µs), of the database server (µs; null: not found), and the time spent waiting on statements (ms). */
  cpuUs: number;
  dbCpuUs: number | null;
  dbWaitMs: number;
}

async function ingest(ds: DataSource, settings: ReportingSettings, n: number, o: ReturnType<typeof parseArgs>): Promise<IngestResult> {
  const projection = new ProjectionHandlers(settings);
  const stats: HistoryStats = { cases: 0, events: 0, byType: new Map(), openAtNow: 0, lateAcceptance: 0, lateClosure: 0 };
  const gen = history({ cases: n, seed: o.seed, pii: settings.pii, policy: settings.policy, calendar: settings.calendar, now: NOW, warnDaysBefore: settings.warnDaysBefore ?? [5, 1] }, stats);
  const seenTypes = new Set<string>();
  let validated = 0;
  let validateMs = 0;
  let generateMs = 0;
  let applyMs = 0;
  let events = 0;
  const start = performance.now();
  let lastReport = start;
  let failed = 0;
  let cpuUs = 0;
  let dbCpuUs: number | null = 0;
  let dbWaitMs = 0;
  // A batch per transaction, as a batched consumer or the rebuild applies it: logged, its cases read once and written once, its counters once.
  const apply = (batch: EventEnvelope[]) =>
    ds.transaction(async (m) => {
      const failures = await projection.projectBatch(batch, m, { log: true });
      failed += failures.length;
      if (failures.length && failed <= 3) progress(`event ${failures[0].event.type} ${failures[0].event.eventId} failed: ${String((failures[0].error as Error)?.message ?? failures[0].error)}`);
    });
  for (;;) {
    const g0 = performance.now();
    const batch: EventEnvelope[] = [];
    for (let k = o.batch * o.streams; k > 0; k--) {
      const next = gen.next();
      if (next.done) break;
      const e = next.value;
      // Keep the generator honest: every type's first event, the first 2,000 and every 100th are validated as a consumer would.
      if (!seenTypes.has(e.type) || events + batch.length < 2000 || (events + batch.length) % 100 === 0) {
        seenTypes.add(e.type);
        const v0 = performance.now();
        validateEvent(JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
        validateMs += performance.now() - v0;
        validated++;
      }
      batch.push(e);
    }
    generateMs += performance.now() - g0;
    if (!batch.length) break;
    const a0 = performance.now();
    const c0 = process.cpuUsage();
    const d0 = dbServerCpuUs();
    const w0 = dbWait.ms;
    if (o.streams === 1) await apply(batch);
    else {
      const parts: EventEnvelope[][] = Array.from({ length: o.streams }, () => []);
      for (const e of batch) parts[hash(e.caseId) % o.streams].push(e);
      await Promise.all(parts.filter((p) => p.length).map(apply));
    }
    applyMs += performance.now() - a0;
    const c1 = process.cpuUsage(c0);
    cpuUs += c1.user + c1.system;
    const d1 = dbServerCpuUs();
    dbCpuUs = d0 === null || d1 === null || dbCpuUs === null ? null : dbCpuUs + (d1 - d0);
    dbWaitMs += dbWait.ms - w0;
    events += batch.length;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      progress(`ingest: ${fmt(events)} events, ${fmt(stats.cases)} cases, ${fmt(events / ((lastReport - start) / 1000))} events/s, load ${load()}`);
    }
  }
  return {
    events,
    cases: stats.cases,
    wallMs: performance.now() - start,
    generateMs,
    applyMs,
    validated,
    validateUs: (validateMs * 1000) / Math.max(1, validated),
    stats,
    failed,
    cpuUs,
    dbCpuUs,
    dbWaitMs,
  };
}

interface RebuildResult {
  wallMs: number;
  replayMs: number;
  total: number;
  identical: boolean | null;
  differences: string[];
  failures: number;
  state: string;
  error: string | null;
}

async function rebuild(ds: DataSource, queries: ReportingQueries, clock: Clock, settings: ReportingSettings): Promise<RebuildResult> {
  const r = new ReadModelRebuild(ds, queries, new EventGate(), clock, settings);
  const t0 = performance.now();
  await r.start({ username: 'bench', roles: ['admin'], unitCode: null });
  let replayStart = NaN;
  let replayEnd = NaN;
  let lastReport = t0;
  for (;;) {
    const s = r.current();
    if (s.done > 0 && Number.isNaN(replayStart)) replayStart = performance.now();
    if (s.done === s.total && s.total > 0 && Number.isNaN(replayEnd)) replayEnd = performance.now();
    if (s.state === 'done' || s.state === 'failed') {
      return {
        wallMs: performance.now() - t0,
        replayMs: replayEnd - replayStart,
        total: s.total,
        identical: s.identical,
        differences: s.differences,
        failures: s.failures.length,
        state: s.state,
        error: s.error,
      };
    }
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      progress(`rebuild: ${fmt(s.done)} / ${fmt(s.total)} events, load ${load()}`);
    }
    await sleep(100);
  }
}

interface ReadTiming {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  note: string;
}

async function reads(ds: DataSource, queries: ReportingQueries, runs: number, warmup = 2): Promise<ReadTiming[]> {
  const leader: Caller = { username: 'bench', roles: ['leader'], unitCode: null };
  const y2024 = { from: '2024-01-01', to: '2024-12-31' };
  // The busiest unit and first-level category of 2024, for the filtered summary.
  const [top] = (await ds.query(
    `SELECT unitCode, categoryTop, COUNT(*) AS n FROM rpt_case WHERE receivedAt >= '2023-12-31 16:00:00' AND receivedAt < '2024-12-31 16:00:00' AND unitCode IS NOT NULL GROUP BY unitCode, categoryTop ORDER BY n DESC LIMIT 1`,
  )) as { unitCode: string; categoryTop: string }[];
  const unitCode = top?.unitCode ?? UNITS[0];
  const category = top?.categoryTop ?? 'urban-rural-construction';
  const received = (r: unknown) => `received ${fmt((r as { received: { cases: number } }).received.cases)}`;
  const cases: [string, () => Promise<unknown>, (r: unknown) => string][] = [
    [
      'summary 2024',
      () => queries.summary(y2024, leader),
      (r) => {
        const s = r as { received: { cases: number }; closed: { total: number } };
        return `received ${fmt(s.received.cases)}, closed ${fmt(s.closed.total)}`;
      },
    ],
    [`summary 2024, unit ${unitCode} + ${category}`, () => queries.summary({ ...y2024, unitCode, category }, leader), received],
    ['breakdown by unit 2024', () => queries.breakdown({ ...y2024, by: 'unit' }, leader), (r) => `${(r as { items: unknown[] }).items.length} units`],
    ['breakdown by month 2024', () => queries.breakdown({ ...y2024, by: 'month' }, leader), (r) => `${(r as { items: unknown[] }).items.length} months`],
    // Filters that combine a unit or category with channel, authority or purpose (the wide rollups, tallies.ts).
    [`summary 2024, unit ${unitCode} + channel visit`, () => queries.summary({ ...y2024, unitCode, channel: 'visit' }, leader), received],
    ['summary 2024, authority provincial + purpose appeal', () => queries.summary({ ...y2024, authority: 'provincial', purpose: 'appeal' }, leader), received],
    [`summary 2024, ${category} + channel online`, () => queries.summary({ ...y2024, category, channel: 'online' }, leader), received],
    [`summary 2024, unit + ${category} + visit + appeal`, () => queries.summary({ ...y2024, unitCode, category, channel: 'visit', purpose: 'appeal' }, leader), received],
    [`breakdown by channel 2024, unit ${unitCode}`, () => queries.breakdown({ ...y2024, unitCode, by: 'channel' }, leader), (r) => `${(r as { items: unknown[] }).items.length} channels`],
    ['backlog', () => queries.backlog({}, leader), (r) => `${fmt((r as unknown[]).length)} open assigned cases`],
    [
      'drill-down onTimeClosure denom. p1',
      () => queries.reportCases({ ...y2024, figure: 'onTimeClosure', part: 'denominator', page: 1 }, leader),
      (r) => `total ${fmt((r as { total: number }).total)}`,
    ],
    ['case list overdue=true p1', () => queries.list({ overdue: true }, leader), (r) => `total ${fmt((r as { total: number }).total)}`],
  ];
  const result: ReadTiming[] = [];
  for (const [name, run, describe] of cases) {
    const t: number[] = [];
    let last: unknown = null;
    for (let i = 0; i < warmup; i++) last = await run(); // warm-up, not counted
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await run();
      t.push(performance.now() - t0);
      last ??= r;
    }
    t.sort((a, b) => a - b);
    result.push({ name, p50: percentile(t, 50), p95: percentile(t, 95), p99: percentile(t, 99), max: t[t.length - 1], note: describe(last) });
    progress(`read ${name}: p99 ${fmt(percentile(t, 99))} ms`);
  }
  return result;
}

function printReads(label: string, r: ReadTiming[], runs: number, warmup = 2): void {
  out(`\nREADS — ${label} (${runs} timed runs each after ${warmup} warm-up runs; ms; target p99 < ${TARGET_P99_MS} ms)`);
  table(
    ['read', 'p50', 'p95', 'p99', 'max', 'target', 'result'],
    r.map((x) => [x.name, fmt(x.p50, 1), fmt(x.p95, 1), fmt(x.p99, 1), fmt(x.max, 1), x.p99 < TARGET_P99_MS ? 'meets' : 'MISSES', x.note]),
    new Set([1, 2, 3, 4]),
  );
}

async function tableSizes(ds: DataSource): Promise<void> {
  const schema = String(ds.options.database);
  const tables = (await ds.query(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`, [schema])) as { t: string }[];
  for (const { t } of tables) await ds.query(`ANALYZE TABLE \`${t}\``);
  const rows = (await ds.query(
    `SELECT TABLE_NAME AS t, TABLE_ROWS AS n, DATA_LENGTH AS d, INDEX_LENGTH AS i FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY DATA_LENGTH + INDEX_LENGTH DESC`,
    [schema],
  )) as { t: string; n: unknown; d: unknown; i: unknown }[];
  const exact = new Map<string, number>();
  for (const { t } of rows) exact.set(t, Number(((await ds.query(`SELECT COUNT(*) AS n FROM \`${t}\``)) as { n: unknown }[])[0].n));
  const total = rows.reduce((a, r) => a + Number(r.d) + Number(r.i), 0);
  out(`\nTABLES (schema ${schema}; information_schema after ANALYZE TABLE; rows counted exactly)`);
  table(
    ['table', 'rows', 'data MB', 'index MB', 'total MB'],
    [...rows.map((r) => [r.t, fmt(exact.get(r.t) ?? 0), fmt(Number(r.d) / MB, 1), fmt(Number(r.i) / MB, 1), fmt((Number(r.d) + Number(r.i)) / MB, 1)]), ['all', '', '', '', fmt(total / MB, 1)]],
    new Set([1, 2, 3, 4]),
  );
}

function printMemory(): void {
  const m = process.memoryUsage();
  out(`\nMEMORY (this process): RSS ${fmt(m.rss / MB)} MB now, peak RSS ${fmt(process.resourceUsage().maxRSS / 1024)} MB; heap used ${fmt(m.heapUsed / MB)} MB`);
}

/** Copies the read model K−1 times with new ids (the UUID's version nibble replaced by the copy's digit: never an original id). */
async function replicate(ds: DataSource, k: number): Promise<number> {
  const cols = async (t: string) =>
    ((await ds.query(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, [t])) as { c: string }[]).map((r) => r.c);
  const t0 = performance.now();
  const digits = ['0', '1', '2', '3', '4', '5', '6', '8', '9'].slice(0, k - 1);
  const idOf = (c: string, d: string) => `CONCAT(LEFT(\`${c}\`, 14), '${d}', SUBSTRING(\`${c}\`, 16))`;
  for (const t of ['rpt_case', 'rpt_contact', 'rpt_act']) {
    const cs = await cols(t);
    for (const d of digits) {
      const select = cs.map((c) => (c === 'id' || c === 'caseId' ? idOf(c, d) : `\`${c}\``)).join(', ');
      await ds.query(`INSERT INTO \`${t}\` (${cs.map((c) => `\`${c}\``).join(', ')}) SELECT ${select} FROM \`${t}\` WHERE SUBSTRING(id, 15, 1) = '7'`);
    }
    progress(`replicated ${t}`);
  }
  // The counters of the copies: counted again from all the rows.
  await ds.transaction((m) => retally(m, 'Asia/Shanghai'));
  progress('counters counted again (retally)');
  return performance.now() - t0;
}

/** Deletes the copies (every id whose version nibble is not 7). */
async function unreplicate(ds: DataSource): Promise<void> {
  for (const t of ['rpt_act', 'rpt_contact', 'rpt_case']) await ds.query(`DELETE FROM \`${t}\` WHERE SUBSTRING(id, 15, 1) <> '7'`);
  await ds.transaction((m) => retally(m, 'Asia/Shanghai'));
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  meterStatements();
  const db = mysqlConfigFromUrl(process.env.BENCH_DATABASE_URL || 'mariadb://root:@127.0.0.1:3306/petition_bench_') as MysqlConfig;
  const settings: ReportingSettings = {
    timeZone: 'Asia/Shanghai',
    policy: { ...DEFAULT_POLICY, onUncoveredYear: 'withhold' },
    calendar: PrcCalendar.default(),
    readYourWritesTimeoutMs: 1000,
    warnDaysBefore: [5, 1],
    pii: new PiiKeyring({ id: 'bench', key: Buffer.alloc(32, 7) }),
  };
  const clock: Clock = { now: () => NOW };
  const conn = await admin(db);
  const [[v]] = (await conn.query(`SELECT VERSION() AS v, @@innodb_buffer_pool_size AS bp, @@innodb_flush_log_at_trx_commit AS f`)) as unknown as [{ v: string; bp: number; f: number }[]];
  await conn.end();
  out(`bench/reports — ${new Date().toISOString()} — git ${gitDescribe()}`);
  out(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average at start ${load()} (other work on the machine counts in every figure below)`);
  out(`database: ${v.v}, buffer pool ${fmt(Number(v.bp) / MB)} MB, innodb_flush_log_at_trx_commit=${v.f}; Node ${process.version}`);
  out(
    `options: ${o.readsOnly ? 'reads only (kept schema)' : `cases ${o.cases.map((c) => fmt(c)).join(', ')}; ${o.batch} events per transaction × ${o.streams} stream(s)`}; ${o.runs} runs per read after ${o.warmup} warm-up; seed ${o.seed}; reads as of ${NOW.toISOString()}`,
  );

  if (o.readsOnly) {
    // The reads again on the schema a run left (--keep), e.g. after --replicate: no drop, no ingest, no rebuild.
    const def = reportingService(settings);
    const ds = await new DataSource(dataSourceOptions('reporting', db, def.entities ?? [], def.migrations ?? [])).initialize();
    const [{ n }] = (await ds.query('SELECT COUNT(*) AS n FROM rpt_case')) as { n: unknown }[];
    out(`\n==================== reads only, on the kept schema: ${fmt(Number(n))} cases ====================`);
    const queries = new ReportingQueries(ds, clock, settings);
    printReads(`${fmt(Number(n))} cases (kept schema)`, await reads(ds, queries, o.runs, o.warmup), o.runs, o.warmup);
    await tableSizes(ds);
    printMemory();
    if (o.replicate) {
      // The same on the kept schema copied ×K (then the copies deleted again).
      const k = o.replicate;
      out(`\n---- ${fmt(Number(n) * k)} cases: the kept read model copied ×${k} (NOT ingested) ----`);
      const ms = await replicate(ds, k);
      out(`copied with INSERT … SELECT (new ids) and the counters counted again from the rows in ${secs(ms)}; the event log is not copied`);
      printReads(`${fmt(Number(n) * k)} cases (read model ×${k}, not ingested)`, await reads(ds, queries, o.runs, o.warmup), o.runs, o.warmup);
      await tableSizes(ds);
      await unreplicate(ds);
      out('copies deleted again');
    }
    await ds.destroy();
    out(`\nload average at the end ${load()}`);
    return;
  }
  let last: { ds: DataSource; queries: ReportingQueries; n: number; ingest: IngestResult } | null = null;
  const summary: string[] = [];
  for (const n of o.cases) {
    if (last) await last.ds.destroy();
    out(`\n==================== ${fmt(n)} cases ====================`);
    const ds = await freshDataSource(db, settings);
    const queries = new ReportingQueries(ds, clock, settings);

    const ing = await ingest(ds, settings, n, o);
    const rate = ing.events / (ing.wallMs / 1000);
    out(
      `\nINGEST — ${fmt(ing.events)} events of ${fmt(ing.cases)} cases (${fmt(ing.events / ing.cases, 2)} per case; incl. reception sessions), ProjectionHandlers.projectBatch (logged, counters kept), ${o.batch} events per transaction × ${o.streams}`,
    );
    table(
      ['', 'value'],
      [
        ['total time', secs(ing.wallMs)],
        ['  of which generating the history (this process)', secs(ing.generateMs)],
        ['  of which applying (transactions)', secs(ing.applyMs)],
        ['events/s (total)', fmt(rate)],
        ['events refused by the projection', fmt(ing.failed)],
        ['events/s (applying only)', fmt(ing.events / (ing.applyMs / 1000))],
        ['  CPU per event: this process (projection, driver)', `${fmt(ing.cpuUs / ing.events, 1)} µs`],
        ['  CPU per event: the database server (all its threads)', ing.dbCpuUs === null ? 'not measured (no local mariadbd/mysqld in /proc)' : `${fmt(ing.dbCpuUs / ing.events, 1)} µs`],
        ['  waiting on statements per event', `${fmt((ing.dbWaitMs * 1000) / ing.events, 1)} µs`],
        [`  ceiling on ${cpus().length} cores (both busy all the time)`, ing.dbCpuUs === null ? '—' : `${fmt((cpus().length * 1e6) / ((ing.cpuUs + ing.dbCpuUs) / ing.events))} events/s`],
        [`target ≥ ${fmt(TARGET_EVENTS_PER_S)}/s`, rate >= TARGET_EVENTS_PER_S ? 'meets' : `MISSES (${fmt((100 * rate) / TARGET_EVENTS_PER_S, 1)} % of it)`],
        ['validated with validateEvent (sample)', `${fmt(ing.validated)} events, all valid, ${fmt(ing.validateUs)} µs each (the live consumer validates every event: not in the rate)`],
        ['cases open at the clock', fmt(ing.stats.openAtNow)],
        ['late acceptances / late closures (generated)', `${fmt(ing.stats.lateAcceptance)} / ${fmt(ing.stats.lateClosure)}`],
      ],
    );
    out(
      'events by type: ' +
        [...ing.stats.byType]
          .sort((a, b) => b[1] - a[1])
          .map(([t, c]) => `${t} ${fmt(c)}`)
          .join(', '),
    );
    if (n < 1_000_000) {
      const per = ing.events / ing.cases;
      out(
        `EXTRAPOLATION (not measured): 1,000,000 cases ≈ ${fmt((per * 1e6) / 1e6, 1)} M events; at ${fmt(rate)} events/s ≈ ${fmt((per * 1e6) / rate / 60)} min to ingest (tables 10× larger: likely slower, not faster)`,
      );
    }
    summary.push(`${fmt(n)} cases: ingest ${fmt(rate)} events/s (${secs(ing.wallMs)})`);

    const r = await reads(ds, queries, o.runs, o.warmup);
    printReads(`${fmt(n)} cases (ingested)`, r, o.runs, o.warmup);
    summary.push(`${fmt(n)} cases: reads p99 ${r.map((x) => `${x.name.split(' ')[0]} ${fmt(x.p99)}`).join(', ')} ms`);
    await tableSizes(ds);
    printMemory();
    if (o.replicate && n === o.cases[o.cases.length - 1]) {
      const k = o.replicate;
      out(`\n---- ${fmt(n * k)} cases: the read model of ${fmt(n)} copied ×${k} (NOT ingested) ----`);
      const ms = await replicate(ds, k);
      out(`copied with INSERT … SELECT (new ids) in ${secs(ms)}: the same distribution ×${k} (counts ×${k}, rates unchanged); the event log is not copied`);
      const rk = await reads(ds, queries, o.runs, o.warmup);
      printReads(`${fmt(n * k)} cases (read model ×${k} of ${fmt(n)}, not ingested)`, rk, o.runs, o.warmup);
      summary.push(`${fmt(n * k)} cases (×${k} copy): reads p99 ${rk.map((x) => `${x.name.split(' ')[0]} ${fmt(x.p99)}`).join(', ')} ms`);
      await tableSizes(ds);
      printMemory();
      const d0 = performance.now();
      await unreplicate(ds);
      out(`\ncopies deleted again (${secs(performance.now() - d0)}): back to the ${fmt(n)} ingested cases for the rebuild`);
    }
    if (!o.skipRebuild) {
      const rb = await rebuild(ds, queries, clock, settings);
      const replayRate = rb.total / (rb.replayMs / 1000);
      out(
        `\nREBUILD — ReadModelRebuild.start(): figures before, tables emptied, ${fmt(rb.total)} logged events replayed (validateEvent + projectBatch, 1,000 per transaction: one read and one write of its cases, one counter write), figures after`,
      );
      table(
        ['', 'value'],
        [
          ['state', rb.state + (rb.error ? ` (${rb.error})` : '')],
          ['total time', secs(rb.wallMs)],
          ['  of which replaying (first to last batch, polled every 100 ms)', secs(rb.replayMs)],
          ['  of which the figures before and after', secs(rb.wallMs - rb.replayMs)],
          ['events/s (total)', fmt(rb.total / (rb.wallMs / 1000))],
          ['events/s (replay)', fmt(replayRate)],
          ['identical', String(rb.identical) + (rb.differences.length ? ` — differ: ${rb.differences.join(', ')}` : '')],
          ['events that failed to apply again', fmt(rb.failures)],
        ],
      );
      if (n < 1_000_000) out(`EXTRAPOLATION (not measured): a rebuild of 1,000,000 cases ≈ ${fmt(((ing.events / ing.cases) * 1e6) / (rb.total / (rb.wallMs / 1000)) / 60)} min at this rate`);
      summary.push(`${fmt(n)} cases: rebuild ${secs(rb.wallMs)}, identical ${rb.identical}`);
    }

    if (!o.skipRebuild) await tableSizes(ds);
    last = { ds, queries, n, ingest: ing };
  }

  if (last) await last.ds.destroy();
  if (!o.keep) await dropSchema(db);
  else out(`\nschema ${databaseName(db, 'reporting')} kept (--keep)`);
  out(`\nload average at the end ${load()}`);
  out('\nSUMMARY');
  for (const s of summary) out(`  ${s}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench/reports broke: ${(e as Error)?.stack ?? e}`);
    process.exit(1);
  },
);
