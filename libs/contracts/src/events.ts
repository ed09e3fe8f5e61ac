import { Type } from 'class-transformer';
import { isInstantWithOffset, isRealDate, SEALED_RE } from '#libs/common';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested, ArrayMinSize, ValidateBy, ArrayMaxSize } from 'class-validator';

/**
 * One payload schema per event type and version. Events are facts, named in the past tense.
 * The contracts are shared by every service; a consumer validates what it receives against them.
 */
export const CHANNELS = ['visit', 'letter', 'online', 'phone', 'fax'] as const;
export type Channel = (typeof CHANNELS)[number];
export const PURPOSES = ['accusation', 'suggestion', 'appeal'] as const; // 检举控告 / 意见建议 / 申诉求决
export type Purpose = (typeof PURPOSES)[number];
export const AUTHORITIES = ['central', 'provincial', 'municipal'] as const;
export type Authority = (typeof AUTHORITIES)[number];
export const CLOSURE_KINDS = ['substantive', 'procedural'] as const; // 实体性办结 / 程序性办结
export type ClosureKind = (typeof CLOSURE_KINDS)[number];
export const OUTCOMES = ['support', 'explain', 'not-support', 'mediated'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const ROUTE_MODES = ['transfer', 'assign'] as const; // 转送 / 交办
export type RouteMode = (typeof ROUTE_MODES)[number];

/** A real calendar date written YYYY-MM-DD (2024-02-30 is refused, not only 2024-2-3). */
const RealDate = (): PropertyDecorator =>
  ValidateBy({ name: 'realDate', validator: { validate: (v) => isRealDate(v), defaultMessage: (a) => `${a?.property} must be a real calendar date written YYYY-MM-DD` } });
/** A real instant with an explicit offset (Z or ±hh:mm). */
const Instant = (): PropertyDecorator =>
  ValidateBy({ name: 'instant', validator: { validate: (v) => isInstantWithOffset(v), defaultMessage: (a) => `${a?.property} must be a real instant with an offset (ISO 8601)` } });

/**
 * A petitioner as the events carry them: identity number, phone and address sealed by intake
 * (`pii:v1:<kid>:…`, libs/common/src/pii.ts), so the topic never holds them in clear; consumers
 * store them sealed and open them only to mask them for display. A value that is not sealed is
 * accepted as an event published before encryption (replays, a rolling upgrade) and sealed by
 * the consumer on arrival; a value that claims to be sealed must be well-formed.
 */
const SEALED_OR_LEGACY = new RegExp(`^(?!pii:)[^]*$|${SEALED_RE.source}`);
const sealedOrLegacy = (field: string) => ({ message: `${field} must be sealed (pii:v1:<kid>:<iv>:<ciphertext>:<tag>)` });

export class PetitionerData {
  @IsString() @MaxLength(100) name: string;
  @IsOptional() @IsString() @MaxLength(2000) @Matches(SEALED_OR_LEGACY, sealedOrLegacy('idNumber')) idNumber?: string | null;
  @IsOptional() @IsString() @MaxLength(2000) @Matches(SEALED_OR_LEGACY, sealedOrLegacy('phone')) phone?: string | null;
  @IsOptional() @IsString() @MaxLength(2000) @Matches(SEALED_OR_LEGACY, sealedOrLegacy('address')) address?: string | null;
}

export class AssignedByData {
  @IsIn(AUTHORITIES) authority: Authority;
  @IsString() reference: string;
  @IsOptional() @RealDate() feedbackDueAt?: string | null;
}

/** A contact (visit, letter, call…) as registered; a new case and a repeat both carry one. */
export class ContactData {
  @IsString() contactId: string;
  @IsIn(CHANNELS) channel: Channel;
  @Instant() receivedAt: string;
  @Instant() enteredAt: string;
  @IsInt() @Min(1) headcount: number;
  @IsOptional() @IsString() receptionSessionId?: string | null;
}

export class CaseRefData {
  @IsString() id: string;
  @IsString() trackingNo: string;
}

export class CaseRegisteredV1 {
  @IsString() trackingNo: string;
  @ValidateNested() @Type(() => ContactData) contact: ContactData;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => PetitionerData) petitioners: PetitionerData[];
  @IsIn(PURPOSES) purpose: Purpose;
  @IsString() category: string;
  @IsString() @MaxLength(200) summary: string;
  @IsString() content: string;
  @IsBoolean() groupVisit: boolean;
  @IsOptional() @ValidateNested() @Type(() => AssignedByData) assignedBy?: AssignedByData | null;
  @IsBoolean() backlog: boolean;
  /** The same matter of the same person was re-reviewed already (Art. 36(3)): the office should decline it as exhausted. */
  @IsOptional() @ValidateNested() @Type(() => CaseRefData) priorFinalCase?: CaseRefData | null;
}

