import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ForbiddenError, maskText, NotFoundError, RuleViolationError, StateConflictError, type ErrorCode } from '#libs/common';
import { InvalidEventError, parseEvent, validateEvent, type EventEnvelope } from '#libs/contracts';
import { exclusive } from '#libs/persistence';
import { DEAD_LETTER_STATUSES, DeadLetterRecord, ProcessedEventRecord, type DeadLetterStatus } from './entities.js';
import type { ReceivedMessage } from './transport.js';

/** 409: the dead letter was replayed or discarded already. */
export const DEAD_LETTER_STATE: ErrorCode = 'DEAD_LETTER_STATE';
/** 422: replaying the dead letter failed again (the reason says why); it stays open. */
export const REPLAY_FAILED: ErrorCode = 'REPLAY_FAILED';

export interface DeadLetterInput {
  message: ReceivedMessage;
  /** Already masked. */
  reason: string;
  attempts: number;
  /** The envelope when the message parsed (even if it then failed validation). */
  json?: Record<string, unknown> | null;
  /** The envelope when it also passed validation. */
  event?: EventEnvelope | null;
}

const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : null);

/**
 * What identifies a source message across redeliveries: its event id when it has one (a copy the
 * outbox re-published has another offset, the same id), else where it was read and what it held.
 */
export function deadLetterSourceKey(message: ReceivedMessage, json?: Record<string, unknown> | null): string {
  const eventId = str(json?.eventId, 36);
  if (eventId) return `event:${eventId}`;
  const hash = createHash('sha256')
    .update(message.value ?? '')
    .digest('hex')
    .slice(0, 32);
  return `msg:${message.topic.slice(0, 100)}:${message.partition ?? ''}:${message.offset ?? ''}:${hash}`;
}

/**
 * Stores (or, for a redelivered message, updates) the dead letter in its own transaction. The
 * message is kept as it came only when it is a valid envelope in which nothing looks like an
 * identity number or a phone (events carry those sealed); anything else is kept masked, and a
 * masked copy is never replayed. Throws when the database does not take it (the caller retries).
 */
export async function storeDeadLetter(ds: DataSource, input: DeadLetterInput, now = new Date()): Promise<DeadLetterRecord> {
  const { message, json, event } = input;
  const raw = message.value ?? '';
  const masked = maskText(raw);
  const keep = !!event && masked === raw;
  const sourceKey = deadLetterSourceKey(message, json);
  const reason = maskText(input.reason).slice(0, 4000);
  return exclusive(ds, () =>
    ds.transaction(async (m) => {
      const repo = m.getRepository(DeadLetterRecord);
      const existing = await repo.findOneBy({ sourceKey });
      if (existing) {
        // A redelivery: one row. A discarded one stays discarded (the administrator decided).
        const status: DeadLetterStatus = existing.status === 'discarded' ? 'discarded' : 'open';
        await repo.update(
          { id: existing.id },
          { attempts: existing.attempts + input.attempts, reason, lastFailedAt: now, status, ...(status === 'open' ? { resolvedAt: null, resolvedBy: null } : {}) },
        );
        return (await repo.findOneBy({ id: existing.id }))!;
      }
      const row: DeadLetterRecord = {
        id: randomUUID(),
        sourceKey,
        eventId: str(json?.eventId, 36),
        eventType: str(json?.type, 60),
        caseId: str(json?.caseId, 64) ?? str(message.key, 64),
        topic: message.topic.slice(0, 100),
        sourcePartition: typeof message.partition === 'number' ? message.partition : null,
        sourceOffset: str(message.offset, 30),
        value: keep ? raw : masked,
        valueMasked: !keep,
        reason,
        attempts: input.attempts,
        firstFailedAt: now,
        lastFailedAt: now,
        status: 'open',
        resolvedAt: null,
        resolvedBy: null,
      };
      await repo.insert(row);
      return row;
    }),
  );
}

/** A dead letter as a service answers for it (instants in ISO; the gateway shows office time). */
export interface DeadLetterView {
  id: string;
  eventId: string | null;
  eventType: string | null;
  caseId: string | null;
  topic: string;
  partition: number | null;
  offset: string | null;
  reason: string;
  attempts: number;
  replayable: boolean;
  firstFailedAt: string;
  lastFailedAt: string;
  status: DeadLetterStatus;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export function deadLetterView(r: DeadLetterRecord): DeadLetterView {
  return {
    id: r.id,
    eventId: r.eventId,
    eventType: r.eventType,
    caseId: r.caseId,
    topic: r.topic,
    partition: r.sourcePartition,
    offset: r.sourceOffset,
    reason: maskText(r.reason),
    attempts: r.attempts,
    replayable: !r.valueMasked,
    firstFailedAt: r.firstFailedAt.toISOString(),
    lastFailedAt: r.lastFailedAt.toISOString(),
    status: r.status,
    resolvedAt: r.resolvedAt ? r.resolvedAt.toISOString() : null,
    resolvedBy: r.resolvedBy,
  };
}

/** The part of the event server a replay needs: the same path as a message from the broker. */
export interface ReplayTarget {
  replay(event: EventEnvelope): Promise<boolean>;
}

const STATUS_ZH: Record<DeadLetterStatus, string> = { open: '待处理', replayed: '已重放', discarded: '已丢弃' };

interface Who {
  username: string;
  roles?: string[];
}

/**
 * A service's dead letters for the administrator: the list, a replay through the event server
 * (processed_event keeps it exactly-once) and a discard. Service-local: the gateway reaches it
 * through the service's queries and commands, in-process or over the internal port.
 */
export class DeadLetterBox {
  constructor(
    private readonly ds: DataSource,
    private readonly server: ReplayTarget,
  ) {}

