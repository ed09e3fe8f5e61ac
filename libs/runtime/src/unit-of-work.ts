import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '#libs/contracts';
import { CaseDataError, CLOCK, InvalidInputError, maskText, NotFoundError, RuleViolationError, UnavailableError, type Clock } from '#libs/common';
import { formatInstant } from '#libs/regulation';
import { appendToOutbox, OutboxRelay, runAfterCommit, waitForEvent, type CaseEventServer } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { RUNTIME_OPTIONS, type RuntimeOptions } from './runtime.options.js';
import { actionTime } from './case-guards.js';
import type { CommandResult, ServiceCommand } from './service-api.js';

/** The services as the office knows them (for messages people read). */
const SERVICE_NAMES: Record<string, string> = { intake: '登记', assignment: '转送交办', deadline: '期限', closure: '办结', reporting: '统计' };

/** The timeline's steps as the office names them (for the back-dating check's message). */
const STEP_NAMES: Record<string, string> = {
  registered: '登记',
  'repeat-contact': '重复信访登记',
  routed: '转送交办',
  accepted: '受理',
  objected: '退回',
  declined: '不予受理',
  diverted: '导入相应程序',
  extended: '延期',
  closed: '办结',
  evaluated: '满意度评价',
  'review-requested': '申请复查',
  're-review-requested': '申请复核',
  'review-opinion': '复查意见',
  're-review-opinion': '复核意见',
  supervised: '督办',
  'acceptance-notice-served': '送达受理告知书',
  'opinion-served': '送达意见书',
};

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
    cmd: ServiceCommand<unknown>,
    steps: { load(m: EntityManager, id: string): Promise<R | null>; check(row: R, at: Date): void; produce(row: R, at: Date, now: Date): EventEnvelope },
  ): Promise<CommandResult> {
    await this.catchUp(cmd.after);
    const now = this.clock.now();
    const at = actionTime(cmd.at, now);
    if (cmd.at) this.checkBackDated(at, now, cmd.atNotBefore ?? null);
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
   * A back-dated act (the administrator entering paper records) happened in the past, and not
   * before the case's previous step: 422 naming both instants, in office time.
   */
  private checkBackDated(at: Date, now: Date, notBefore: { type: string; at: string } | null): void {
    const tz = this.options.timeZone;
    const fmt = (d: Date) => formatInstant(d, tz);
    if (Number.isNaN(at.getTime())) throw InvalidInputError.field('at', '办理时间（at）不是有效的时间');
    // A minute of leeway for the clocks of the browser and the server.
    if (at.getTime() > now.getTime() + 60_000) {
      throw new RuleViolationError(`补录的办理时间 ${fmt(at)} 晚于当前时间 ${fmt(now)}，不能补录尚未发生的办理行为`, [{ field: 'at', messages: [`不得晚于当前时间 ${fmt(now)}`] }]);
    }
    if (notBefore && at.getTime() < Date.parse(notBefore.at)) {
      const step = STEP_NAMES[notBefore.type] ?? notBefore.type;
      throw new RuleViolationError(`补录的办理时间 ${fmt(at)} 早于该案件上一步办理（${step}）的时间 ${fmt(new Date(notBefore.at))}，办理过程不能倒序`, [
        { field: 'at', messages: [`不得早于上一步（${step}）的时间 ${fmt(new Date(notBefore.at))}`] },
      ]);
    }
  }

  /**
   * What this service holds of one case cannot be computed (a record that does not parse, a fact
   * the regulation refuses): that case's command is refused with a 422 naming it, nothing is
   * committed, and every other case goes on. Database and broker errors pass through as they are.
   */
  private containCaseData(caseId: string, e: unknown): unknown {
    // Not TypeError: that is a bug in the code more often than in the data, and stays a 500 that alerts.
    if (!(e instanceof SyntaxError || e instanceof RangeError)) return e;
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
