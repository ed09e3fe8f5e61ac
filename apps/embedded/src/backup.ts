import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { InvalidInputError } from '#libs/common';
import type { EmbeddedPlatform } from './embedded.js';

/**
 * Backup and restore of an embedded platform's DATA_DIR: the six SQLite databases (the five
 * services' and the gateway's) copied with SQLite's online backup API, and the files beside them
 * that the data needs (the JWT secret, the PII keys sealing personal data, the installed holiday
 * calendar), with a manifest (row counts, applied migrations, integrity check, SHA-256 of every
 * file).
 *
 * Consistency between the services' copies: each database is read through a connection of its
 * own whose read transaction is opened — its WAL snapshot pinned — for all six while event
 * delivery is paused (EmbeddedPlatform.quiesced: every outbox relay stopped, nothing in flight on
 * the in-process bus). So every event a consumer's copy has applied is marked published in its
 * producer's copy, and every event not yet delivered is still unpublished in its outbox: after a
 * restore the relays deliver it. The copying itself runs after the pause (the pinned snapshots do
 * not move while the platform goes on writing), so the pause lasts only as long as opening six
 * read transactions, whatever the size of the databases.
 */

/** Every SQLite file of DATA_DIR: the services (embeddedServiceDefinitions' order) and the gateway. */
export const EMBEDDED_DATABASES = ['intake', 'assignment', 'deadline', 'closure', 'reporting', 'gateway'] as const;

/**
 * The other files of DATA_DIR a restored platform needs (names as embedded.ts gives them): the
 * JWT secret (issued tokens stay valid), the PII keys (without them sealed personal data cannot
 * be read) and the holiday calendar `admin calendar load` installed. Each only if present.
 */
export const DATA_DIR_FILES = ['jwt-secret', 'pii-keys', 'calendar.json'] as const;

export const MANIFEST = 'manifest.json';

export interface BackupDatabase {
  name: string;
  /** File name inside the backup directory (and in DATA_DIR). */
  file: string;
  size: number;
  sha256: string;
  /** `PRAGMA integrity_check` of the copy. */
  integrity: 'ok';
  /** Rows per table in the copy. */
  tables: Record<string, number>;
  /** The TypeORM migrations applied to it, in order. */
  migrations: string[];
}

export interface BackupManifest {
  format: 1;
  platform: { name: string; version: string };
  /** The instant of the snapshots (what the backup shows of the platform). */
  createdAt: string;
  dataDir: string;
  /** `quiesced`: taken from the running platform with event delivery paused; `stopped`: no platform ran. */
  taken: 'quiesced' | 'stopped';
  /** How long event delivery was paused (ms): from stopping the relays to the last snapshot; 0 when the platform was stopped. */
  pausedMs: number;
  /** Of that, waiting for the events in flight to be delivered before the snapshots. */
  drainedMs: number;
  databases: BackupDatabase[];
  files: { file: string; size: number; sha256: string }[];
  /** What the backup cannot contain because the operator's environment provided it. */
  fromEnvironment: { piiKey: boolean; jwtSecret: boolean };
}

export interface BackupProgress {
  database: string;
  index: number;
  count: number;
  totalPages: number;
  copiedPages: number;
  done: boolean;
}

export interface BackupOptions {
  dataDir: string;
  target: string;
  databases: { name: string; path: string }[];
  /** Runs the snapshot phase with event delivery paused (a running platform); absent when none runs. */
  pause?: <T>(fn: () => Promise<T>) => Promise<T>;
  fromEnvironment: { piiKey: boolean; jwtSecret: boolean };
  progress?: (p: BackupProgress) => void;
}

/** Pages copied per step of the online backup (SQLite pages are 4 KiB): the event loop breathes in between. */
const PAGES_PER_STEP = 1024;

export const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });

let version: { name: string; version: string } | undefined;
/** The platform's package.json (found upwards from this file: dist/… when built, apps/… under ts-jest). */
export function platformVersion(): { name: string; version: string } {
  if (version) return version;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'petition-platform') return (version = { name: pkg.name, version: String(pkg.version) });
    }
    if (dirname(dir) === dir) return (version = { name: 'petition-platform', version: 'unknown' });
  }
}

