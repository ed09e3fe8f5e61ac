import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { DataSource, MigrationExecutor } from 'typeorm';
import { loadConfig, PiiKeyring } from '#libs/common';
import { databaseName, dataSourceOptions, migrate } from '#libs/persistence';
import { EmbeddedConfig, piiKeyring } from '#libs/runtime';
import { embeddedPiiKeyring, embeddedServiceDefinitions } from '../../../embedded/src/embedded.js';
import { GATEWAY_MIGRATIONS } from '../../../gateway/src/migrations/index.js';
import { connectControl } from '../control-client.js';
import { adminMode, type AdminMode } from '../mode.js';
import { progress } from '../progress.js';
import { UsageError, type AdminCommand } from './command.js';
import { parseOptions } from './dead-letters.js';

interface ServiceMigrations {
  service: string;
  migrations: Function[];
}

/** The state of one service's database. */
interface MigrationState {
  service: string;
  database: string;
  /** False when the database (SQLite file, MySQL schema) does not exist yet. */
  exists: boolean;
  applied: string[];
  pending: string[];
  /** Applied in the database but not known to this version of the code (a newer release ran). */
  unknown: string[];
}

/**
 * Each service's migrations as the platform runs them: the five services' definitions (with the
 * keyring the personal-data migrations need — embedded: DATA_DIR's, distributed: PII_KEY; for
 * `show` a throw-away one, which only names them), then the gateway's.
 */
function serviceMigrations(mode: AdminMode, forRun: boolean): ServiceMigrations[] {
  let pii: PiiKeyring;
  if (mode.kind === 'embedded') pii = forRun ? embeddedPiiKeyring(mode.embedded!, mode.dataDir!) : PiiKeyring.ephemeral();
  else pii = process.env.PII_KEY ? piiKeyring(process.env) : PiiKeyring.ephemeral();
  // Only the migration classes are read here: the other settings keep their defaults (a
  // CALENDAR_FILE of the services' hosts need not exist where the command runs).
  const config = mode.embedded ? loadConfig(EmbeddedConfig, { DATA_DIR: mode.dataDir }) : loadConfig(EmbeddedConfig, {});
  return [...embeddedServiceDefinitions(config, pii).map((d) => ({ service: d.name, migrations: d.migrations })), { service: 'gateway', migrations: GATEWAY_MIGRATIONS }];
}

async function databaseExists(mode: AdminMode, service: string): Promise<boolean> {
  if (mode.db.driver === 'sqlite') return existsSync(databaseName(mode.db, service));
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({ host: mode.db.host, port: mode.db.port, user: mode.db.user, password: mode.db.password });
  try {
    const [rows] = await conn.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [databaseName(mode.db, service)]);
    return (rows as unknown[]).length > 0;
  } finally {
    await conn.end();
  }
}

async function withDataSource<T>(mode: AdminMode, s: ServiceMigrations, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource(dataSourceOptions(s.service, mode.db, [], s.migrations));
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy().catch(() => undefined);
  }
}

const nameOf = (m: Function): string => (m as { name?: string }).name ?? String(m);

async function stateOf(mode: AdminMode, s: ServiceMigrations): Promise<MigrationState> {
  const database = databaseName(mode.db, s.service);
  const known = s.migrations.map((m) => new (m as new () => { name?: string })().name ?? nameOf(m));
  if (!(await databaseExists(mode, s.service))) return { service: s.service, database, exists: false, applied: [], pending: known, unknown: [] };
  const applied = await withDataSource(mode, s, async (ds) => (await new MigrationExecutor(ds).getExecutedMigrations()).map((m) => m.name));
  return {
    service: s.service,
    database,
    exists: true,
    applied: applied.filter((n) => known.includes(n)),
    pending: known.filter((n) => !applied.includes(n)),
    unknown: applied.filter((n) => !known.includes(n)),
  };
}

