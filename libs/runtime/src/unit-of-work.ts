import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '#libs/contracts';
import { CaseDataError, CLOCK, maskText, NotFoundError, UnavailableError, type Clock } from '#libs/common';
import { appendToOutbox, OutboxRelay, runAfterCommit, waitForEvent, type CaseEventServer } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { RUNTIME_OPTIONS, type RuntimeOptions } from './runtime.options.js';
import { actionTime } from './case-guards.js';
import type { CommandResult, ServiceCommand } from './service-api.js';

/** The services as the office knows them (for messages people read). */
const SERVICE_NAMES: Record<string, string> = { intake: '登记', assignment: '转送交办', deadline: '期限', closure: '办结', reporting: '统计' };

/**
 * A command's transaction: the state change and the events it causes commit together
 * (transactional outbox); the relay is kicked right after the commit.
 */
@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);
  private server: CaseEventServer | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_OPTIONS) private readonly options: RuntimeOptions,
  ) {}

  /** The service's own event handlers, applied to the events its commands produce. */
  useEventServer(server: CaseEventServer): void {
    this.server = server;
  }

  /**
   * Runs a command: `work` decides and returns the events; the service's own handlers apply
   * them (the one path by which its state changes), and they go to the outbox, all in one
   * transaction.
   */
  async run<T>(work: (manager: EntityManager) => Promise<{ result: T; events: EventEnvelope[] }>): Promise<{ result: T; eventIds: string[] }> {
    const afterCommit: Array<() => Promise<void>> = [];
    const out = await exclusive(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const r = await work(manager);
        await this.server?.applyLocalMany(manager, r.events, afterCommit);
        await appendToOutbox(manager, this.options.topic, r.events, this.clock.now());
        return r;
      }),
    );
    await runAfterCommit(afterCommit, (e) => this.logger.error(`after-commit step failed: ${maskText(String(e?.message ?? e))}`));
    void this.relay.kick();
    return { result: out.result, eventIds: out.events.map((e) => e.eventId) };
  }

  /**
   * The shape of every action on a case: catch up with what the caller saw, load the case (locked
   * where the database can), check the rules, emit one event. `at` is the action's own time
   * (back-dated by admin), `now` when it is recorded.
   */
  async act<R>(
    cmd: ServiceCommand<any>,
    steps: { load(m: EntityManager, id: string): Promise<R | null>; check(row: R, at: Date): void; produce(row: R, at: Date, now: Date): EventEnvelope },
  ): Promise<CommandResult> {
    await this.catchUp(cmd.after);
    const now = this.clock.now();
    const at = actionTime(cmd.at, now);
    try {
      const { eventIds } = await this.run(async (m) => {
        const row = await steps.load(m, cmd.caseId!);
        if (!row) throw new NotFoundError(`案件 ${cmd.caseId} 不存在`);
        steps.check(row, at);
        return { result: null, events: [steps.produce(row, at, now)] };
      });
      return { caseId: cmd.caseId!, eventIds };
    } catch (e) {
      throw this.containCaseData(cmd.caseId!, e);
    }
  }

  /**
   * What this service holds of one case cannot be computed (a record that does not parse, a fact
   * the regulation refuses): that case's command is refused with a 422 naming it, nothing is
   * committed, and every other case goes on. Database and broker errors pass through as they are.
   */
  private containCaseData(caseId: string, e: unknown): unknown {
    if (!(e instanceof SyntaxError || e instanceof RangeError || e instanceof TypeError)) return e;
    this.logger.error(`${this.options.service}: case ${caseId} cannot be computed from its stored data: ${maskText(`${e.name}: ${e.message}`)}`);
    const name = SERVICE_NAMES[this.options.service] ?? this.options.service;
    return new CaseDataError(`案件 ${caseId} 在${name}服务中保存的数据异常，无法执行此操作，请系统管理员核查；其他案件不受影响`);
  }

  /** Waits until this service has applied the event the caller last saw (read-your-writes). */
  async catchUp(after: string | null | undefined): Promise<void> {
    if (!after) return;
    if (!(await waitForEvent(this.dataSource, after, this.options.catchUpTimeoutMs))) {
      throw new UnavailableError(`${this.options.service} 服务尚未处理到事件 ${after}，请稍后重试`);
    }
  }
}
