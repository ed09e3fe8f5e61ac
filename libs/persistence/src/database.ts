import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource, DataSourceOptions, MixedList } from 'typeorm';
import { MaskingQueryLogger } from './query-logger.js';

export type DatabaseConfig =
  { driver: 'sqlite'; dataDir: string } | { driver: 'mysql'; flavour: 'mysql' | 'mariadb'; host: string; port: number; user: string; password: string; databasePrefix: string };

/** Each service owns a database of its own: one SQLite file, or one MySQL schema. */
export function databaseName(db: DatabaseConfig, service: string): string {
  return db.driver === 'sqlite' ? join(db.dataDir, `${service}.sqlite`) : `${db.databasePrefix}${service}`;
}

export function dataSourceOptions(service: string, db: DatabaseConfig, entities: MixedList<Function>, migrations: MixedList<Function>): DataSourceOptions {
  // Migrations run through `migrate` (below), under a lock, not on initialize.
  // Failed queries are logged without their parameters, and masked (personal data never reaches a log line).
  const common = { entities, migrations, migrationsRun: false, synchronize: false, logging: ['error', 'warn'] as ('error' | 'warn')[], logger: new MaskingQueryLogger() };
  if (db.driver === 'sqlite') {
    mkdirSync(db.dataDir, { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: databaseName(db, service),
      // WAL lets the reader side (reports) run while a command commits.
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    ...common,
    // mysql2 talks to both; TypeORM reads the schema of each a little differently.
    type: db.flavour,
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: databaseName(db, service),
    timezone: 'Z', // UTC in the database; the office's zone only at the edges
    dateStrings: false,
    charset: 'utf8mb4_unicode_ci',
    extra: { connectionLimit: 10 },
  };
}

/** MySQL: creates the service's schema if it is missing (SQLite creates its file itself). */
export async function ensureDatabase(service: string, db: DatabaseConfig): Promise<void> {
  if (db.driver !== 'mysql') return;
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${databaseName(db, service)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

/** Parses mysql://user:pass@host:port/prefix (or mariadb://…) into a config. */
export function mysqlConfigFromUrl(url: string): DatabaseConfig {
  const u = new URL(url);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new Error(`DATABASE_URL must start with mysql:// or mariadb:// (got ${u.protocol})`);
  return {
    driver: 'mysql',
    flavour: u.protocol === 'mariadb:' ? 'mariadb' : 'mysql',
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    databasePrefix: u.pathname.replace(/^\//, '') || 'petition_',
  };
}

/**
 * Runs pending migrations. On MySQL two replicas starting together would race, so the run holds
 * a named lock (GET_LOCK) for the service's schema; the second waits and then finds nothing to do.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type === 'better-sqlite3') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const lock = `migrate:${String(dataSource.options.database)}`.slice(0, 64);
  const holder = dataSource.createQueryRunner();
  await holder.connect();
  try {
    const [got] = await holder.query('SELECT GET_LOCK(?, 120) AS got', [lock]);
    if (Number(got.got) !== 1) throw new Error(`could not take the migration lock ${lock} within 120 s`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await holder.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
    await holder.release();
  }
}
