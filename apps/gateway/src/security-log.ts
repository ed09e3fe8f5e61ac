import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, type FindOptionsWhere, type Repository } from 'typeorm';
import type { SecurityEventInput, SecurityEvents } from '#libs/auth';
import { InvalidInputError, maskText } from '#libs/common';
import { endOfLocalDay, formatInstant, isLocalDate, startOfLocalDay } from '#libs/regulation';
import { SecurityEventRecord } from './gateway.entities.js';
import { GATEWAY_SETTINGS, officeTimeZone, type GatewaySettings } from './gateway.settings.js';

/** Events that are worth an operator's attention even at LOG_LEVEL=warn. */
const WARN = new Set(['account-locked', 'refresh-token-reused']);

export interface SecurityEventView {
  id: number;
  event: string;
  actor: string | null;
  target: string | null;
  ip: string | null;
  at: string;
  detail: Record<string, unknown> | null;
}

/** Text that goes into the log: masked (identity numbers, phones) and cut to the column's size. */
const clean = (s: string | null | undefined, max: number): string | null => (s == null ? null : maskText(String(s)).slice(0, max));

/**
 * The security log: refused logins, lockouts, 403s, personal-data lookups and exports, account
 * changes. Each event is one structured line (Nest logger context `Security`, JSON with event,
 * actor, target, ip, at, detail) and one row of gw_security_event, which the admin reads. It never
 * holds personal data: a person lookup records who looked and by which kind of key, not the key;
 * passwords and tokens never reach it; whatever text it is given is masked once more.
 */
@Injectable()
export class SecurityLog implements SecurityEvents {
  private readonly logger = new Logger('Security');
  constructor(
    @InjectRepository(SecurityEventRecord) private readonly events: Repository<SecurityEventRecord>,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async record(e: SecurityEventInput): Promise<void> {
    const at = new Date();
    const detail = e.detail ? Object.fromEntries(Object.entries(e.detail).map(([k, v]) => [k, typeof v === 'string' ? clean(v, 100) : v])) : null;
    const row = { event: e.event.slice(0, 40), actor: clean(e.actor, 60), target: clean(e.target, 200), ip: clean(e.ip, 45), at, detail: detail ? JSON.stringify(detail).slice(0, 500) : null };
    const line = JSON.stringify({ event: row.event, actor: row.actor, target: row.target, ip: row.ip, at: at.toISOString(), ...(detail ? { detail } : {}) });
    if (WARN.has(row.event)) this.logger.warn(line);
    else this.logger.log(line);
    try {
      await this.events.insert(row);
    } catch (err) {
      // The action itself stands; the line above is the record of it.
      this.logger.error(`security event not stored: ${maskText((err as Error).message)}`);
    }
  }

  /** Newest first, a page at a time; from/to are office days (inclusive). */
  async list(q: { from?: string; to?: string; event?: string; page?: number; pageSize?: number }) {
    const tz = officeTimeZone(this.settings);
    for (const f of ['from', 'to'] as const) if (q[f] !== undefined && !isLocalDate(q[f])) throw InvalidInputError.field(f, `${f === 'from' ? '起始日期' : '结束日期'}不是有效的日期`);
    if (q.from && q.to && q.from > q.to) throw InvalidInputError.field('from', '起始日期不得晚于结束日期');
    const start = q.from ? startOfLocalDay(q.from, tz) : new Date(0);
    const end = q.to ? new Date(endOfLocalDay(q.to, tz).getTime() - 1) : new Date(8.64e15);
    const where: FindOptionsWhere<SecurityEventRecord> = { at: Between(start, end), ...(q.event ? { event: q.event } : {}) };
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const [rows, total] = await this.events.findAndCount({ where, order: { at: 'DESC', id: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
    const items: SecurityEventView[] = rows.map((r) => ({
      id: r.id,
      event: r.event,
      actor: r.actor,
      target: r.target,
      ip: r.ip,
      at: formatInstant(r.at, tz),
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    }));
    return { items, total, page, pageSize };
  }
}