function print(states: MigrationState[]): void {
  const out = (line: string) => void process.stdout.write(line + '\n');
  for (const st of states) {
    out(
      `${st.service}（${st.database}）：${st.exists ? '' : '数据库尚未创建；'}已执行 ${st.applied.length} 个，待执行 ${st.pending.length} 个${st.unknown.length ? `，本版本不认识的 ${st.unknown.length} 个` : ''}`,
    );
    for (const n of st.applied) out(`  [已执行] ${n}`);
    for (const n of st.pending) out(`  [待执行] ${n}`);
    for (const n of st.unknown) out(`  [未知]   ${n}（数据库由更新的版本迁移过）`);
  }
  const pending = states.reduce((n, s) => n + s.pending.length, 0);
  out(pending ? `共 ${pending} 个待执行的迁移：用 npm run admin -- migrations run 执行（或启动平台，启动时自动执行）` : '所有数据库均已是最新结构');
}

async function show(args: string[]): Promise<number> {
  const { options, words } = parseOptions(args, { json: 'flag' });
  if (words.length) throw new UsageError(`多余的参数「${words[0]}」`);
  const mode = await adminMode();
  const states: MigrationState[] = [];
  for (const s of serviceMigrations(mode, false)) states.push(await stateOf(mode, s));
  if (options.json) process.stdout.write(JSON.stringify({ mode: mode.kind, services: states }, null, 2) + '\n');
  else print(states);
  return 0;
}

async function run(args: string[]): Promise<number> {
  if (args.length) throw new UsageError(`多余的参数「${args[0]}」`);
  const mode = await adminMode();
  if (mode.kind === 'embedded') {
    // The running platform holds the SQLite files and ran its migrations when it started.
    if (existsSync(mode.dataDir!) && (await connectControl(mode.dataDir!))) {
      process.stderr.write(`admin: 平台正在 ${mode.dataDir} 上运行，拒绝执行迁移：平台启动时已自动执行迁移；如需手动执行，请先停止平台\n`);
      return 75;
    }
    mkdirSync(mode.dataDir!, { recursive: true, mode: 0o700 });
  }
  const all = serviceMigrations(mode, true);
  const states: MigrationState[] = [];
  for (const s of all) states.push(await stateOf(mode, s));
  const todo = all.filter((s, i) => states[i].pending.length > 0);
  if (!todo.length) {
    process.stdout.write('所有数据库均已是最新结构，没有需要执行的迁移\n');
    return 0;
  }
  const personal = todo.filter((s) => s.service === 'intake' || s.service === 'reporting');
  if (mode.kind === 'distributed' && personal.length && !process.env.PII_KEY) {
    process.stderr.write(`admin: ${personal.map((s) => s.service).join('、')} 的迁移会加密个人信息，需要与服务相同的 PII_KEY（及 PII_KEY_ID、PII_OLD_KEYS）\n`);
    return 78;
  }
  const bar = progress('执行迁移', todo.length);
  const done: string[] = [];
  try {
    for (const s of todo) {
      if (mode.db.driver === 'sqlite') closeSync(openSync(databaseName(mode.db, s.service), 'a', 0o600));
      await mode.ensure(s.service);
      await withDataSource(mode, s, (ds) => migrate(ds));
      const n = states[all.indexOf(s)].pending.length;
      done.push(`${s.service}：执行了 ${n} 个迁移`);
      bar.tick(s.service);
    }
  } finally {
    bar.stop();
  }
  for (const line of done) process.stdout.write(line + '\n');
  process.stdout.write('迁移完成\n');
  return 0;
}

export const migrations: AdminCommand = {
  name: 'migrations',
  usage: 'migrations show [--json] | migrations run',
  summary: '各服务数据库的迁移：查看已执行/待执行，或执行待执行的迁移（嵌入式须先停止平台）',
  run: async ([sub, ...args]) => {
    if (sub === 'show') return show(args);
    if (sub === 'run') return run(args);
    throw new UsageError(sub ? `未知的子命令「${sub}」` : '需要子命令 show 或 run');
  },
};
