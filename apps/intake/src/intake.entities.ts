import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('intake_case')
@Index('uq_intake_case_tracking_no', ['trackingNo'], { unique: true })
export class IntakeCase {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 32 }) trackingNo: string;
  @Column({ type: 'varchar', length: 60 }) category: string;
  @Column({ type: 'varchar', length: 20 }) purpose: string;
  @Column({ type: 'varchar', length: 20, default: 'registered' }) status: string;
  @Column({ type: 'boolean', default: false }) reviewed: boolean;
  @Column({ type: 'integer', default: 0 }) extensionDaysUsed: number;
  /** Open while accepted or being handled: a repeat contact joins it (Art. 19(3)). */
  @Column({ type: 'boolean', default: true }) open: boolean;
  @Column({ type: 'datetime', precision: 3 }) receivedAt: Date;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}

/**
 * Personal data stays with intake; it is masked wherever it leaves for a person to read. The
 * identity number, phone and address are sealed (AES-256-GCM, `pii:v1:<kid>:…`, libs/common
 * pii.ts); repeat detection and the person search match the keyed blind indexes, never the
 * clear values. The name stays readable: lists show it.
 */
@Entity('intake_petitioner')
@Index('idx_petitioner_id_number_hmac', ['idNumberHmac'])
@Index('idx_petitioner_name_phone_hmac', ['namePhoneHmac'])
export class IntakePetitioner {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 36 }) caseId: string;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) idNumber: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) phone: string | null;
  @Column({ type: 'text', nullable: true }) address: string | null;
  /** HMAC-SHA256 (hex) of the normalised identity number, under the key that sealed the row. */
  @Column({ type: 'varchar', length: 64, nullable: true }) idNumberHmac: string | null;
  /** HMAC-SHA256 (hex) of the normalised name and phone. */
  @Column({ type: 'varchar', length: 64, nullable: true }) namePhoneHmac: string | null;
}

/** Every registration: the first contact of a case and each repeat. */
@Entity('intake_contact')
@Index('idx_contact_case', ['caseId'])
export class IntakeContact {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 36 }) caseId: string;
  @Column({ type: 'varchar', length: 10 }) channel: string;
  @Column({ type: 'datetime', precision: 3 }) receivedAt: Date;
  /** When it was typed in; differs from receivedAt for a late entry (补录). */
  @Column({ type: 'datetime', precision: 3 }) enteredAt: Date;
  @Column({ type: 'varchar', length: 60 }) enteredBy: string;
  @Column({ type: 'integer' }) headcount: number;
  @Column({ type: 'boolean', default: false }) repeat: boolean;
  @Column({ type: 'varchar', length: 36, nullable: true }) receptionSessionId: string | null;
}

/** A leadership reception session (领导接访日 / 约访 / 专访) that visits are registered under. */
@Entity('intake_reception_session')
export class ReceptionSession {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @Column({ type: 'varchar', length: 100 }) leader: string;
  @Column({ type: 'varchar', length: 10 }) date: string;
  @Column({ type: 'varchar', length: 60 }) createdBy: string;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}

/** Every person lookup (the cases of an identity number, or of a name and phone): who asked, when, for what (masked). */
@Entity('intake_person_lookup')
@Index('idx_person_lookup_asked_at', ['askedAt'])
export class PersonLookup {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 60 }) askedBy: string;
  @Column({ type: 'datetime', precision: 3 }) askedAt: Date;
  /** 'id-number' or 'name-phone'. */
  @Column({ type: 'varchar', length: 20 }) keyKind: string;
  /** The key as asked, masked: 450302********123X, or 王* / 138****5678. */
  @Column({ type: 'varchar', length: 150 }) maskedKey: string;
  @Column({ type: 'integer' }) resultCount: number;
}

/**
 * The query code (查询码) of a case, with which the petitioner follows it without an account: only
 * its argon2id hash is kept (the code is answered once, at registration or when reissued).
 */
@Entity('intake_query_code')
export class IntakeQueryCode {
  @PrimaryColumn({ type: 'varchar', length: 36 }) caseId: string;
  @Column({ type: 'varchar', length: 200 }) codeHash: string;
  @Column({ type: 'datetime', precision: 3 }) issuedAt: Date;
  @Column({ type: 'varchar', length: 60 }) issuedBy: string;
}

/**
 * Wrong query codes per tracking number (numbers that do not exist too, so a lock tells nothing):
 * so many within the window lock the number for a while.
 */
@Entity('intake_track_failure')
@Index('idx_track_failure_window', ['windowStartedAt'])
export class TrackFailure {
  /** The tracking number as asked (upper case). */
  @PrimaryColumn({ type: 'varchar', length: 32 }) trackingNo: string;
  @Column({ type: 'integer' }) failures: number;
  @Column({ type: 'datetime', precision: 3 }) windowStartedAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) lockedUntil: Date | null;
}

export const INTAKE_ENTITIES = [IntakeCase, IntakePetitioner, IntakeContact, ReceptionSession, PersonLookup, IntakeQueryCode, TrackFailure];
