/**
 * The holiday notices the office uploaded (POST /api/v1/admin/calendar), as every service that
 * computes deadlines keeps them: the deadline service as their owner (with what the load
 * changed), assignment and closure as copies taken from the `calendar.notice-loaded` event, so
 * each starts with them without asking anyone (services only talk through events). One table,
 * `calendar_notice`, in each of those services' databases; reporting keeps its copy in rpt_meta.
 */
import { Column, Entity, PrimaryColumn, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';
import type { CalendarNoticeLoadedV1, EventEnvelope } from '#libs/contracts';
import { noticeAsCalendarData, sameDays, yearNoticeOf, type PrcCalendar, type YearNotice } from '#libs/regulation';

@Entity('calendar_notice')
export class CalendarNoticeRecord {
  @PrimaryColumn({ type: 'integer' }) year: number;
  /** JSON list of YYYY-MM-DD. */
  @Column({ type: 'text' }) holidays: string;
  /** JSON list of YYYY-MM-DD. */
  @Column({ type: 'text' }) workdays: string;
  @Column({ type: 'text', nullable: true }) notice: string | null;
  @Column({ type: 'varchar', length: 60 }) loadedBy: string;
  @Column({ type: 'datetime', precision: 3 }) loadedAt: Date;
  /** The `calendar.notice-loaded` event that carried it. */
  @Column({ type: 'varchar', length: 36 }) eventId: string;
  /** Deadline service only: what the load changed (JSON, CalendarLoadResult); null until the recomputation is done. */
  @Column({ type: 'text', nullable: true }) result: string | null;
}

/** The table of uploaded holiday notices (deadline, assignment and closure each have one). */
export class CalendarNotices1766200000000 implements MigrationInterface {
  name = 'CalendarNotices1766200000000';
  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'calendar_notice', [
      { name: 'year', type: 'integer', isPrimary: true },
      col.text('holidays'),
      col.text('workdays'),
      col.text('notice', true),
      col.str('loadedBy', 60),
      col.time('loadedAt'),
      col.str('eventId', 36),
      col.text('result', true),
    ]);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('calendar_notice', true);
  }
}

/** A stored notice read back. */
export function noticeOfRecord(r: Pick<CalendarNoticeRecord, 'year' | 'holidays' | 'workdays' | 'notice'>): YearNotice {
  return { year: Number(r.year), holidays: JSON.parse(r.holidays) as string[], workdays: JSON.parse(r.workdays) as string[], ...(r.notice ? { notice: r.notice } : {}) };
}

/** The notice an event carries. */
export function noticeOfEvent(e: EventEnvelope<CalendarNoticeLoadedV1>): YearNotice {
  const p = e.payload;
  return { year: p.year, holidays: [...p.holidays].sort(), workdays: [...p.workdays].sort(), ...(p.notice ? { notice: p.notice } : {}) };
}

/** Applies a notice to the calendar unless it already answers so (idempotent); true when it changed. */
export function applyNotice(calendar: PrcCalendar, n: YearNotice): boolean {
  const had = yearNoticeOf(calendar, n.year);
  if (had && sameDays(had, n) && (had.notice ?? '') === (n.notice ?? '')) return false;
  calendar.apply(noticeAsCalendarData(n));
  return true;
}

/**
 * Keeps the event's notice (a later load of the same year replaces an earlier one; a redelivered
 * older one is ignored). Returns false when a newer load of the year is already kept.
 */
export async function keepNotice(m: EntityManager, e: EventEnvelope<CalendarNoticeLoadedV1>): Promise<boolean> {
  const repo = m.getRepository(CalendarNoticeRecord);
  const old = await repo.findOneBy({ year: e.payload.year });
  const loadedAt = new Date(e.payload.loadedAt);
  if (old && old.loadedAt.getTime() > loadedAt.getTime()) return false;
  const n = noticeOfEvent(e);
  await repo.save({
    year: n.year,
    holidays: JSON.stringify(n.holidays),
    workdays: JSON.stringify(n.workdays),
    notice: n.notice ?? null,
    loadedBy: e.actor?.username ?? 'unknown',
    loadedAt,
    eventId: e.eventId,
    result: old?.eventId === e.eventId ? old.result : null,
  });
  return true;
}

/** Every kept notice, by year. */
export async function keptNotices(m: EntityManager): Promise<CalendarNoticeRecord[]> {
  return m.getRepository(CalendarNoticeRecord).find({ order: { year: 'ASC' } });
}

/** How often a service looks at its kept notices (another instance of it may have taken an event). */
export const NOTICE_POLL_MS = 30_000;
