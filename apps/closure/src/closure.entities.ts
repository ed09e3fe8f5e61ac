import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the closure service knows of a case: its state and history, the closure (办结) and what followed. */
@Entity('closure_case')
export class ClosureCase {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 20 }) status: string;
  @Column({ type: 'boolean', default: false }) reviewed: boolean;
  @Column({ type: 'integer', default: 0 }) extensionDaysUsed: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) unitCode: string | null;
  /** The case history (JSON facts) the regulation's windows are computed from. */
  @Column({ type: 'text' }) facts: string;
  @Column({ type: 'datetime', precision: 3, nullable: true }) acceptedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) closedAt: Date | null;
  /** The opinion in force: the closure's, or the latest review's. */
  @Column({ type: 'varchar', length: 20, nullable: true }) kind: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) outcome: string | null;
  @Column({ type: 'text', nullable: true }) opinion: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) closedBy: string | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) rating: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) evaluatedAt: Date | null;
}

export const CLOSURE_ENTITIES = [ClosureCase];
