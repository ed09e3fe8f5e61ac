import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The case history this service computes deadlines from (facts, in order). */
@Entity('deadline_case')
@Index('idx_deadline_case_awaits', ['awaitsCalendarYear'])
export class DeadlineCase {
  @PrimaryColumn({ type: 'varchar', length: 36 }) caseId: string;
  @Column({ type: 'text' }) facts: string;
  @Column({ type: 'varchar', length: 20, default: 'registered' }) status: string;
  @Column({ type: 'boolean', default: false }) reviewed: boolean;
  @Column({ type: 'integer', default: 0 }) extensionDaysUsed: number;
  @Column({ type: 'boolean', default: false }) supervised: boolean;
  @Column({ type: 'datetime', precision: 3 }) updatedAt: Date;
  /**
   * The first year the holiday calendar lacked for one of this case's deadlines (withheld, or
   * computed on assumed ordinary weeks); null when none. Recomputed once the calendar has it.
   */
  @Column({ type: 'integer', nullable: true }) awaitsCalendarYear: number | null;
}

/**
 * Every deadline of every case: the source of truth. Timers in Redis (or in-process) are a
 * cache of the near ones and can be rebuilt from this table at any time.
 */
@Entity('deadline')
@Index('idx_deadline_state_due', ['state', 'dueAt'])
export class DeadlineRow {
  @PrimaryColumn({ type: 'varchar', length: 36 }) caseId: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) kind: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'datetime', precision: 3 }) dueAt: Date;
  @Column({ type: 'varchar', length: 10 }) lastDay: string;
  @Column({ type: 'varchar', length: 10 }) state: string;
  @Column({ type: 'varchar', length: 20 }) holder: string;
  @Column({ type: 'text' }) basis: string;
  /** `<revision>.<days>` of the last warning sent, so each warning goes out once per revision. */
  @Column({ type: 'varchar', length: 20, nullable: true }) lastWarning: string | null;
  /** Revision whose breach was announced; a breach goes out once per revision. */
  @Column({ type: 'integer', default: -1 }) breachedRevision: number;
  /** Revision whose breach was escalated to supervision (督办). */
  @Column({ type: 'integer', default: -1 }) escalatedRevision: number;
}

export const DEADLINE_ENTITIES = [DeadlineCase, DeadlineRow];
