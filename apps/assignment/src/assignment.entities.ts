import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What the assignment service knows of a case: its state, and enough to route and accept it. */
@Entity('assignment_case')
@Index('idx_assignment_unit_status', ['unitCode', 'status'])
export class AssignmentCase {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 20 }) status: string;
  @Column({ type: 'boolean', default: false }) reviewed: boolean;
  @Column({ type: 'integer', default: 0 }) extensionDaysUsed: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) unitCode: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) mode: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) feedbackDueAt: string | null;
  @Column({ type: 'datetime', precision: 3 }) receivedAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) routedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) acceptedAt: Date | null;
}

export const ASSIGNMENT_ENTITIES = [AssignmentCase];
