/**
 * bench/throughput — the platform under test, started by the bench or given by a URL.
 *
 * Distributed: the five services and the gateway as separate processes (`node dist/apps/<name>/
 * main.js`, as test/integration/support/cluster.ts starts them) on Kafka, MariaDB and Redis,
 * isolated by the run's schemas (`pit_<run>_<service>`), topic (`petition.case-events.v1.<run>`)
 * and BullMQ prefix (`pit-<run>`). Embedded: `node dist/apps/embedded/main.js` (what `npm start`
 * runs after building) with a DATA_DIR of its own (SQLite). Each process is started with the
 * statement counter preloaded (sql-count.ts) and an IPC channel to ask it; logs go to files in
 * the run's directory. Settings are the product's defaults, except what a bench needs: the login
 * throttle per address raised (every client signs in from 127.0.0.1, before the levels), free
 * ports, the run's names, fixed secrets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { freePort } from '../../test/support/net.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import mysql from 'mysql2/promise';
import { listeningPid, progress, sleep, Tally } from './stats.js';

export const SERVICES = ['intake', 'assignment', 'deadline', 'closure', 'reporting'] as const;
/** The tables that hold one row per case, by service (the fault check compares them). */
export const CASE_TABLES: Record<string, string> = { intake: 'intake_case', assignment: 'assignment_case', deadline: 'deadline_case', closure: 'closure_case', reporting: 'rpt_case' };

export type SqlCounts = Record<string, Record<string, number>>;

export interface Proc {
  name: string;
  pid: number;
  child?: ChildProcess;
}

export interface Infra {
  mysqlUrl: string; // mariadb://root:@127.0.0.1:3306/
  kafkaBrokers: string;
  redisUrl: string;
}

export interface DrainResult {
  ok: boolean;
  ms: number;
  detail: string;
}

export function mysqlOptions(url: string): { host: string; port: number; user: string; password: string } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) };
}

/** What every platform answers: its processes, its stores for the checks, its statement counters. */
export abstract class Platform {
  abstract readonly mode: 'distributed' | 'embedded';
  url = '';
  adminPassword = '';
  procs: Proc[] = [];
  /** Started by the bench (and so stopped and cleaned up by it). */
  abstract readonly own: boolean;
  /** The statements the bench itself sent to the database server (subtracted from the global counts). */
  readonly ownStatements = new Tally();
  private nextMsg = 1;

  /** Per process: the statements it sent since it started (null: not instrumented). */
  async sqlCounts(): Promise<Map<string, SqlCounts> | null> {
    const withIpc = this.procs.filter((p) => p.child?.connected);
    if (!withIpc.length) return null;
    const result = new Map<string, SqlCounts>();
    await Promise.all(
      withIpc.map(
        (p) =>
          new Promise<void>((resolve) => {
            const id = this.nextMsg++;
            const timer = setTimeout(() => {
              p.child!.off('message', onMessage);
              resolve();
            }, 3000);
            const onMessage = (m: unknown) => {
              const msg = m as { type?: string; id?: number; counts?: SqlCounts };
              if (msg?.type !== 'bench:sql-counts' || msg.id !== id) return;
              clearTimeout(timer);
              p.child!.off('message', onMessage);
              result.set(p.name, msg.counts ?? {});
              resolve();
            };
            p.child!.on('message', onMessage);
            p.child!.send({ type: 'bench:sql-counts', id }, (e) => e && resolve());
          }),
      ),
    );
    return result;
  }

