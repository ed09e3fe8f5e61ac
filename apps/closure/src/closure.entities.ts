import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the closure service knows of a case, and the closure itself (办结). */
@Entity('closure_case')
export class ClosureCase {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 20 }) status: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) unitCode: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) acceptedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) closedAt: Date | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) kind: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) outcome: string | null;
  @Column({ type: 'text', nullable: true }) opinion: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) closedBy: string | null;
}

export const CLOSURE_ENTITIES = [ClosureCase];
