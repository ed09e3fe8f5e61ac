import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, maskText, RuleViolationError, StateConflictError, type Clock } from '#libs/common';
import { validateEvent, type EventEnvelope } from '#libs/contracts';
import { EventGate } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { toLocalDate } from '#libs/regulation';
import type { Caller } from '#libs/runtime';
import { ProjectionHandlers } from './projection.handlers.js';
import { asDate, EVENT_LOG_INCOMPLETE, recordDerivation } from './read-model-refresh.js';
import { RptCase, RptEvent, RptMeta } from './reporting.entities.js';
import { ReportingQueries } from './reporting-queries.service.js';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings.js';

export const REPORTING_EVENT_GATE = Symbol('REPORTING_EVENT_GATE');

export interface RebuildStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  /** Events in the log, and replayed so far. */
  total: number;
  done: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** The figures (summary of every year, breakdowns, backlog) after the rebuild equal those before. */
  identical: boolean | null;
  /** Which of them differ (when not identical). */
  differences: string[];
  /** Events that failed to apply again (each left out, as a dead letter would be; none expected). */
  failures: { eventId: string; type: string; reason: string }[];
  error: string | null;
}

/** The read-model tables a rebuild empties and fills again from the event log. */
const READ_MODEL_TABLES = ['rpt_act', 'rpt_contact', 'rpt_reception_session', 'rpt_case', 'rpt_tally'];
const BATCH = 5000;

/**
 * Rebuilds the read model from the events alone: the event log the reporting service keeps
 * (rpt_event: every event it applied, in order). The service's consumer is held meanwhile (the
 * event gate: events wait, none lost); the tables are emptied and every logged event is applied
 * again through the projection's own code, in the logged order, a batch per transaction. The
 * figures before and after are compared and the result says whether they are identical.
 */