  /** Waits until every event committed so far has been applied by every consumer. */
  abstract drain(timeoutMs: number): Promise<DrainResult>;
  /** The ids of the cases in the intake store (created at or after `since`, when given); null when the store is not reachable. */
  abstract intakeCaseIds(since?: Date): Promise<string[] | null>;
  /** Rows in the intake contacts table (since), or null. */
  abstract intakeContacts(since?: Date): Promise<number | null>;
  /** Per service, the rows of its case table (null when not reachable). */
  abstract caseCounts(): Promise<Record<string, number> | null>;
  abstract stop(): Promise<void>;
  abstract cleanup(): Promise<void>;
  /** Where the logs are, for the report. */
  logDir = '';
  describe(): string[] {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// processes

interface SpawnSpec {
  name: string;
  script: string; // dist/apps/<x>/main.js
  env: NodeJS.ProcessEnv;
  logFile: string;
  preload: string;
}

function spawnProcess(spec: SpawnSpec): ChildProcess {
  const fd = openSync(spec.logFile, 'a');
  try {
    // Logs straight into the file (not through the bench's event loop); an IPC channel for the statement counts.
    // Detached: a Ctrl-C reaches the bench, which stops them in order (and leaves them with --keep).
    return spawn(process.execPath, ['--import', spec.preload, spec.script], { env: spec.env, stdio: ['ignore', fd, fd, 'ipc'], detached: true, cwd: process.cwd() });
  } finally {
    closeSync(fd);
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc && proc.exitCode !== null) throw new Error(`${what}: process exited with ${proc.exitCode}`);
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

async function stopProcs(procs: Proc[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      const c = p.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }),
  );
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    TZ: process.env.TZ ?? 'Asia/Shanghai',
    // Every client of the bench signs in from 127.0.0.1 before the levels (a user per client).
    LOGIN_RATE_PER_ADDRESS: '100000',
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// distributed

export class DistributedPlatform extends Platform {
  readonly mode = 'distributed' as const;
  readonly own: boolean;
  dbPrefix: string | null;
  topic: string | null;
  bullPrefix: string | null;
  private conn: Promise<{ c: mysql.Connection; id: number }> | null = null;
  private kafka: Kafka | null = null;
  private admin: Admin | null = null;
  private outboxSchemas: string[] | null = null;
  /** The processes' ports (services: internal; gateway: public). */
  readonly ports = new Map<string, number>();

  constructor(
    private readonly infra: Infra,
    opts: { runId?: string; dbPrefix?: string | null; topic?: string | null; own: boolean },
  ) {
    super();
    this.own = opts.own;
    this.dbPrefix = opts.runId ? `pit_${opts.runId}_` : (opts.dbPrefix ?? null);
    this.topic = opts.runId ? `petition.case-events.v1.${opts.runId}` : (opts.topic ?? null);
    this.bullPrefix = opts.runId ? `pit-${opts.runId}` : null;
  }

  /** Starts the five services, then the gateway, and waits until the gateway is ready (every service answering). */
  async start(runDir: string, preload: string, extraEnv: Record<string, string>): Promise<void> {
    this.logDir = runDir;
    this.adminPassword ||= `bench-admin-${randomBytes(6).toString('hex')}`;
    const ports = this.ports;
    for (const n of [...SERVICES, 'gateway', 'gateway-metrics']) ports.set(n, await freePort());
    const base = this.infra.mysqlUrl.endsWith('/') ? this.infra.mysqlUrl : this.infra.mysqlUrl + '/';
    const urls = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${ports.get(s)}`]));
    const piiKey = randomBytes(32).toString('base64');
    const token = `bench-internal-${randomBytes(8).toString('hex')}`;
    const env = (name: string) =>
      baseEnv({
        SERVICE: name,
        PORT: String(ports.get(name)),
        HOST: '127.0.0.1',
        DATABASE_URL: `${base}${this.dbPrefix}`,
        KAFKA_BROKERS: this.infra.kafkaBrokers,
        KAFKA_TOPIC: this.topic!,
        REDIS_URL: this.infra.redisUrl,
        BULLMQ_PREFIX: this.bullPrefix!,
        INTERNAL_TOKEN: token,
        JWT_SECRET: 'bench-throughput-jwt-secret-bench-throughput-jwt-secret',
        PII_KEY: piiKey,
        PII_KEY_ID: 'bench1',
        ADMIN_PASSWORD: this.adminPassword,
        BENCH_COUNT_MYSQL: '1',
        ...(name === 'gateway' ? { METRICS_PORT: String(ports.get('gateway-metrics')) } : {}),
        ...urls,
        ...extraEnv,
      });
    const start = async (name: string) => {
      const child = spawnProcess({ name, script: join(process.cwd(), 'dist/apps', name, 'main.js'), env: env(name), logFile: join(runDir, `${name}.log`), preload });
      const p: Proc = { name, pid: child.pid!, child };
      this.procs.push(p);
      const port = ports.get(name)!;
      const probe = name === 'gateway' ? `http://127.0.0.1:${port}/api/v1/health/ready` : `http://127.0.0.1:${port}/health/ready`;
      await waitFor(`${name} (log: ${join(runDir, name + '.log')})`, async () => (await fetch(probe)).status === 200, 120_000, child);
    };
    await Promise.all(SERVICES.map(start));
    await start('gateway');
    this.url = `http://127.0.0.1:${ports.get('gateway')}`;
  }

  /** The bench's one connection to the server (its id known, so the process list can leave it out). */
  private db(): Promise<{ c: mysql.Connection; id: number }> {
    this.conn ??= (async () => {
      const c = await mysql.createConnection({ ...mysqlOptions(this.infra.mysqlUrl), timezone: 'Z' });
      this.ownStatements.add('SELECT');
      const [rows] = await c.query('SELECT CONNECTION_ID() AS id');
      return { c, id: Number((rows as { id: number }[])[0].id) };
    })();
    return this.conn;
  }

  /** A statement of the bench's own on the server (counted, so the global counts can leave it out). */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const kind = /^\s*(\w+)/.exec(sql)?.[1].toUpperCase() ?? 'OTHER';
    this.ownStatements.add(kind);
    const { c } = await this.db();
    const [rows] = await c.query(sql, params);
    return rows as T[];
  }

