import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The case as people read it: built from every event, the query side of the platform. */
@Entity('rpt_case')
@Index('idx_rpt_case_received', ['receivedAt'])
@Index('idx_rpt_case_unit_status', ['unitCode', 'status'])
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
}

/** Every registration (new case or repeat), for contact, person and channel counts. */
@Entity('rpt_contact')
@Index('idx_rpt_contact_received', ['receivedAt'])
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

export const REPORTING_ENTITIES = [RptCase, RptContact, RptReceptionSession];
