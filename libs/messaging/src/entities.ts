import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Events written in the same transaction as the state change that caused them. */
@Entity('outbox')
@Index('idx_outbox_unpublished', ['publishedAt', 'seq'])
@Index('uq_outbox_event', ['eventId'], { unique: true })
export class OutboxRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) seq: number;
  @Column({ type: 'varchar', length: 36 }) eventId: string;
  @Column({ type: 'varchar', length: 100 }) topic: string;
  @Column({ type: 'varchar', length: 64 }) messageKey: string;
  @Column({ type: 'text' }) value: string;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) publishedAt: Date | null;
  @Column({ type: 'integer', default: 0 }) attempts: number;
}

/** One row per event a consumer has applied; written with the effect, so a replay is a no-op. */
@Entity('processed_event')
export class ProcessedEventRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) eventId: string;
  @Column({ type: 'varchar', length: 60 }) type: string;
  @Column({ type: 'datetime', precision: 3 }) processedAt: Date;
}

export const MESSAGING_ENTITIES = [OutboxRecord, ProcessedEventRecord];