@Injectable()
export class ReadModelRebuild {
  private readonly logger = new Logger('Rebuild');
  private status: RebuildStatus = { state: 'idle', total: 0, done: 0, startedAt: null, finishedAt: null, identical: null, differences: [], failures: [], error: null };
  private readonly projection: ProjectionHandlers;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queries: ReportingQueries,
    @Inject(REPORTING_EVENT_GATE) private readonly gate: EventGate,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings,
  ) {
    this.projection = new ProjectionHandlers(settings);
  }

  current(): RebuildStatus {
    return { ...this.status };
  }

  /** Starts the rebuild (answers at once with its status; `current()` follows it). */
  async start(caller: Caller | null): Promise<RebuildStatus> {
    if (!caller?.roles.includes('admin')) throw new StateConflictError('只有系统管理员可以重建统计数据');
    if (this.status.state === 'running') throw new StateConflictError(`统计数据正在重建（已完成 ${this.status.done}/${this.status.total} 个事件），请等待其完成`);
    const missing = await exclusive(this.dataSource, () => this.dataSource.getRepository(RptMeta).findOneBy({ key: EVENT_LOG_INCOMPLETE }));
    if (missing) {
      throw new RuleViolationError(`事件日志始于本版本升级之时，此前已有的 ${missing.value} 件案件的事件不在日志中，无法仅凭事件重建；请从备份恢复，或保留现有统计数据`);
    }
    const total = await exclusive(this.dataSource, () => this.dataSource.getRepository(RptEvent).count());
    this.status = { state: 'running', total, done: 0, startedAt: new Date().toISOString(), finishedAt: null, identical: null, differences: [], failures: [], error: null };
    this.logger.log(`rebuilding the read model from ${total} logged events (by ${caller.username})`);
    void this.run().catch((e) => {
      this.status = { ...this.status, state: 'failed', finishedAt: new Date().toISOString(), error: maskText(String((e as Error)?.message ?? e)) };
      this.logger.error(`rebuild failed: ${this.status.error}`);
    });
    return this.current();
  }

  private async run(): Promise<void> {
    await this.gate.hold(async () => {
      const before = await this.figures();
      await this.empty();
      for (let after = 0; ;) {
        const rows = await exclusive(this.dataSource, () =>
          this.dataSource.getRepository(RptEvent).createQueryBuilder('e').where('e.seq > :after', { after }).orderBy('e.seq', 'ASC').limit(BATCH).getMany(),
        );
        if (!rows.length) break;
        const events: { row: RptEvent; e: EventEnvelope }[] = [];
        for (const row of rows) {
          try {
            events.push({ row, e: validateEvent(JSON.parse(row.envelope) as Record<string, unknown>) });
          } catch (e) {
            this.fail(row, e);
          }
        }
        try {
          // The batch in one transaction: its cases read once, written once, its counters once (ProjectionHandlers.projectBatch).
          const failures = await exclusive(this.dataSource, () =>
            this.dataSource.transaction((m) =>
              this.projection.projectBatch(
                events.map((x) => x.e),
                m,
              ),
            ),
          );
          for (const f of failures) this.fail(events.find((x) => x.e === f.event)!.row, f.error);
        } catch {
          // The batch could not be written as one: event by event, a savepoint each, so that one that fails again is left out alone (as it would be dead-lettered).
          await exclusive(this.dataSource, () =>
            this.dataSource.transaction(async (m) => {
              for (const { row, e } of events) {
                try {
                  await m.transaction((inner) => this.projection.project(e, inner));
                } catch (err) {
                  this.fail(row, err);
                }
              }
            }),
          );
        }
        after = rows[rows.length - 1].seq;
        this.status.done += rows.length;
      }
      await exclusive(this.dataSource, () => recordDerivation(this.dataSource.manager, this.settings));
      const afterFigures = await this.figures();
      const differences = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(afterFigures[k]));
      this.status = { ...this.status, state: 'done', finishedAt: new Date().toISOString(), identical: differences.length === 0, differences };
    });
    this.logger.log(
      `read model rebuilt: ${this.status.done} events, ${this.status.failures.length} failed, figures ${this.status.identical ? 'identical' : `differ: ${this.status.differences.join(', ')}`}`,
    );
  }

  private fail(row: RptEvent, e: unknown): void {
    this.status.failures.push({ eventId: row.eventId, type: row.type, reason: maskText(String((e as Error)?.message ?? e)) });
  }

  private async empty(): Promise<void> {
    const mysql = this.dataSource.options.type !== 'better-sqlite3';
    for (const t of READ_MODEL_TABLES) await exclusive(this.dataSource, () => this.dataSource.query(mysql ? `TRUNCATE TABLE ${t}` : `DELETE FROM ${t}`));
  }

  /** The reports to compare: the summary of every year the cases span, the breakdowns over that span, the backlog. */
  private async figures(): Promise<Record<string, unknown>> {
    const admin: Caller = { username: 'rebuild', roles: ['admin'], unitCode: null };
    const tz = this.settings.timeZone;
    const first = (await exclusive(this.dataSource, () => this.dataSource.getRepository(RptCase).createQueryBuilder('c').select('MIN(c.receivedAt)', 'at').getRawOne())) as { at: unknown } | undefined;
    const thisYear = Number(toLocalDate(this.clock.now(), tz).slice(0, 4));
    const at = asDate(first?.at);
    const firstYear = at ? Math.min(thisYear, Number(toLocalDate(at, tz).slice(0, 4))) : thisYear;
    const out: Record<string, unknown> = {};
    for (let y = firstYear; y <= thisYear; y++) out[`summary ${y}`] = await this.queries.summary({ from: `${y}-01-01`, to: `${y}-12-31` }, admin);
    const span = { from: `${firstYear}-01-01`, to: `${thisYear}-12-31` };
    for (const by of ['unit', 'category', 'channel', 'authority', 'month'] as const) out[`breakdown ${by}`] = await this.queries.breakdown({ ...span, by }, admin);
    out.backlog = await this.queries.backlog({}, admin);
    out.overdue = (await this.queries.list({ overdue: true, pageSize: 1 }, admin)).total;
    return out;
  }
}
