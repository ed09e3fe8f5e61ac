import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { KAFKA_BROKERS, MYSQL_URL, REDIS_URL } from './infra.js';
import { freePort } from '../../support/net.js';

export const SERVICES = ['intake', 'assignment', 'deadline', 'closure', 'reporting'] as const;
export type ProcessName = (typeof SERVICES)[number] | 'gateway';

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc && proc.exitCode !== null) throw new Error(`${what}: process exited with ${proc.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

/**
 * The distributed deployment as separate OS processes (node dist/apps/<name>/main.js) on real
 * Kafka, MariaDB and Redis, isolated per run by database prefix, topic and BullMQ prefix.
 */
export class Cluster {
  readonly runId = `it${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  readonly topic = `petition.case-events.v1.${this.runId}`;
  readonly dbPrefix = `pit_${this.runId}_`;
  readonly bullPrefix = `pit-${this.runId}`;
  readonly adminPassword = 'integration-admin-pw';
  /** The run's PII key (base64 of 32 bytes): a test may open what the services sealed. */
  readonly piiKey = randomBytes(32).toString('base64');
  readonly logDir: string;
  readonly ports = new Map<string, number>();
  private readonly procs = new Map<string, ChildProcess>();

  /** `perProcess`: extra environment of one kind of process (e.g. the deadline service's clock). */
  constructor(
    private readonly extraEnv: Record<string, string> = {},
    private readonly perProcess: Partial<Record<ProcessName, Record<string, string>>> = {},
  ) {
    this.logDir = join(process.cwd(), 'test-logs', this.runId);
    mkdirSync(this.logDir, { recursive: true });
  }

  get url(): string {
    return `http://127.0.0.1:${this.ports.get('gateway')}`;
  }

  databaseName(service: string): string {
    return `${this.dbPrefix}${service}`;
  }

  private env(name: ProcessName, instance: string, overrides: Record<string, string>): NodeJS.ProcessEnv {
    const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
    const urls = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${this.ports.get(s)}`]));
    return {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      SERVICE: name,
      PORT: String(this.ports.get(instance)),
      HOST: '127.0.0.1',
      DATABASE_URL: `${base}${this.dbPrefix}`,
      KAFKA_BROKERS,
      KAFKA_TOPIC: this.topic,
      REDIS_URL,
      BULLMQ_PREFIX: this.bullPrefix,
      INTERNAL_TOKEN: 'integration-internal-token',
      JWT_SECRET: 'integration-jwt-secret-integration-jwt-secret',
      // Intake and reporting seal personal data with it (required there in distributed mode).
      PII_KEY: this.piiKey,
      PII_KEY_ID: 'it1',
      ADMIN_PASSWORD: this.adminPassword,
      RELAY_POLL_MS: '100',
      ...(name === 'gateway' && this.ports.has(`${instance}-metrics`) ? { METRICS_PORT: String(this.ports.get(`${instance}-metrics`)) } : {}),
      ...urls,
      ...this.extraEnv,
      ...this.perProcess[name],
      ...overrides,
    };
  }

  /** Starts the five services and the gateway; `deferred` services get their ports but are left for the caller to start. */
  async startAll(deferred: ProcessName[] = []): Promise<void> {
    for (const name of [...SERVICES, 'gateway', 'gateway-metrics']) this.ports.set(name, await freePort());
    await Promise.all(SERVICES.filter((s) => !deferred.includes(s)).map((s) => this.start(s)));
    await this.start('gateway');
  }

  /** Starts a process; `instance` names a second copy of the same service (its own port and log). */
  async start(name: ProcessName, overrides: Record<string, string> = {}, instance: string = name): Promise<void> {
    if (!this.ports.has(instance)) this.ports.set(instance, await freePort());
    if (name === 'gateway' && !this.ports.has(`${instance}-metrics`)) this.ports.set(`${instance}-metrics`, await freePort());
    const log = createWriteStream(join(this.logDir, `${instance}.log`), { flags: 'a' });
    const proc = spawn(process.execPath, [join(process.cwd(), 'dist/apps', name, 'main.js')], { env: this.env(name, instance, overrides), stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.pipe(log);
    proc.stderr!.pipe(log);
    this.procs.set(instance, proc);
    const port = this.ports.get(instance)!;
    const probe = name === 'gateway' ? `http://127.0.0.1:${port}/api/v1/health` : `http://127.0.0.1:${port}/internal/queries/none`;
    await waitFor(`${instance} (log: ${join(this.logDir, instance + '.log')})`, async () => (await fetch(probe, { method: name === 'gateway' ? 'GET' : 'POST' })).status < 500, 60000, proc);
  }

  /** The lines a process has written to its log so far (JSON lines in distributed mode). */
  logLines(instance: ProcessName | string): string[] {
    const file = join(this.logDir, `${instance}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** A process's Prometheus metrics: the services on their internal port, the gateway on METRICS_PORT. */
  async metrics(instance: ProcessName): Promise<string> {
    const port = this.ports.get(instance === 'gateway' ? 'gateway-metrics' : instance);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    if (!res.ok) throw new Error(`${instance} /metrics: HTTP ${res.status}`);
    return res.text();
  }

  /** kill -9: no shutdown hooks, no flush — the crash the outbox must survive. */
  async kill(name: string): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
    this.procs.delete(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.procs.entries()].map(async ([, proc]) => {
        if (proc.exitCode !== null) return;
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(t);
      }),
    );
    this.procs.clear();
  }

  async query<T = Record<string, unknown>>(service: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const u = new URL(MYSQL_URL);
    const conn = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
      database: this.databaseName(service),
      timezone: 'Z',
    });
    try {
      const [rows] = await conn.query(sql, params);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  /** Leaves nothing behind: the run's databases, its topics and its BullMQ keys. */
  async cleanup(): Promise<void> {
    await this.dropDatabases().catch(() => undefined);
    const kafka = new Kafka({ clientId: 'it-cleanup', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin
      .connect()
      .then(async () => {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(this.topic));
        if (mine.length) await admin.deleteTopics({ topics: mine });
      })
      .catch(() => undefined)
      .finally(() => admin.disconnect());
    const redis = new Redis(REDIS_URL);
    try {
      for (;;) {
        const keys = await redis.keys(`${this.bullPrefix}:*`);
        if (!keys.length) break;
        await redis.del(...keys.slice(0, 500));
      }
    } finally {
      redis.disconnect();
    }
  }

  async dropDatabases(): Promise<void> {
    const u = new URL(MYSQL_URL);
    const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) });
    try {
      for (const s of [...SERVICES, 'gateway']) await conn.query(`DROP DATABASE IF EXISTS \`${this.databaseName(s)}\``);
    } finally {
      await conn.end();
    }
  }
}
