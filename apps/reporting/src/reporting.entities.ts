import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { COUNTERS } from './tally-counters.js';

/**
 * The cases overdue from a due instant, with what a report filters and groups them by: read from
 * the index alone (the rows are wide: histories and texts).
 */
export const OVERDUE_COVER = ['overdueFrom', 'receivedAt', 'unitCode', 'authority', 'channel', 'purpose', 'category', 'categoryTop'];

/** The case as people read it: built from every event, the query side of the platform. */
@Entity('rpt_case')
@Index('idx_rpt_case_received', ['receivedAt'])
@Index('idx_rpt_case_unit_status', ['unitCode', 'status'])
@Index('idx_rpt_case_closed', ['closedAt'])
@Index('idx_rpt_case_acceptance_due', ['acceptanceDueAt'])
@Index('idx_rpt_case_handling_due', ['handlingDueAt'])
@Index('idx_rpt_case_evaluated', ['evaluatedAt'])
@Index('idx_rpt_case_evaluation_due', ['evaluationDueAt'])
@Index('idx_rpt_case_overdue', ['overdueFrom'])
@Index('idx_rpt_case_next_due', ['nextDueAt'])
@Index('idx_rpt_case_authority', ['authority', 'status'])
@Index('idx_rpt_case_data_error', ['dataError'])
@Index('idx_rpt_case_overdue_cover', OVERDUE_COVER)
export class RptCase {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 32 }) trackingNo: string;
  @Column({ type: 'varchar', length: 20 }) status: string;
  @Column({ type: 'boolean', default: false }) reviewed: boolean;
  @Column({ type: 'integer', default: 0 }) extensionDaysUsed: number;
  @Column({ type: 'varchar', length: 10 }) channel: string;
  @Column({ type: 'varchar', length: 20 }) purpose: string;
  @Column({ type: 'varchar', length: 60 }) category: string;
  @Column({ type: 'varchar', length: 200 }) summary: string;
  @Column({ type: 'text' }) content: string;
  @Column({ type: 'integer' }) headcount: number;
  @Column({ type: 'boolean', default: false }) groupVisit: boolean;
  @Column({ type: 'varchar', length: 20, nullable: true }) authority: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) assignedReference: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) assignedFeedbackDueAt: string | null;
  @Column({ type: 'boolean', default: false }) backlog: boolean;
  @Column({ type: 'varchar', length: 40, nullable: true }) unitCode: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) routeMode: string | null;
  @Column({ type: 'datetime', precision: 3 }) receivedAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) routedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) acceptedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) closedAt: Date | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) closureKind: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) closureOutcome: string | null;
  @Column({ type: 'text', nullable: true }) closureOpinion: string | null;
  @Column({ type: 'integer', default: 0 }) repeatContacts: number;
  @Column({ type: 'boolean', default: false }) supervised: boolean;
  /** JSON: petitioners as registered (masked on the way out), facts for deadlines, timeline. */
  @Column({ type: 'text' }) petitioners: string;
  @Column({ type: 'text' }) facts: string;
  @Column({ type: 'text' }) timeline: string;
  /** JSON: extension, evaluation, decline, diversion, objections, review and re-review records. */
  @Column({ type: 'text' }) extra: string;
  @Column({ type: 'varchar', length: 36 }) lastEventId: string;
  @Column({ type: 'datetime', precision: 3 }) updatedAt: Date;

  // --- Derived by the projection (read-model.ts) for the reports: no JSON, no deadline computed at query time. ---
  @Column({ type: 'varchar', length: 60, default: '' }) categoryTop: string;
  /** Why the case's deadlines cannot be computed (masked), or null: such a case is left out of every figure that needs them. */
  @Column({ type: 'varchar', length: 500, nullable: true }) dataError: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) acceptanceDueAt: Date | null;
  /** The acceptance notice was given in time (state 'met', settled). */
  @Column({ type: 'boolean', default: false }) acceptanceMet: boolean;
  @Column({ type: 'datetime', precision: 3, nullable: true }) handlingDueAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) evaluationDueAt: Date | null;
  /** The evaluation window: 'open' (lapses at its due instant), 'used' (rated, in time or late), 'moot'. */
  @Column({ type: 'varchar', length: 8, nullable: true }) evaluationWindow: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) evaluatedAt: Date | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) evaluationRating: string | null;
  /** A review or re-review was asked for. */
  @Column({ type: 'boolean', default: false }) reviewRequested: boolean;
  /** The first repeat contact joined to the case. */
  @Column({ type: 'datetime', precision: 3, nullable: true }) firstRepeatAt: Date | null;
  /** The closure plus the days within which a repeat contact makes it not first-time (一次性化解率). */
  @Column({ type: 'datetime', precision: 3, nullable: true }) comeBackBy: Date | null;
  /** From when the case is overdue if nothing more happens (1970-01-01: a breach already settled); null: never. */
  @Column({ type: 'datetime', precision: 3, nullable: true }) overdueFrom: Date | null;
  /** The earliest obligation of the office or the unit not met yet (the worklist's urgency order). */
  @Column({ type: 'datetime', precision: 3, nullable: true }) nextDueAt: Date | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) nextDueKind: string | null;
  /** The date the unit answers to on the backlog: the assigning body's feedback date, else the handling period, … */
  @Column({ type: 'datetime', precision: 3, nullable: true }) answerDueAt: Date | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) answerDueKind: string | null;
}

