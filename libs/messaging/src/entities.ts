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

export type DeadLetterStatus = 'open' | 'replayed' | 'discarded';
export const DEAD_LETTER_STATUSES: DeadLetterStatus[] = ['open', 'replayed', 'discarded'];

/**
 * A message this service's event server could not apply (it failed validation, or its handler
 * failed every attempt): kept until an administrator replays it after a fix or discards it.
 * `sourceKey` identifies the source message (its event id, or where it was read and a hash of
 * it), so a redelivered message is one row. `value` is the message as it came when nothing in it
 * looks like an identity number or a phone (events carry those sealed); otherwise it is kept
 * masked (`valueMasked`) and cannot be replayed.
 */
@Entity('dead_letter')
@Index('uq_dead_letter_source', ['sourceKey'], { unique: true })
@Index('idx_dead_letter_status', ['status', 'firstFailedAt'])
export class DeadLetterRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 200 }) sourceKey: string;
  @Column({ type: 'varchar', length: 36, nullable: true }) eventId: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) eventType: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) caseId: string | null;
  @Column({ type: 'varchar', length: 100 }) topic: string;
  @Column({ type: 'integer', nullable: true }) sourcePartition: number | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) sourceOffset: string | null;
  @Column({ type: 'text' }) value: string;
  @Column({ type: 'boolean', default: false }) valueMasked: boolean;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'datetime', precision: 3 }) firstFailedAt: Date;
  @Column({ type: 'datetime', precision: 3 }) lastFailedAt: Date;
  @Column({ type: 'varchar', length: 12 }) status: DeadLetterStatus;
  @Column({ type: 'datetime', precision: 3, nullable: true }) resolvedAt: Date | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) resolvedBy: string | null;
}

export const MESSAGING_ENTITIES = [OutboxRecord, ProcessedEventRecord, DeadLetterRecord];