  private async schemasWithOutbox(): Promise<string[]> {
    if (this.outboxSchemas) return this.outboxSchemas;
    if (!this.dbPrefix) return [];
    const rows = await this.query<{ s: string }>(`SELECT TABLE_SCHEMA AS s FROM information_schema.TABLES WHERE TABLE_NAME = 'outbox' AND TABLE_SCHEMA LIKE ?`, [
      `${this.dbPrefix.replace(/_/g, '\\_')}%`,
    ]);
    this.outboxSchemas = rows.map((r) => r.s);
    return this.outboxSchemas;
  }

  private async kafkaAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    this.kafka = new Kafka({ clientId: 'bench-throughput', brokers: this.infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    return this.admin;
  }

  /** Outbox rows not yet published, per schema, and messages not yet consumed, per group. */
  async backlog(): Promise<{ outbox: number; lag: number; detail: string }> {
    let outbox = 0;
    const parts: string[] = [];
    for (const s of await this.schemasWithOutbox()) {
      const [r] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${s}\`.outbox WHERE publishedAt IS NULL`);
      const n = Number(r.n);
      outbox += n;
      if (n) parts.push(`${s.slice(this.dbPrefix!.length)} outbox ${n}`);
    }
    let lag = 0;
    if (this.topic) {
      const admin = await this.kafkaAdmin();
      const ends = await admin.fetchTopicOffsets(this.topic);
      for (const s of SERVICES) {
        const [committed] = await admin.fetchOffsets({ groupId: `${this.topic}.${s}`, topics: [this.topic] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        let n = 0;
        for (const e of ends) {
          const done = at.get(e.partition) ?? -1;
          n += Math.max(0, Number(e.high) - (done < 0 ? Number(e.low) : done));
        }
        lag += n;
        if (n) parts.push(`${s} lag ${n}`);
      }
    }
    return { outbox, lag, detail: parts.join(', ') || 'none' };
  }

  async drain(timeoutMs: number): Promise<DrainResult> {
    const t0 = performance.now();
    if (!this.dbPrefix && !this.topic) {
      await sleep(5000);
      return { ok: true, ms: 5000, detail: 'no database prefix or topic given: waited 5 s' };
    }
    let last = '';
    while (performance.now() - t0 < timeoutMs) {
      const b = await this.backlog();
      if (b.outbox === 0 && b.lag === 0) return { ok: true, ms: performance.now() - t0, detail: '' };
      last = b.detail;
      await sleep(250);
    }
    return { ok: false, ms: performance.now() - t0, detail: `still waiting after ${timeoutMs / 1000} s: ${last}` };
  }

  async intakeCaseIds(since?: Date): Promise<string[] | null> {
    if (!this.dbPrefix) return null;
    const rows = await this.query<{ id: string }>(`SELECT id FROM \`${this.dbPrefix}intake\`.intake_case${since ? ' WHERE createdAt >= ?' : ''}`, since ? [since] : []);
    return rows.map((r) => r.id);
  }

  async intakeContacts(since?: Date): Promise<number | null> {
    if (!this.dbPrefix) return null;
    const [r] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${this.dbPrefix}intake\`.intake_contact${since ? ' WHERE enteredAt >= ?' : ''}`, since ? [since] : []);
    return Number(r.n);
  }

  async caseCounts(): Promise<Record<string, number> | null> {
    if (!this.dbPrefix) return null;
    const out: Record<string, number> = {};
    for (const [s, t] of Object.entries(CASE_TABLES)) {
      try {
        const [r] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${this.dbPrefix}${s}\`.\`${t}\``);
        out[s] = Number(r.n);
      } catch {
        out[s] = NaN;
      }
    }
    return out;
  }