  async list(status?: string): Promise<DeadLetterView[]> {
    const wanted = status && (DEAD_LETTER_STATUSES as string[]).includes(status) ? (status as DeadLetterStatus) : undefined;
    const rows = await exclusive(this.ds, () => this.ds.getRepository(DeadLetterRecord).find({ where: wanted ? { status: wanted } : {}, order: { firstFailedAt: 'ASC', id: 'ASC' }, take: 1000 }));
    return rows.map(deadLetterView);
  }

  /** Dead letters still open (metrics). */
  countOpen(): Promise<number> {
    return exclusive(this.ds, () => this.ds.getRepository(DeadLetterRecord).count({ where: { status: 'open' } }));
  }

  private static check(who: Who): void {
    if (!who?.username || (who.roles && !who.roles.includes('admin'))) throw new ForbiddenError('只有系统管理员可以处理死信事件');
  }

  private async open(id: string, action: string): Promise<DeadLetterRecord> {
    const row = typeof id === 'string' && id.length <= 36 ? await exclusive(this.ds, () => this.ds.getRepository(DeadLetterRecord).findOneBy({ id })) : null;
    if (!row) throw new NotFoundError(`没有编号为 ${String(id).slice(0, 36)} 的死信事件`);
    if (row.status !== 'open') throw new StateConflictError(`该死信事件${STATUS_ZH[row.status]}，不能再${action}`, undefined, DEAD_LETTER_STATE);
    return row;
  }

  /**
   * Runs the stored message through the event server's handlers again. Success (or an event
   * this service has applied meanwhile): `replayed`. Failure: stays `open`, one attempt more,
   * the new reason stored, and a 422 with it.
   */
  async replay(id: string, who: Who): Promise<DeadLetterView> {
    DeadLetterBox.check(who);
    const row = await this.open(id, '重放');
    if (row.valueMasked) {
      throw new StateConflictError('该消息不是有效的事件，或含疑似身份证号、电话号码，只保存了脱敏副本，无法重放；请丢弃它，并由源服务重新发送该事件', undefined, DEAD_LETTER_STATE);
    }
    try {
      const event = validateEvent(parseEvent(row.value));
      await this.server.replay(event);
    } catch (e) {
      const detail = maskText(e instanceof InvalidEventError ? `invalid event: ${e.message}` : e instanceof Error ? e.message : String(e)).slice(0, 3900);
      const repo = this.ds.getRepository(DeadLetterRecord);
      await exclusive(this.ds, () => repo.update({ id: row.id, status: 'open' }, { attempts: row.attempts + 1, reason: `replay failed: ${detail}`, lastFailedAt: new Date() }));
      throw new RuleViolationError(`重放失败，死信事件仍待处理：${detail}`, undefined, REPLAY_FAILED);
    }
    return this.resolve(row, 'replayed', who.username);
  }

  /**
   * The administrator decides the event must not apply: `discarded`, with who and when. Its
   * event id is recorded as processed, so a redelivered copy is not applied either.
   */
  async discard(id: string, who: Who): Promise<DeadLetterView> {
    DeadLetterBox.check(who);
    const row = await this.open(id, '丢弃');
    return this.resolve(row, 'discarded', who.username);
  }

  private async resolve(row: DeadLetterRecord, status: 'replayed' | 'discarded', by: string): Promise<DeadLetterView> {
    const now = new Date();
    const updated = await exclusive(this.ds, () =>
      this.ds.transaction(async (m) => {
        const res = await m.getRepository(DeadLetterRecord).update({ id: row.id, status: 'open' }, { status, resolvedAt: now, resolvedBy: by.slice(0, 60) });
        if (!res.affected) return null;
        if (status === 'discarded' && row.eventId && !(await m.getRepository(ProcessedEventRecord).existsBy({ eventId: row.eventId }))) {
          await m.getRepository(ProcessedEventRecord).insert({ eventId: row.eventId, type: (row.eventType ?? 'unknown').slice(0, 60), processedAt: now });
        }
        return m.getRepository(DeadLetterRecord).findOneBy({ id: row.id });
      }),
    );
    if (!updated) {
      const current = await exclusive(this.ds, () => this.ds.getRepository(DeadLetterRecord).findOneBy({ id: row.id }));
      throw new StateConflictError(`该死信事件${STATUS_ZH[current?.status ?? 'open']}，不能再${status === 'replayed' ? '重放' : '丢弃'}`, undefined, DEAD_LETTER_STATE);
    }
    return deadLetterView(updated);
  }
}
