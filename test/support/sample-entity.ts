import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A table with every kind of column the services write (for insertRows on SQLite and MariaDB). */
@Entity('sample')
export class Sample {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'datetime', precision: 3 }) at: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) doneAt: Date | null;
  @Column({ type: 'boolean' }) flag: boolean;
  @Column({ type: 'integer', default: 7 }) n: number;
  @Column({ type: 'text' }) note: string;
}