  /** SHOW GLOBAL STATUS as numbers. */
  async globalStatus(): Promise<Map<string, number>> {
    const rows = await this.query<{ Variable_name: string; Value: string }>('SHOW GLOBAL STATUS');
    const m = new Map<string, number>();
    for (const r of rows) {
      const v = Number(r.Value);
      if (Number.isFinite(v)) m.set(r.Variable_name, v);
    }
    return m;
  }

  /** Connections of other clients of the server that are running a statement now (not ours: not in the run's schemas, not the bench's). */
  async othersActive(): Promise<number> {
    if (!this.dbPrefix) return 0;
    const rows = await this.query<{ Id: number; db: string | null; Command: string }>('SHOW FULL PROCESSLIST');
    const { id } = await this.db();
    return rows.filter((r) => Number(r.Id) !== id && r.Command !== 'Sleep' && r.Command !== 'Daemon' && r.Command !== 'Binlog Dump' && !(r.db ?? '').startsWith(this.dbPrefix!)).length;
  }

  async stop(): Promise<void> {
    await stopProcs(this.procs);
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
    const conn = await this.conn?.catch(() => null);
    await conn?.c.end().catch(() => undefined);
    this.conn = null;
  }

  /** Drops the run's schemas (`pit_<run>_*`), deletes its topics and its BullMQ keys. */
  async cleanup(): Promise<void> {
    if (!this.own || !this.dbPrefix || !this.topic || !this.bullPrefix) return;
    const conn = await mysql.createConnection(mysqlOptions(this.infra.mysqlUrl));
    try {
      const [rows] = await conn.query(`SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?`, [`${this.dbPrefix.replace(/_/g, '\\_')}%`]);
      for (const { s } of rows as { s: string }[]) await conn.query(`DROP DATABASE IF EXISTS \`${s}\``);
    } finally {
      await conn.end();
    }
    const admin = await this.kafkaAdmin().catch(() => null);
    if (admin) {
      const mine = (await admin.listTopics()).filter((t) => t === this.topic || t.startsWith(`${this.topic}.`));
      if (mine.length) await admin.deleteTopics({ topics: mine }).catch((e) => progress(`could not delete topics ${mine.join(', ')}: ${(e as Error).message}`));
    }
    const redis = new Redis(this.infra.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.bullPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }

  override describe(): string[] {
    return [
      `schemas ${this.dbPrefix ?? '?'}*, topic ${this.topic ?? '?'}, BullMQ prefix ${this.bullPrefix ?? '—'} on ${this.infra.redisUrl}`,
      `processes ${this.procs.map((p) => `${p.name} ${p.pid}`).join(', ')}`,
    ];
  }
}

// ---------------------------------------------------------------------------------------------
// embedded

export class EmbeddedPlatform extends Platform {
  readonly mode = 'embedded' as const;
  readonly own: boolean;
  private readonly dbs = new Map<string, Database.Database>();

  constructor(
    public dataDir: string | null,
    opts: { own: boolean },
  ) {
    super();
    this.own = opts.own;
  }