/** A contact that repeats an open case (Art. 19(3)): linked to it, not a new case. */
export class CaseContactAddedV1 {
  @ValidateNested() @Type(() => ContactData) contact: ContactData;
  @IsBoolean() groupVisit: boolean;
}

export class CaseRoutedV1 {
  @IsIn(ROUTE_MODES) mode: RouteMode;
  @IsString() unitCode: string;
  /** The unit's name at the time of routing (absent in events before it was carried). */
  @IsOptional() @IsString() @MaxLength(200) unitName?: string;
  @IsOptional() @RealDate() feedbackDueAt?: string | null;
  @Instant() routedAt: string;
}

/**
 * The responsible unit accepted the case (受理). Version 1 (before the 已送达 mark): accepting
 * counted as telling the petitioner, the acceptance notice's deadline met by it. Version 2, the
 * same fields: the petitioner is told when the 受理告知书 is marked served (`case.document-served`).
 */
export class CaseAcceptedV1 {
  @IsString() unitCode: string;
  @Instant() acceptedAt: string;
}
export class CaseAcceptedV2 extends CaseAcceptedV1 {}

export class CaseClosedV1 {
  @IsIn(CLOSURE_KINDS) kind: ClosureKind;
  @IsIn(OUTCOMES) outcome: Outcome;
  @IsString() opinion: string;
  @Instant() closedAt: string;
}

export const DECLINE_REASONS = ['pending-elsewhere', 'exhausted', 'out-of-scope'] as const; // 不予受理 / 不再受理
export type DeclineReason = (typeof DECLINE_REASONS)[number];
export const PROCEDURES = ['litigation', 'arbitration', 'reconsideration', 'party-discipline', 'other'] as const; // 导入相应程序 (Art. 31)
export type Procedure = (typeof PROCEDURES)[number];
export const RATINGS = ['satisfied', 'basically-satisfied', 'dissatisfied'] as const; // 满意 / 基本满意 / 不满意
export type Rating = (typeof RATINGS)[number];
export const SESSION_KINDS = ['leader-day', 'appointment', 'special'] as const; // 接访日 / 约访 / 专访
export type SessionKind = (typeof SESSION_KINDS)[number];

export class CaseDeclinedV1 {
  @IsIn(DECLINE_REASONS) reason: DeclineReason;
  @IsOptional() @IsString() note?: string | null;
  @Instant() declinedAt: string;
}

export class CaseDivertedV1 {
  @IsIn(PROCEDURES) procedure: Procedure;
  @IsOptional() @IsString() note?: string | null;
  @Instant() divertedAt: string;
}

/** The unit sends a wrong transfer back to the petition office (Art. 23(3)). */
export class CaseObjectedV1 {
  @IsString() unitCode: string;
  @IsString() reason: string;
  @Instant() objectedAt: string;
}

/** Handling period extended (Art. 34): at most 30 days in total, approved by the unit's head. */
export class CaseExtendedV1 {
  @IsInt() @Min(1) @Max(30) days: number;
  @IsInt() @Min(1) @Max(30) totalDays: number;
  @IsString() reason: string;
  @IsString() approvedBy: string;
  @IsOptional() @IsString() petitionerNotice?: string | null;
  @Instant() extendedAt: string;
}

export class CaseEvaluatedV1 {
  @IsIn(RATINGS) rating: Rating;
  /** What the petitioner wrote with the rating (the public door, `POST /api/v1/public/evaluate`). */
  @IsOptional() @IsString() @MaxLength(500) comment?: string | null;
  @Instant() evaluatedAt: string;
}

export class CaseReviewRequestedV1 {
  @Instant() requestedAt: string;
}

/** Review (复查) or re-review (复核) opinion; a re-review may have had a hearing (听证). */
export class CaseReviewOpinionV1 {
  @IsIn(CLOSURE_KINDS) kind: ClosureKind;
  @IsIn(OUTCOMES) outcome: Outcome;
  @IsString() opinion: string;
  @IsOptional() @IsInt() @Min(0) @Max(365) hearingDays?: number;
  @Instant() issuedAt: string;
}

