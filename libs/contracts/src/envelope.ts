import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Min, ValidateBy, ValidateNested } from 'class-validator';
import { isInstantWithOffset, REQUEST_ID_PATTERN } from '#libs/common';

/** All case events travel on one topic, keyed by case id, so a case's history stays in order. */
export const CASE_EVENTS_TOPIC = 'petition.case-events.v1';
/** Messages a consumer could not accept go to `<topic>.dlt` with the reason, so the partition moves on. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlt`;
export const CASE_EVENTS_DLT = deadLetterTopic(CASE_EVENTS_TOPIC);

export class Actor {
  @IsString() username: string;
  @IsOptional() @IsArray() @IsString({ each: true }) roles?: string[];
  @IsOptional() @IsString() unitCode?: string | null;
}

export class EventEnvelope<P = unknown> {
  @IsUUID() eventId: string;
  @IsString() type: string;
  @IsInt() @Min(1) version: number;
  @IsString() caseId: string;
  @ValidateBy({ name: 'instant', validator: { validate: (v) => isInstantWithOffset(v), defaultMessage: () => 'occurredAt must be a real instant with an offset (ISO 8601)' } }) occurredAt: string;
  @IsOptional() @ValidateNested() @Type(() => Actor) actor: Actor | null;
  @IsObject() payload: P;
  /**
   * The request this event goes back to (the gateway's request id), carried on by every event a
   * consumer emits while handling it; an event no request caused (a timer's) correlates with
   * itself. For following one registration through every service's log. Optional: events
   * written before it existed have none.
   */
  @IsOptional() @Matches(REQUEST_ID_PATTERN) correlationId?: string;
}