  async start(runDir: string, preload: string, extraEnv: Record<string, string>): Promise<void> {
    this.logDir = runDir;
    this.adminPassword ||= `bench-admin-${randomBytes(6).toString('hex')}`;
    const port = await freePort();
    mkdirSync(this.dataDir!, { recursive: true, mode: 0o700 });
    const env = baseEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: this.dataDir!, ADMIN_PASSWORD: this.adminPassword, BENCH_COUNT_SQLITE: '1', ...extraEnv });
    const child = spawnProcess({ name: 'embedded', script: join(process.cwd(), 'dist/apps/embedded/main.js'), env, logFile: join(runDir, 'embedded.log'), preload });
    this.procs.push({ name: 'embedded', pid: child.pid!, child });
    this.url = `http://127.0.0.1:${port}`;
    await waitFor(`embedded (log: ${join(runDir, 'embedded.log')})`, async () => (await fetch(`${this.url}/api/v1/health/ready`)).status === 200, 120_000, child);
  }

  private sqlite(service: string): Database.Database | null {
    if (!this.dataDir) return null;
    const existing = this.dbs.get(service);
    if (existing) return existing;
    const file = join(this.dataDir, `${service}.sqlite`);
    if (!existsSync(file)) return null;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    this.dbs.set(service, db);
    return db;
  }

  async backlog(): Promise<{ outbox: number; detail: string }> {
    let outbox = 0;
    const parts: string[] = [];
    for (const s of [...SERVICES, 'gateway']) {
      const db = this.sqlite(s);
      if (!db) continue;
      const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'`).get();
      if (!has) continue;
      const n = Number((db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE publishedAt IS NULL').get() as { n: number }).n);
      outbox += n;
      if (n) parts.push(`${s} outbox ${n}`);
    }
    return { outbox, detail: parts.join(', ') || 'none' };
  }

  async drain(timeoutMs: number): Promise<DrainResult> {
    const t0 = performance.now();
    if (!this.dataDir) {
      await sleep(5000);
      return { ok: true, ms: 5000, detail: 'no --data-dir given: waited 5 s' };
    }
    let last = '';
    while (performance.now() - t0 < timeoutMs) {
      const b = await this.backlog();
      if (b.outbox === 0) return { ok: true, ms: performance.now() - t0, detail: '' };
      last = b.detail;
      await sleep(250);
    }
    return { ok: false, ms: performance.now() - t0, detail: `still waiting after ${timeoutMs / 1000} s: ${last}` };
  }

  /** TypeORM keeps a datetime in SQLite as 'YYYY-MM-DD HH:MM:SS.SSS' (UTC). */
  private static at(d: Date): string {
    return d.toISOString().replace('T', ' ').replace('Z', '');
  }

  async intakeCaseIds(since?: Date): Promise<string[] | null> {
    const db = this.sqlite('intake');
    if (!db) return null;
    const rows = (since ? db.prepare('SELECT id FROM intake_case WHERE createdAt >= ?').all(EmbeddedPlatform.at(since)) : db.prepare('SELECT id FROM intake_case').all()) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async intakeContacts(since?: Date): Promise<number | null> {
    const db = this.sqlite('intake');
    if (!db) return null;
    const r = (since ? db.prepare('SELECT COUNT(*) AS n FROM intake_contact WHERE enteredAt >= ?').get(EmbeddedPlatform.at(since)) : db.prepare('SELECT COUNT(*) AS n FROM intake_contact').get()) as {
      n: number;
    };
    return Number(r.n);
  }

  async caseCounts(): Promise<Record<string, number> | null> {
    if (!this.dataDir) return null;
    const out: Record<string, number> = {};
    for (const [s, t] of Object.entries(CASE_TABLES)) {
      try {
        const db = this.sqlite(s);
        out[s] = db ? Number((db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n) : NaN;
      } catch {
        out[s] = NaN;
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const db of this.dbs.values()) db.close();
    this.dbs.clear();
    await stopProcs(this.procs);
  }

  async cleanup(): Promise<void> {
    if (this.own && this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  override describe(): string[] {
    return [`DATA_DIR ${this.dataDir ?? '?'}`, `process ${this.procs.map((p) => `${p.name} ${p.pid}`).join(', ')}`];
  }
}

/** The processes of a running platform given by URL: the one listening on its port (and, distributed, on the services' ports given). */
export function discoverProcs(url: string, mode: 'distributed' | 'embedded', servicePorts: Record<string, number>): Proc[] {
  const procs: Proc[] = [];
  const port = Number(new URL(url).port || 80);
  const gw = listeningPid(port);
  if (gw) procs.push({ name: mode === 'embedded' ? 'embedded' : 'gateway', pid: gw });
  for (const [name, p] of Object.entries(servicePorts)) {
    const pid = listeningPid(p);
    if (pid && pid !== gw) procs.push({ name, pid });
  }
  return procs;
}
