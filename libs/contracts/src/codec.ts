import { currentLogContext, newId } from '#libs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { Actor, EventEnvelope } from './envelope.js';
import { EVENT_SCHEMAS, LATEST_VERSION, type EventPayloads, type EventType } from './events.js';

export class InvalidEventError extends Error {}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...describe(e.children ?? [], path)];
  });
}

export function createEvent<K extends EventType>(type: K, caseId: string, payload: EventPayloads[K], actor: Actor | null, occurredAt: Date): EventEnvelope<EventPayloads[K]> {
  const eventId = newId();
  return { eventId, type, version: LATEST_VERSION[type], caseId, occurredAt: occurredAt.toISOString(), actor, payload, correlationId: currentLogContext()?.correlationId ?? eventId };
}

/**
 * Parses and validates a raw message: the envelope, then the payload against the schema of
 * its type and version. Throws InvalidEventError naming what is wrong (for the dead-letter topic).
 */
export function decodeEvent(raw: string | Buffer | null): EventEnvelope {
  return validateEvent(parseEvent(raw));
}

/** The first half of decodeEvent: a JSON object, not yet validated (its eventId may be read to skip it). */
export function parseEvent(raw: string | Buffer | null): Record<string, unknown> {
  if (raw === null) throw new InvalidEventError('empty message');
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    throw new InvalidEventError('not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidEventError('not a JSON object');
  return json as Record<string, unknown>;
}

/** The second half of decodeEvent: envelope and payload checked against their schemas. */
export function validateEvent(json: Record<string, unknown>): EventEnvelope {
  const envelope = plainToInstance(EventEnvelope, json);
  const envErrors = validateSync(envelope, { forbidUnknownValues: false });
  if (envErrors.length) throw new InvalidEventError(`bad envelope: ${describe(envErrors).join('; ')}`);
  const versions = (EVENT_SCHEMAS as Record<string, Record<number, new () => object>>)[envelope.type];
  if (!versions) throw new InvalidEventError(`unknown event type ${envelope.type}`);
  const schema = versions[envelope.version];
  if (!schema) throw new InvalidEventError(`unknown version ${envelope.version} of ${envelope.type}`);
  const payload = plainToInstance(schema, envelope.payload);
  const errors = validateSync(payload, { forbidUnknownValues: false });
  if (errors.length) throw new InvalidEventError(`bad payload of ${envelope.type}: ${describe(errors).join('; ')}`);
  return { ...(json as unknown as EventEnvelope) };
}

export function encodeEvent(event: EventEnvelope): string {
  return JSON.stringify(event);
}
