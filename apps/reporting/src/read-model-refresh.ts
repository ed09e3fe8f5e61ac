import { createHash, randomUUID } from 'node:crypto';
import { categoryTree } from '#libs/contracts';
import type { EntityManager } from 'typeorm';
import { deriveColumns } from './read-model.js';
import type { CaseExtra, TimelineEntry } from './projection.handlers.js';
import type { ReportingSettings } from './reporting.settings.js';

/** A datetime as the driver hands it back in a raw row: a Date (MySQL), or a UTC text (SQLite). */
export function asDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const s = String(v);
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** What the derived columns are computed with: the calendar, the deadline policy, the time zone and the category tree. */
export function derivationFingerprint(s: ReportingSettings): string {
  return createHash('sha256')
    .update(JSON.stringify([s.calendar.fingerprint(), s.policy, s.timeZone, categoryTree()]))
    .digest('hex');
}

export const DERIVED_WITH = 'derived-columns-computed-with';
/** Set when the event log began after the read model held cases (their events are not in it): the number of those cases. */
export const EVENT_LOG_INCOMPLETE = 'event-log-misses-cases-before-it';

/*
 * Everything here also runs inside a migration, whose data source may have no entities (`npm run
 * admin -- migrations run`): plain SQL on table names, values as each driver stores them.
 */

/** A value as a raw statement binds it: SQLite keeps datetimes as UTC text and booleans as 0/1. */
export function bindable(m: EntityManager, v: unknown): unknown {
  const sqlite = m.connection.options.type === 'better-sqlite3';
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date && sqlite) return v.toISOString().replace('T', ' ').replace('Z', '');
  return v ?? null;
}

/** UPDATE table SET … WHERE … with plain SQL (column names escaped). */
async function updateRow(m: EntityManager, table: string, set: Record<string, unknown>, where: Record<string, unknown>): Promise<void> {
  const q = (c: string) => m.connection.driver.escape(c);
  const cols = Object.keys(set);
  const keys = Object.keys(where);
  await m.query(`UPDATE ${table} SET ${cols.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${keys.map((k) => `${q(k)} = ?`).join(' AND ')}`, [
    ...cols.map((c) => bindable(m, set[c])),
    ...keys.map((k) => bindable(m, where[k])),
  ]);
}

async function insertRow(m: EntityManager, table: string, row: Record<string, unknown>): Promise<void> {
  const q = (c: string) => m.connection.driver.escape(c);
  const cols = Object.keys(row);
  await m.query(
    `INSERT INTO ${table} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    cols.map((c) => bindable(m, row[c])),
  );
}

/** Records what the derived columns were computed with. */
export async function recordDerivation(m: EntityManager, s: ReportingSettings): Promise<void> {
  await m.query(`DELETE FROM rpt_meta WHERE ${m.connection.driver.escape('key')} = ?`, [DERIVED_WITH]);
  await insertRow(m, 'rpt_meta', { key: DERIVED_WITH, value: derivationFingerprint(s) });
}

/** Whether the derived columns were computed with these settings. */
export async function derivedWith(m: EntityManager, s: ReportingSettings): Promise<boolean> {
  const rows = (await m.query(`SELECT value FROM rpt_meta WHERE ${m.connection.driver.escape('key')} = ?`, [DERIVED_WITH])) as { value: string }[];
  return rows[0]?.value === derivationFingerprint(s);
}

/** Marks the event log as missing the events of the cases the read model held before it (an upgrade). */
export async function markEventLogIncomplete(m: EntityManager, cases: number): Promise<void> {
  await insertRow(m, 'rpt_meta', { key: EVENT_LOG_INCOMPLETE, value: String(cases) });
}

interface RawCase {
  lastEventId: string;
  id: string;
  trackingNo: string;
  category: string;
  closedAt: unknown;
  facts: string;
  extra: string;
  timeline: string;
}

/**
 * Recomputes the derived columns (read-model.ts) of every case, in batches, from the stored
 * history: after the columns were added, and whenever what they are computed with changes (a
 * calendar year loaded). Also rebuilds the act rows (routings, supervisions) from the timelines
 * when `acts` is set. A case whose records do not parse gets `dataError` and no derived figures.
 * Returns the number of cases.
 */
export async function refreshDerivedColumns(m: EntityManager, s: ReportingSettings, opts: { acts?: boolean; batch?: number; onProgress?: (done: number) => void } = {}): Promise<number> {
  const batch = opts.batch ?? 500;
  const repeats = new Map<string, Date>();
  for (const r of (await m.query('SELECT caseId, MIN(receivedAt) AS firstAt FROM rpt_contact WHERE ' + m.connection.driver.escape('repeat') + ' = 1 GROUP BY caseId')) as {
    caseId: string;
    firstAt: unknown;
  }[]) {
    const at = asDate(r.firstAt);
    if (at) repeats.set(r.caseId, at);
  }
  let after = '';
  let done = 0;
  for (;;) {
    const rows = (await m.query(`SELECT id, lastEventId, trackingNo, category, closedAt, facts, extra, timeline FROM rpt_case WHERE id > ? ORDER BY id LIMIT ${Number(batch)}`, [after])) as RawCase[];
    if (!rows.length) break;
    for (const r of rows) {
      let extra: CaseExtra | null = null;
      try {
        extra = JSON.parse(r.extra) as CaseExtra;
      } catch {
        /* below */
      }
      const derived = extra
        ? deriveColumns({ facts: r.facts, category: r.category, closedAt: asDate(r.closedAt), trackingNo: r.trackingNo }, extra, s)
        : { ...deriveColumns({ facts: '[]', category: r.category, closedAt: null, trackingNo: r.trackingNo }, {}, s), dataError: 'SyntaxError: extra records do not parse' };
      // A case an event changed meanwhile was derived by the projection itself, with the same settings: left as it is.
      await updateRow(m, 'rpt_case', { ...derived, firstRepeatAt: repeats.get(r.id) ?? null }, { id: r.id, lastEventId: r.lastEventId });
      if (opts.acts) {
        await m.query('DELETE FROM rpt_act WHERE caseId = ?', [r.id]);
        let entries: TimelineEntry[] = [];
        try {
          entries = JSON.parse(r.timeline) as TimelineEntry[];
        } catch {
          /* a timeline that does not parse gives no acts */
        }
        const acts = entries.filter((e) => e.type === 'routed' || e.type === 'supervised').map((e) => actOf(r.id, randomUUID(), e));
        for (const a of acts) await insertRow(m, 'rpt_act', a);
      }
    }
    done += rows.length;
    opts.onProgress?.(done);
    after = rows[rows.length - 1].id;
  }
  return done;
}

/** The act row of a routing or supervision timeline entry. */
export function actOf(caseId: string, id: string, e: Pick<TimelineEntry, 'type' | 'at' | 'detail'>) {
  return {
    id,
    caseId,
    kind: e.type,
    mode: e.type === 'routed' ? String(e.detail?.mode ?? '') || null : null,
    automatic: e.type === 'supervised' && !!e.detail?.automatic,
    at: new Date(e.at),
  };
}