/** A routing or supervision act (转送 / 交办, 督办), for the counts of Art. 41. */
@Entity('rpt_act')
@Index('idx_rpt_act_at', ['at'])
@Index('idx_rpt_act_case', ['caseId'])
export class RptAct {
  /** The event's id. */
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 36 }) caseId: string;
  /** 'routed' or 'supervised'. */
  @Column({ type: 'varchar', length: 12 }) kind: string;
  /** routed: 'transfer' | 'assign'. */
  @Column({ type: 'varchar', length: 10, nullable: true }) mode: string | null;
  /** supervised: by the platform (overdue) rather than by a person. */
  @Column({ type: 'boolean', default: false }) automatic: boolean;
  @Column({ type: 'datetime', precision: 3 }) at: Date;
}

/** Every registration (new case or repeat), for contact, person and channel counts. */
@Entity('rpt_contact')
@Index('idx_rpt_contact_received', ['receivedAt'])
@Index('idx_rpt_contact_case', ['caseId'])
@Index('idx_rpt_contact_session', ['receptionSessionId', 'caseId', 'headcount'])
export class RptContact {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 36 }) caseId: string;
  @Column({ type: 'varchar', length: 10 }) channel: string;
  @Column({ type: 'datetime', precision: 3 }) receivedAt: Date;
  @Column({ type: 'integer' }) headcount: number;
  @Column({ type: 'boolean', default: false }) repeat: boolean;
  @Column({ type: 'varchar', length: 36, nullable: true }) receptionSessionId: string | null;
}

/** Leadership reception sessions (接访日 / 约访 / 专访). */
@Entity('rpt_reception_session')
@Index('idx_rpt_session_date', ['date'])
export class RptReceptionSession {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @Column({ type: 'varchar', length: 100 }) leader: string;
  @Column({ type: 'varchar', length: 10 }) date: string;
}

/**
 * The reporting service's event log: every event it built the read model from, in the order it
 * applied them (`seq`), kept so that the read model can be rebuilt from the events alone
 * (`npm run reporting:rebuild`).
 */
@Entity('rpt_event')
@Index('idx_rpt_event_id', ['eventId'], { unique: true })
export class RptEvent {
  @PrimaryGeneratedColumn({ type: 'integer' }) seq: number;
  @Column({ type: 'varchar', length: 36 }) eventId: string;
  @Column({ type: 'varchar', length: 60 }) type: string;
  @Column({ type: 'varchar', length: 36 }) caseId: string;
  /** The envelope as applied (JSON), petitioners' personal data sealed. */
  @Column({ type: 'text' }) envelope: string;
  @Column({ type: 'datetime', precision: 3 }) loggedAt: Date;
}

/** Facts about the read model itself, e.g. what its derived columns were computed with. */
@Entity('rpt_meta')
export class RptMeta {
  @PrimaryColumn({ type: 'varchar', length: 60 }) key: string;
  @Column({ type: 'text' }) value: string;
}

/**
 * The reports' counters (tallies.ts): per rollup, group and day (or pair of days), what the
 * summary and the breakdowns add up. Kept by the projection; never edited by hand.
 */
@Entity('rpt_tally')
@Index('idx_rpt_tally_period', ['rollup', 'd1'])
export class RptTally {
  @PrimaryColumn({ type: 'varchar', length: 4 }) rollup: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) unitCode: string;
  @PrimaryColumn({ type: 'varchar', length: 60 }) category: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) channel: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) authority: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) purpose: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) d1: string;
  @PrimaryColumn({ type: 'varchar', length: 2 }) kind: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) d2: string;
  @Column({ type: 'varchar', length: 60, default: '' }) categoryTop: string;
}
for (const c of COUNTERS) Column({ type: 'integer', default: 0 })(RptTally.prototype, c);

export const REPORTING_ENTITIES = [RptCase, RptContact, RptReceptionSession, RptAct, RptEvent, RptMeta, RptTally];
