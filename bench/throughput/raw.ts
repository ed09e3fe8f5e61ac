/**
 * bench/throughput — the stores' raw write rate, measured in the same run as the platform: what
 * one new case costs the platform against what one row costs the database alone.
 *
 *  - MariaDB: C connections (16) each inserting single rows with autocommit, as fast as they can,
 *    for S seconds, into a scratch table shaped like a case row (time-ordered UUID key, a few
 *    short columns, a text) in a scratch schema of the run (dropped afterwards).
 *  - SQLite: one connection (SQLite has one writer), the embedded mode's pragmas (WAL,
 *    busy_timeout) and better-sqlite3's build defaults, single-row autocommit inserts for S seconds
 *    into a scratch file.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { newId } from '#libs/common';
import { mysqlOptions } from './platform.js';
import { latency, type Latency } from './stats.js';

export interface RawResult {
  store: string;
  connections: number;
  inserts: number;
  seconds: number;
  rate: number;
  latency: Latency;
  note: string;
}

const DDL_COLUMNS = 'category VARCHAR(60) NOT NULL, purpose VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, body TEXT NOT NULL';
const BODY = '群众反映小区加装电梯补贴未发放，已多次向有关部门反映。'.repeat(4);

export async function rawMariaDb(url: string, schema: string, connections: number, seconds: number): Promise<RawResult> {
  const opts = mysqlOptions(url);
  const setup = await mysql.createConnection(opts);
  try {
    await setup.query(`DROP DATABASE IF EXISTS \`${schema}\``);
    await setup.query(`CREATE DATABASE \`${schema}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await setup.query(`CREATE TABLE \`${schema}\`.scratch (id VARCHAR(36) NOT NULL PRIMARY KEY, ${DDL_COLUMNS}, createdAt DATETIME(3) NOT NULL) ENGINE=InnoDB`);
    const conns = await Promise.all(Array.from({ length: connections }, () => mysql.createConnection({ ...opts, database: schema, timezone: 'Z' })));
    const ms: number[] = [];
    let inserts = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      conns.map(async (c) => {
        while (performance.now() < end) {
          const s = performance.now();
          await c.query('INSERT INTO scratch (id, category, purpose, status, body, createdAt) VALUES (?, ?, ?, ?, ?, ?)', [
            newId(),
            'urban-rural-construction',
            'appeal',
            'registered',
            BODY,
            new Date(),
          ]);
          const e = performance.now();
          ms.push(e - s);
          if (e <= end) inserts++;
        }
      }),
    );
    await Promise.all(conns.map((c) => c.end()));
    const [vars] = await setup.query(`SHOW GLOBAL VARIABLES WHERE Variable_name IN ('innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', 'innodb_buffer_pool_size')`);
    const v = Object.fromEntries((vars as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, r.Value]));
    return {
      store: 'MariaDB',
      connections,
      inserts,
      seconds,
      rate: inserts / seconds,
      latency: latency(ms),
      note: `innodb_flush_log_at_trx_commit=${v.innodb_flush_log_at_trx_commit}, log_bin=${v.log_bin}, buffer pool ${Math.round(Number(v.innodb_buffer_pool_size) / 1048576)} MB`,
    };
  } finally {
    await setup.query(`DROP DATABASE IF EXISTS \`${schema}\``).catch(() => undefined);
    await setup.end();
  }
}

export function rawSqlite(dir: string, seconds: number): RawResult {
  const file = join(dir, 'scratch.sqlite');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE scratch (id VARCHAR(36) NOT NULL PRIMARY KEY, ${DDL_COLUMNS}, createdAt DATETIME NOT NULL)`);
    const insert = db.prepare('INSERT INTO scratch (id, category, purpose, status, body, createdAt) VALUES (?, ?, ?, ?, ?, ?)');
    const ms: number[] = [];
    let inserts = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    while (performance.now() < end) {
      const s = performance.now();
      insert.run(newId(), 'urban-rural-construction', 'appeal', 'registered', BODY, new Date().toISOString().replace('T', ' ').replace('Z', ''));
      const e = performance.now();
      ms.push(e - s);
      if (e <= end) inserts++;
    }
    const sync = db.pragma('synchronous', { simple: true });
    return {
      store: 'SQLite',
      connections: 1,
      inserts,
      seconds,
      rate: inserts / seconds,
      latency: latency(ms),
      note: `WAL, synchronous=${String(sync)} (${['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(sync)] ?? '?'}: better-sqlite3's default, as the platform runs it)`,
    };
  } finally {
    db.close();
  }
}
