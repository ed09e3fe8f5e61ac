import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { IdempotencyKeyRecord } from './idempotency.entity.js';

@Entity('gw_user')
@Index('uq_gw_user_key', ['usernameKey'], { unique: true })
export class UserRecord {
  /** As the admin typed it (shown, and the actor in every case's history). */
  @PrimaryColumn({ type: 'varchar', length: 60 }) username: string;
  /** The username lower-cased: unique, and what login looks up (usernames are case-insensitive). */
  @Column({ type: 'varchar', length: 60 }) usernameKey: string;
  /** argon2id (PHC string); older rows bcrypt until their next login. */
  @Column({ type: 'varchar', length: 255 }) passwordHash: string;
  @Column({ type: 'varchar', length: 100 }) displayName: string;
  /** JSON array of roles. */
  @Column({ type: 'varchar', length: 200 }) roles: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) unitCode: string | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  /** Disabled by an admin: cannot sign in, and its tokens stop working. */
  @Column({ type: 'boolean', default: false }) disabled: boolean;
  /** Set by an admin's password reset: every route but the password change answers 403 until changed. */
  @Column({ type: 'boolean', default: false }) mustChangePassword: boolean;
  /** In every access token; bumped on disable, password change and reset, which ends every token issued before. */
  @Column({ type: 'integer', default: 0 }) tokenVersion: number;
  @Column({ type: 'datetime', precision: 3, nullable: true }) passwordChangedAt: Date | null;
}

@Entity('gw_unit')
export class UnitRecord {
  @PrimaryColumn({ type: 'varchar', length: 40 }) code: string;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) parentCode: string | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}

/**
 * Failed logins of one username (lower-cased, known or not, so a lockout does not tell which
 * usernames exist) within the current window, and the lockout they led to.
 */
@Entity('gw_login_failure')
export class LoginFailureRecord {
  @PrimaryColumn({ type: 'varchar', length: 60 }) usernameKey: string;
  @Column({ type: 'integer', default: 0 }) failures: number;
  @Column({ type: 'datetime', precision: 3 }) windowStartedAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) lockedUntil: Date | null;
}

/** A sign-in: its refresh tokens form one family; logout, reuse of a spent token or a password change ends it. */
@Entity('gw_session')
@Index('idx_gw_session_user', ['username'])
export class SessionRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 60 }) username: string;
  @Column({ type: 'integer' }) tokenVersion: number;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) endedAt: Date | null;
  /** logout | reuse | password | disabled | reset */
  @Column({ type: 'varchar', length: 20, nullable: true }) endReason: string | null;
}

/** A refresh token, by its SHA-256 (the token itself is never stored); used once, then replaced. */
@Entity('gw_refresh_token')
@Index('idx_gw_refresh_session', ['sessionId'])
export class RefreshTokenRecord {
  @PrimaryColumn({ type: 'varchar', length: 64 }) tokenHash: string;
  @Column({ type: 'varchar', length: 36 }) sessionId: string;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3 }) expiresAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) usedAt: Date | null;
}

/** The security log as the admin reads it: who did what to whom, from where; never personal data. */
@Entity('gw_security_event')
@Index('idx_gw_security_event_at', ['at'])
export class SecurityEventRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 40 }) event: string;
  @Column({ type: 'varchar', length: 60, nullable: true }) actor: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) target: string | null;
  @Column({ type: 'varchar', length: 45, nullable: true }) ip: string | null;
  @Column({ type: 'datetime', precision: 3 }) at: Date;
  /** JSON object of small facts (reason, code, key kind …). */
  @Column({ type: 'varchar', length: 500, nullable: true }) detail: string | null;
}

export const GATEWAY_ENTITIES = [UserRecord, UnitRecord, LoginFailureRecord, SessionRecord, RefreshTokenRecord, SecurityEventRecord, IdempotencyKeyRecord];
