import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('gw_user')
export class UserRecord {
  @PrimaryColumn({ type: 'varchar', length: 60 }) username: string;
  @Column({ type: 'varchar', length: 100 }) passwordHash: string;
  @Column({ type: 'varchar', length: 100 }) displayName: string;
  /** JSON array of roles. */
  @Column({ type: 'varchar', length: 200 }) roles: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) unitCode: string | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('gw_unit')
export class UnitRecord {
  @PrimaryColumn({ type: 'varchar', length: 40 }) code: string;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) parentCode: string | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}

export const GATEWAY_ENTITIES = [UserRecord, UnitRecord];