/** The backup directory: absolute, new or empty; created 700. Refused otherwise, in words the operator reads. */
export function prepareBackupDir(target: string): void {
  if (!isAbsolute(target)) throw new InvalidInputError(`备份目录须为绝对路径（收到「${target}」）`);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new InvalidInputError(`备份目录 ${target} 已存在且不是目录：请指定一个新的或空的目录`);
    if (readdirSync(target).length) throw new InvalidInputError(`备份目录 ${target} 不是空目录：请指定一个新的或空的目录，备份不会覆盖已有文件`);
  }
  mkdirSync(target, { recursive: true, mode: 0o700 });
  chmodSync(target, 0o700);
}

/** Rows per table, applied migrations and the integrity check of one SQLite file (opened read-only). */
function describe(path: string): { tables: Record<string, number>; migrations: string[]; integrity: string } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    const tables: Record<string, number> = {};
    for (const name of names) tables[name] = (db.prepare(`SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n;
    const migrations = names.includes('migrations') ? (db.prepare('SELECT name FROM migrations ORDER BY id').all() as { name: string }[]).map((r) => r.name) : [];
    return { tables, migrations, integrity };
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the backup into `target` (see the file comment): pins every database's snapshot (inside
 * `pause` when a platform runs), copies each with the online backup API into a file created 600,
 * switches the copy to a rollback journal (a self-contained file: no -wal beside it), checks it,
 * copies the files the data needs, and writes the manifest last (its presence marks a complete
 * backup).
 */
export async function takeBackup(o: BackupOptions): Promise<BackupManifest> {
  const missing = o.databases.filter((d) => !existsSync(d.path) || statSync(d.path).size === 0);
  if (missing.length === o.databases.length) throw new InvalidInputError(`DATA_DIR ${o.dataDir} 中没有数据库，没有可备份的内容`);
  if (missing.length) throw new InvalidInputError(`DATA_DIR ${o.dataDir} 中缺少数据库 ${missing.map((d) => `${d.name}.sqlite`).join('、')}（平台尚未完整启动过？）：备份须包含全部数据库`);
  prepareBackupDir(o.target);
  const sources = o.databases.map((d) => ({ ...d, db: new Database(d.path, { readonly: true, fileMustExist: true }) }));
  try {
    // TEST ONLY (test/integration/backup.int-spec.ts): widens the gap between the snapshots so a
    // backup that did not pause event delivery would reliably catch an event half-way. Never set it in production.
    const testDelayMs = Number(process.env.BACKUP_TEST_DELAY_MS ?? 0);
    // The key files as they are at the snapshots (a key rotation may change pii-keys later on).
    const kept = new Map<string, Buffer>();
    let snapshotAt = new Date();
    const pin = async () => {
      for (const [i, s] of sources.entries()) {
        if (i > 0 && testDelayMs > 0) await sleep(testDelayMs);
        s.db.exec('BEGIN');
        // A deferred transaction takes its snapshot at the first read.
        s.db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
      }
      snapshotAt = new Date();
      for (const name of DATA_DIR_FILES) {
        const from = join(o.dataDir, name);
        if (existsSync(from)) kept.set(name, readFileSync(from));
      }
    };
    // The pause counts from the relays' stop (it waits for the pass in flight to be delivered) to the last snapshot.
    const asked = performance.now();
    let drainedMs = 0;
    const pausedMs = o.pause
      ? await o.pause(async () => {
          drainedMs = Math.round(performance.now() - asked);
          await pin();
          return Math.round(performance.now() - asked);
        })
      : (await pin(), 0);

    const databases: BackupDatabase[] = [];
    for (const [index, s] of sources.entries()) {
      const file = `${s.name}.sqlite`;
      const dest = join(o.target, file);
      closeSync(openSync(dest, 'wx', 0o600));
      let last = 0;
      const report = (totalPages: number, remainingPages: number, done: boolean) =>
        o.progress?.({ database: s.name, index, count: sources.length, totalPages, copiedPages: totalPages - remainingPages, done });
      await s.db.backup(dest, {
        progress: ({ totalPages, remainingPages }) => {
          if (Date.now() - last >= 100) {
            last = Date.now();
            report(totalPages, remainingPages, false);
          }
          return PAGES_PER_STEP;
        },
      });
      s.db.exec('COMMIT');
      s.db.close();
      const copy = new Database(dest);
      try {
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
      const facts = describe(dest);
      if (facts.integrity !== 'ok') throw new Error(`备份中的 ${file} 未通过 SQLite 完整性检查（${facts.integrity}）：原数据库可能已损坏，请检查磁盘`);
      chmodSync(dest, 0o600);
      const size = statSync(dest).size;
      report(Math.ceil(size / 4096), 0, true);
      databases.push({ name: s.name, file, size, sha256: await sha256File(dest), integrity: 'ok', tables: facts.tables, migrations: facts.migrations });
    }

    const files: BackupManifest['files'] = [];
    for (const [name, content] of kept) {
      const dest = join(o.target, name);
      writeFileSync(dest, content, { mode: 0o600, flag: 'wx' });
      chmodSync(dest, 0o600);
      files.push({ file: name, size: statSync(dest).size, sha256: await sha256File(dest) });
    }
    const manifest: BackupManifest = {
      format: 1,
      platform: platformVersion(),
      createdAt: snapshotAt.toISOString(),
      dataDir: o.dataDir,
      taken: o.pause ? 'quiesced' : 'stopped',
      pausedMs,
      drainedMs,
      databases,
      files,
      fromEnvironment: o.fromEnvironment,
    };
    writeFileSync(join(o.target, MANIFEST), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    return manifest;
  } finally {
    for (const s of sources) if (s.db.open) s.db.close();
  }
}

/** Adds the `backup` control operation to the running platform: `{target}` → the manifest; progress per database. */
export function registerBackup(platform: EmbeddedPlatform, settings: { dataDir: string; fromEnvironment: { piiKey: boolean; jwtSecret: boolean } }): void {
  platform.control.register('backup', async (request, progress) => {
    const target = request.target;
    if (typeof target !== 'string' || !target) throw new InvalidInputError('缺少备份目录');
    const path = (ds: DataSource) => String((ds.options as { database?: unknown }).database);
    const databases = [...platform.services.map((s) => ({ name: s.name, path: path(s.app.get(DataSource)) })), { name: 'gateway', path: path(platform.gateway.get(DataSource)) }];
    return takeBackup({ dataDir: settings.dataDir, target, databases, pause: platform.quiesced, fromEnvironment: settings.fromEnvironment, progress });
  });
}

/** The backup directory's manifest, every file checked against it (SHA-256, integrity). Throws naming the first file that fails. */
export async function verifyBackup(dir: string): Promise<BackupManifest> {
  const manifestFile = join(dir, MANIFEST);
  if (!existsSync(manifestFile)) throw new InvalidInputError(`${dir} 中没有 ${MANIFEST}：不是完整的备份目录（备份中断时不会写入 manifest）`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  } catch {
    throw new InvalidInputError(`${MANIFEST} 无法解析：备份已损坏`);
  }
  if (manifest?.format !== 1 || !Array.isArray(manifest.databases) || !Array.isArray(manifest.files)) throw new InvalidInputError(`${MANIFEST} 的格式无法识别`);
  const absent = EMBEDDED_DATABASES.filter((n) => !manifest.databases.some((d) => d.name === n));
  if (absent.length) throw new InvalidInputError(`备份中缺少数据库：${absent.map((n) => `${n}.sqlite`).join('、')}`);
  for (const entry of [...manifest.databases, ...manifest.files]) {
    if (!/^[a-z][a-z0-9.-]*$/.test(entry.file)) throw new InvalidInputError(`${MANIFEST} 中的文件名「${entry.file}」无效`);
    const path = join(dir, entry.file);
    if (!existsSync(path)) throw new InvalidInputError(`备份已损坏：缺少文件 ${entry.file}`);
    if ((await sha256File(path)) !== entry.sha256) throw new InvalidInputError(`备份已损坏：${entry.file} 的 SHA-256 与 ${MANIFEST} 记录的不符（文件被修改或损坏），拒绝恢复`);
  }
  for (const d of manifest.databases) {
    let facts: ReturnType<typeof describe> | null;
    try {
      facts = describe(join(dir, d.file));
    } catch (e) {
      throw new InvalidInputError(`备份已损坏：${d.file} 无法作为 SQLite 数据库打开（${String((e as Error).message)}）`);
    }
    if (facts.integrity !== 'ok') throw new InvalidInputError(`备份已损坏：${d.file} 未通过 SQLite 完整性检查（${facts.integrity}）`);
    if (JSON.stringify(facts.migrations) !== JSON.stringify(d.migrations) || JSON.stringify(facts.tables) !== JSON.stringify(d.tables)) {
      throw new InvalidInputError(`备份已损坏：${d.file} 的表、行数或迁移与 ${MANIFEST} 记录的不符`);
    }
  }
  return manifest;
}

/** What DATA_DIR holds that a restore would replace: the databases (with their -wal/-shm/-journal) and the files beside them. */
export function restorableFilesIn(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  const ours = new Set<string>([...EMBEDDED_DATABASES.flatMap((n) => ['', '-wal', '-shm', '-journal'].map((s) => `${n}.sqlite${s}`)), ...DATA_DIR_FILES]);
  return readdirSync(dataDir).filter((f) => ours.has(f));
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the files found in DATA_DIR were moved (`--force`), or null. */
  movedAside: string | null;
  restored: string[];
}

/**
 * Copies a verified backup into DATA_DIR (700; files 600). The caller has made sure no platform
 * runs on it. Existing databases and files are refused unless `force`; then they are moved into
 * DATA_DIR/before-restore-<time>/, never deleted.
 */
export async function restoreBackup(dir: string, dataDir: string, force: boolean, knownMigrations?: Record<string, string[]>): Promise<RestoreResult> {
  const manifest = await verifyBackup(dir);
  // A backup of a newer platform (migrations this code does not know) would start with a schema it cannot read.
  for (const d of manifest.databases) {
    const known = knownMigrations?.[d.name];
    const unknown = known ? d.migrations.filter((m) => !known.includes(m)) : [];
    if (unknown.length) {
      throw new InvalidInputError(
        `备份来自较新的平台版本 ${manifest.platform.version}：${d.file} 含本版本（${platformVersion().version}）不认识的数据库迁移 ${unknown.join('、')}；请先升级平台再恢复`,
      );
    }
  }
  const present = restorableFilesIn(dataDir);
  if (present.length && !force) {
    throw new InvalidInputError(
      `DATA_DIR ${dataDir} 中已有数据（${present.join('、')}）：恢复会替换它们；确认要替换请加 --force（原有文件将移到 ${join(dataDir, 'before-restore-<时间>')}/，不会删除）`,
    );
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  let movedAside: string | null = null;
  if (present.length) {
    movedAside = join(dataDir, `before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(movedAside, { mode: 0o700 });
    for (const f of present) renameSync(join(dataDir, f), join(movedAside, f));
  }
  const restored: string[] = [];
  for (const entry of [...manifest.databases, ...manifest.files]) {
    const partial = join(dataDir, `.${entry.file}.restoring`);
    copyFileSync(join(dir, entry.file), partial);
    chmodSync(partial, 0o600);
    if ((await sha256File(partial)) !== entry.sha256) throw new Error(`复制到 DATA_DIR 的 ${entry.file} 与备份不符（磁盘或复制出错），恢复未完成：请检查磁盘后加 --force 重新恢复`);
    renameSync(partial, join(dataDir, entry.file));
    restored.push(entry.file);
  }
  return { manifest, movedAside, restored };
}
