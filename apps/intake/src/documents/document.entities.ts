import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The number (发文字号) of each document of a case, given at its first rendering and kept: one row
 * per case and kind. The sequence counts per issuing unit, kind and year; the unique keys make
 * two renderings at once agree (one inserts, the other retries and reads it).
 */
@Entity('intake_document')
@Index('uq_intake_document_case_kind', ['caseId', 'kind'], { unique: true })
@Index('uq_intake_document_sequence', ['unitCode', 'kind', 'year', 'sequence'], { unique: true })
export class IntakeDocument {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 36 }) caseId: string;
  @Column({ type: 'varchar', length: 40 }) kind: string;
  /** The issuing unit (落款). */
  @Column({ type: 'varchar', length: 40 }) unitCode: string;
  @Column({ type: 'integer' }) year: number;
  @Column({ type: 'integer' }) sequence: number;
  /** 〔year〕sequence号 */
  @Column({ type: 'varchar', length: 20 }) documentNumber: string;
  @Column({ type: 'datetime', precision: 3 }) issuedAt: Date;
  @Column({ type: 'varchar', length: 60 }) issuedBy: string;
}

/**
 * The handling opinion as the closure wrote it (`case.closed`): the read model shows the opinion
 * in force, which a review opinion replaces, and the 信访处理意见书 states the first one.
 */
@Entity('intake_handling_opinion')
export class IntakeHandlingOpinion {
  @PrimaryColumn({ type: 'varchar', length: 36 }) caseId: string;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @Column({ type: 'varchar', length: 20 }) outcome: string;
  @Column({ type: 'text' }) opinion: string;
  @Column({ type: 'datetime', precision: 3 }) closedAt: Date;
}

/**
 * That a document of the case was served on the petitioner (已送达), once per case and kind: the
 * day and the way, who recorded it and when. The acceptance notice's service is the fact the
 * `acceptance-notice` deadline is met by (Art. 23).
 */
@Entity('intake_document_served')
export class IntakeDocumentServed {
  @PrimaryColumn({ type: 'varchar', length: 36 }) caseId: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) kind: string;
  /** YYYY-MM-DD, office calendar. */
  @Column({ type: 'varchar', length: 10 }) servedOn: string;
  @Column({ type: 'varchar', length: 20 }) method: string;
  /** The instant the law counts from (see CaseDocumentServedV1). */
  @Column({ type: 'datetime', precision: 3 }) servedAt: Date;
  @Column({ type: 'varchar', length: 60 }) recordedBy: string;
  @Column({ type: 'datetime', precision: 3 }) recordedAt: Date;
}

export const DOCUMENT_ENTITIES = [IntakeDocument, IntakeHandlingOpinion, IntakeDocumentServed];