/**
 * The case's query code (查询码, with which the petitioner follows it without an account) was
 * issued again by the office, the old one stops working. The code itself is never in an event:
 * intake keeps only its hash.
 */
export class CaseQueryCodeReissuedV1 {
  @Instant() issuedAt: string;
}

/** A leadership reception session (接访日 / 约访 / 专访) that visits are registered under. */
export class ReceptionSessionHeldV1 {
  @IsIn(SESSION_KINDS) kind: SessionKind;
  @IsString() leader: string;
  @RealDate() date: string;
}

export class DeadlineEventV1 {
  @IsString() kind: string;
  @IsInt() @Min(0) revision: number;
  @Instant() dueAt: string;
  @IsOptional() @IsString() basis?: string;
}

export class DeadlineWarnedV1 extends DeadlineEventV1 {
  @IsInt() @Min(0) @Max(366) daysLeft: number;
}

export class CaseSupervisedV1 {
  @IsString() note: string;
  @IsBoolean() automatic: boolean;
}

/** A list of real calendar dates written YYYY-MM-DD. */
const RealDates = (): PropertyDecorator =>
  ValidateBy({
    name: 'realDates',
    validator: { validate: (v) => Array.isArray(v) && v.every((d) => isRealDate(d)), defaultMessage: (a) => `${a?.property} must be a list of real calendar dates written YYYY-MM-DD` },
  });

/**
 * A year's State Council holiday notice loaded by the office (`POST /api/v1/admin/calendar`),
 * published by the deadline service, which keeps the notices. Every service that computes
 * deadlines applies it to its calendar and keeps it for its next start. The envelope's caseId is
 * `calendar-<year>` (the key that keeps one year's loads in order); the actor is who loaded it.
 * The dates are the calendar data's: every day off (weekend days joined to a break included)
 * and the make-up working days, each under its own year.
 */
export class CalendarNoticeLoadedV1 {
  @IsInt() @Min(2008) @Max(2200) year: number;
  @IsArray() @ArrayMaxSize(80) @RealDates() holidays: string[];
  @IsArray() @ArrayMaxSize(20) @RealDates() workdays: string[];
  @IsOptional() @IsString() @MaxLength(500) notice?: string | null;
  @Instant() loadedAt: string;
}

/**
 * A deadline the deadline service computed again because a holiday notice was loaded: one it
 * had withheld (`previousDueAt` null) now has its due date, or one computed before (on the law's
 * holidays alone, or provisionally) moved. Its timers are re-armed; the case timeline says so.
 */
export class DeadlineRecomputedV1 extends DeadlineEventV1 {
  @RealDate() lastDay: string;
  @IsOptional() @Instant() previousDueAt?: string | null;
  @IsOptional() @RealDate() previousLastDay?: string | null;
  @IsInt() @Min(2008) @Max(2200) calendarYear: number;
}

/**
 * A document (文书) of the case was rendered for a member of staff (intake numbers and records it):
 * which kind, its number (the same on every rendering), the format, the issuing unit. No personal
 * data: the document itself is made again from the case each time.
 */
export class CaseDocumentRenderedV1 {
  @IsString() @Matches(/^[a-z][a-z-]{1,39}$/) kind: string;
  @IsString() @Matches(/^〔\d{4}〕[1-9]\d*号$/) number: string;
  @IsIn(['docx', 'html']) format: 'docx' | 'html';
  @IsString() @MaxLength(40) issuerUnitCode: string;
}

/** How a document reached the petitioner (送达方式). */
export const SERVICE_METHODS = ['in-person', 'post', 'electronic', 'left'] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];
export const SERVICE_METHOD_NAMES: Readonly<Record<ServiceMethod, string>> = { 'in-person': '直接送达', post: '邮寄送达', electronic: '电子送达', left: '留置送达' };

/**
 * A document (文书) of the case was served on the petitioner (已送达), as the office or the unit
 * recorded it: which, its number, the day it was served and how. `servedAt` is the instant the law
 * counts from — the recording instant when served that office day, else the last moment of the day
 * served. The acceptance notice's service meets the `acceptance-notice` deadline (Art. 23).
 */
