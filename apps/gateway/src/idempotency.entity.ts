import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A POST sent with an `Idempotency-Key`, kept 24 hours (idempotency.ts): reserved before its
 * handler runs, then its answer. Scoped to the user; the key itself is kept only as its SHA-256,
 * the request only as a fingerprint, and the answer (a case view names its petitioners) sealed
 * under a key derived from the Idempotency-Key, which only the client holds.
 */
@Entity('gw_idempotency_key')
@Index('idx_gw_idempotency_expires', ['expiresAt'])
export class IdempotencyKeyRecord {
  @PrimaryColumn({ type: 'varchar', length: 60 }) username: string;
  /** SHA-256 (hex) of the Idempotency-Key. */
  @PrimaryColumn({ type: 'varchar', length: 64 }) keyHash: string;
  /** SHA-256 (hex) of the method, the path and the JSON body with its keys sorted. */
  @Column({ type: 'varchar', length: 64 }) fingerprint: string;
  /** in-progress | done */
  @Column({ type: 'varchar', length: 12 }) state: string;
  /** The HTTP status answered (done). */
  @Column({ type: 'integer', nullable: true }) status: number | null;
  /** The answer's JSON, deflated and sealed (AES-256-GCM) under the Idempotency-Key (done). */
  @Column({ type: 'text', nullable: true }) response: string | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3 }) expiresAt: Date;
}
