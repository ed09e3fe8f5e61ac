import { createHash, randomUUID } from 'node:crypto';
import { categoryTree } from '#libs/contracts';
import type { EntityManager } from 'typeorm';
import { deriveColumns } from './read-model.js';
import { RptMeta } from './reporting.entities.js';
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
  return createHash('sha256').update(JSON.stringify([s.calendar.fingerprint(), s.policy, s.timeZone, categoryTree()])).digest('hex');
}

export const DERIVED_WITH = 'derived-columns-computed-with';
/** Set when the event log began after the read model held cases (their events are not in it): the number of those cases. */
export const EVENT_LOG_INCOMPLETE = 'event-log-misses-cases-before-it';

/** Records what the derived columns were computed with. */
export async function recordDerivation(m: EntityManager, s: ReportingSettings): Promise<void> {
  await m.getRepository(RptMeta).save({ key: DERIVED_WITH, value: derivationFingerprint(s) });
}

/** Whether the derived columns were computed with these settings. */
export async function derivedWith(m: EntityManager, s: ReportingSettings): Promise<boolean> {
  return (await m.getRepository(RptMeta).findOneBy({ key: DERIVED_WITH }))?.value === derivationFingerprint(s);
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
  for (const r of (await m.query('SELECT caseId, MIN(receivedAt) AS firstAt FROM rpt_contact WHERE ' + m.connection.driver.escape('repeat') + ' = ? GROUP BY caseId', [true])) as { caseId: string; firstAt: unknown }[]) {
    const at = asDate(r.firstAt);
    if (at) repeats.set(r.caseId, at);
  }
  let after = '';
  let done = 0;
  for (;;) {
    const rows = (await m
      .createQueryBuilder()
      .select(['c.id AS id', 'c.lastEventId AS lastEventId', 'c.trackingNo AS trackingNo', 'c.category AS category', 'c.closedAt AS closedAt', 'c.facts AS facts', 'c.extra AS extra', 'c.timeline AS timeline'])
      .from('rpt_case', 'c')
      .where('c.id > :after', { after })
      .orderBy('c.id', 'ASC')
      .limit(batch)
      .getRawMany()) as RawCase[];
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
      await m.createQueryBuilder().update('rpt_case').set({ ...derived, firstRepeatAt: repeats.get(r.id) ?? null }).where('id = :id AND lastEventId = :last', { id: r.id, last: r.lastEventId }).execute();
      if (opts.acts) {
        await m.createQueryBuilder().delete().from('rpt_act').where('caseId = :id', { id: r.id }).execute();
        let entries: TimelineEntry[] = [];
        try {
          entries = JSON.parse(r.timeline) as TimelineEntry[];
        } catch {
          /* a timeline that does not parse gives no acts */
        }
        const acts = entries.filter((e) => e.type === 'routed' || e.type === 'supervised').map((e) => actOf(r.id, randomUUID(), e));
        if (acts.length) await m.createQueryBuilder().insert().into('rpt_act').values(acts).execute();
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
