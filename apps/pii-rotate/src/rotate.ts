import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { DataSource } from 'typeorm';
import { formatPiiKeyList, parsePiiKeyList, PiiKeyring, type PiiPassOptions, type PiiSql } from '#libs/common';
import { dataSourceOptions, type DatabaseConfig } from '#libs/persistence';
import { countIntakePii, intakeValuesNotUnder, passIntakePii } from '../../intake/src/pii-rewrite.js';
import { countReportingPii, passReportingPii, reportingValuesNotUnder } from '../../reporting/src/petitioner-pii.js';

/** The services that keep personal data, and how each one's stored values are counted, rotated and checked. */
const SERVICES = {
  intake: { migration: 'IntakePiiAtRest1765000000000', count: countIntakePii, pass: passIntakePii, left: intakeValuesNotUnder },
  reporting: { migration: 'ReportingPiiAtRest1765000000000', count: countReportingPii, pass: passReportingPii, left: reportingValuesNotUnder },
} as const;
export type PiiService = keyof typeof SERVICES;
export const PII_SERVICES = Object.keys(SERVICES) as PiiService[];

export interface RotationReport {
  keyId: string;
  scanned: number;
  rewritten: number;
  /** Values still not under the current key afterwards (0: the old keys can go). */
  left: number;
  perService: Record<string, { scanned: number; rewritten: number; left: number }>;
}

export class RotationError extends Error {}

/** Opens a service's database for the rotation (null: it has none yet, nothing to rotate). */
async function open(service: PiiService, db: DatabaseConfig): Promise<DataSource | null> {
  if (db.driver === 'sqlite' && !existsSync(join(db.dataDir, `${service}.sqlite`))) return null;
  const ds = new DataSource({ ...dataSourceOptions(service, db, [], []), logging: false } as never);
  try {
    await ds.initialize();
  } catch (e) {
    // MySQL: no such database yet.
    if (/Unknown database/i.test(String((e as Error).message))) return null;
    throw e;
  }
  const done = await ds.query('SELECT name FROM migrations WHERE name = ?', [SERVICES[service].migration]).catch(() => []);
  if (!done.length) {
    await ds.destroy();
    throw new RotationError(`${service}: the personal-data migration has not run on this database yet; start the ${service} service once (it migrates), then rotate`);
  }
  // SQLite: what the rotation overwrites is zeroed, not left in free pages.
  if (db.driver === 'sqlite') await ds.query('PRAGMA secure_delete = ON');
  return ds;
}

/**
 * Re-seals every identity number, phone and address (and re-computes the blind indexes) under
 * the keyring's current key, service by service, in batches of `batchSize` rows, each batch a
 * transaction of its own. Resumable: stopped half-way, a second run writes only what is left
 * (a value already under the current key is not written again). Prints a progress bar.
 */
export async function rotatePii(opts: { db: DatabaseConfig; pii: PiiKeyring; batchSize?: number; output?: Writable; services?: PiiService[] }): Promise<RotationReport> {
  const output = opts.output ?? process.stdout;
  const sources: [PiiService, DataSource][] = [];
  try {
    for (const service of opts.services ?? PII_SERVICES) {
      const ds = await open(service, opts.db);
      if (ds) sources.push([service, ds]);
    }
    let total = 0;
    for (const [service, ds] of sources) total += await SERVICES[service].count(ds);
    const bar = new cliProgress.SingleBar(
      {
        format: `re-sealing personal data under ${opts.pii.currentKeyId} |{bar}| {percentage}% | {value}/{total} rows | {service}`,
        stream: output,
        noTTYOutput: true,
        notTTYSchedule: 500,
        hideCursor: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { service: sources[0]?.[0] ?? '-' });
    const report: RotationReport = { keyId: opts.pii.currentKeyId, scanned: 0, rewritten: 0, left: 0, perService: {} };
    try {
      for (const [service, ds] of sources) {
        bar.update({ service });
        const pass: PiiPassOptions = {
          batchSize: opts.batchSize ?? 500,
          inBatch: (work) => ds.transaction((m) => work(m as PiiSql)),
          onBatch: (n) => bar.increment(n),
        };
        const r = await SERVICES[service].pass(ds, opts.pii, 'rotate', pass);
        const left = await SERVICES[service].left(ds, opts.pii.currentKeyId);
        report.perService[service] = { ...r, left };
        report.scanned += r.scanned;
        report.rewritten += r.rewritten;
        report.left += left;
      }
      bar.update(total);
    } finally {
      bar.stop();
    }
    for (const [, ds] of sources) if (ds.options.type === 'better-sqlite3') await ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
    return report;
  } finally {
    for (const [, ds] of sources) await ds.destroy();
  }
}

/** Embedded mode's key file: a new current key (kN+1) first, the others kept as old keys (written whole, then renamed: never half a file). */
export function addEmbeddedKey(dataDir: string, file: string): string {
  const path = join(dataDir, file);
  const kept = existsSync(path) ? parsePiiKeyList(readFileSync(path, 'utf8')) : [];
  const next = 1 + Math.max(0, ...kept.map((k) => Number(/^k(\d+)$/.exec(k.id)?.[1] ?? 0)));
  const id = `k${next}`;
  writeKeyFile(path, [{ id, key: PiiKeyring.generateKey() }, ...kept]);
  return id;
}

/** Keeps only the current key in embedded mode's key file (after a complete rotation). */
export function retireEmbeddedKeys(dataDir: string, file: string, keep: string | null): void {
  const path = join(dataDir, file);
  if (!existsSync(path)) return;
  writeKeyFile(
    path,
    parsePiiKeyList(readFileSync(path, 'utf8')).filter((k) => k.id === keep),
  );
}

function writeKeyFile(path: string, keys: { id: string; key: Buffer }[]): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, keys.length ? formatPiiKeyList(keys) : '', { mode: 0o600 });
  renameSync(tmp, path);
}