export class CaseDocumentServedV1 {
  @IsString() @Matches(/^[a-z][a-z-]{1,39}$/) kind: string;
  @IsString() @Matches(/^〔\d{4}〕[1-9]\d*号$/) number: string;
  @RealDate() servedOn: string;
  @IsIn(SERVICE_METHODS) method: ServiceMethod;
  @Instant() servedAt: string;
}

/** The registry of every event type the platform publishes: `type` → version → payload schema. */
export const EVENT_SCHEMAS = {
  'case.registered': { 1: CaseRegisteredV1 },
  'case.contact-added': { 1: CaseContactAddedV1 },
  'case.routed': { 1: CaseRoutedV1 },
  'case.accepted': { 1: CaseAcceptedV1, 2: CaseAcceptedV2 },
  'case.closed': { 1: CaseClosedV1 },
  'deadline.warned': { 1: DeadlineWarnedV1 },
  'deadline.breached': { 1: DeadlineEventV1 },
  'case.supervised': { 1: CaseSupervisedV1 },
  'case.declined': { 1: CaseDeclinedV1 },
  'case.diverted': { 1: CaseDivertedV1 },
  'case.objected': { 1: CaseObjectedV1 },
  'case.extended': { 1: CaseExtendedV1 },
  'case.evaluated': { 1: CaseEvaluatedV1 },
  'case.review-requested': { 1: CaseReviewRequestedV1 },
  'case.review-opinion-issued': { 1: CaseReviewOpinionV1 },
  'case.re-review-requested': { 1: CaseReviewRequestedV1 },
  'case.re-review-opinion-issued': { 1: CaseReviewOpinionV1 },
  'deadline.met': { 1: DeadlineEventV1 },
  'reception.session-held': { 1: ReceptionSessionHeldV1 },
  'calendar.notice-loaded': { 1: CalendarNoticeLoadedV1 },
  'deadline.recomputed': { 1: DeadlineRecomputedV1 },
  'case.query-code-reissued': { 1: CaseQueryCodeReissuedV1 },
  'case.document-rendered': { 1: CaseDocumentRenderedV1 },
  'case.document-served': { 1: CaseDocumentServedV1 },
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;

/** Payload type of the latest version of each event. */
export interface EventPayloads {
  'case.registered': CaseRegisteredV1;
  'case.contact-added': CaseContactAddedV1;
  'case.routed': CaseRoutedV1;
  'case.accepted': CaseAcceptedV2;
  'case.closed': CaseClosedV1;
  'deadline.warned': DeadlineWarnedV1;
  'deadline.breached': DeadlineEventV1;
  'case.supervised': CaseSupervisedV1;
  'case.declined': CaseDeclinedV1;
  'case.diverted': CaseDivertedV1;
  'case.objected': CaseObjectedV1;
  'case.extended': CaseExtendedV1;
  'case.evaluated': CaseEvaluatedV1;
  'case.review-requested': CaseReviewRequestedV1;
  'case.review-opinion-issued': CaseReviewOpinionV1;
  'case.re-review-requested': CaseReviewRequestedV1;
  'case.re-review-opinion-issued': CaseReviewOpinionV1;
  'deadline.met': DeadlineEventV1;
  'reception.session-held': ReceptionSessionHeldV1;
  'calendar.notice-loaded': CalendarNoticeLoadedV1;
  'deadline.recomputed': DeadlineRecomputedV1;
  'case.query-code-reissued': CaseQueryCodeReissuedV1;
  'case.document-rendered': CaseDocumentRenderedV1;
  'case.document-served': CaseDocumentServedV1;
}
export const LATEST_VERSION: { [K in EventType]: number } = {
  'case.registered': 1,
  'case.contact-added': 1,
  'case.routed': 1,
  'case.accepted': 2,
  'case.closed': 1,
  'deadline.warned': 1,
  'deadline.breached': 1,
  'case.supervised': 1,
  'case.declined': 1,
  'case.diverted': 1,
  'case.objected': 1,
  'case.extended': 1,
  'case.evaluated': 1,
  'case.review-requested': 1,
  'case.review-opinion-issued': 1,
  'case.re-review-requested': 1,
  'case.re-review-opinion-issued': 1,
  'deadline.met': 1,
  'reception.session-held': 1,
  'calendar.notice-loaded': 1,
  'deadline.recomputed': 1,
  'case.query-code-reissued': 1,
  'case.document-rendered': 1,
  'case.document-served': 1,
};
