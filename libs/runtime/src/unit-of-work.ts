import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '#libs/contracts';
import { CLOCK, UnavailableError, type Clock } from '#libs/common';
import { appendToOutbox, OutboxRelay, runAfterCommit, waitForEvent, type CaseEventServer } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { RUNTIME_OPTIONS, type RuntimeOptions } from './runtime.options.js';

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
        for (const e of r.events) await this.server?.applyLocal(manager, e, afterCommit);
        await appendToOutbox(manager, this.options.topic, r.events, this.clock.now());
        return r;
      }),
    );
    await runAfterCommit(afterCommit, (e) => this.logger.error(`after-commit step failed: ${e.message}`));
    void this.relay.kick();
    return { result: out.result, eventIds: out.events.map((e) => e.eventId) };
  }

  /** Runs reads one at a time with writes where the database needs it (SQLite). */
  read<T>(work: () => Promise<T>): Promise<T> {
    return exclusive(this.dataSource, work);
  }

  /** Waits until this service has applied the event the caller last saw (read-your-writes). */
  async catchUp(after: string | null | undefined): Promise<void> {
    if (!after) return;
    if (!(await waitForEvent(this.dataSource, after, this.options.catchUpTimeoutMs))) {
      throw new UnavailableError(`${this.options.service} service has not yet caught up with event ${after}; retry shortly`);
    }
  }
}
