import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '#libs/contracts';
import { CLOCK, UnavailableError, type Clock } from '#libs/common';
import { appendToOutbox, OutboxRelay, waitForEvent } from '#libs/messaging';
import { exclusive } from '#libs/persistence';
import { RUNTIME_OPTIONS, type RuntimeOptions } from './runtime.options.js';

/**
 * A command's transaction: the state change and the events it causes commit together
 * (transactional outbox); the relay is kicked right after the commit.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_OPTIONS) private readonly options: RuntimeOptions,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<{ result: T; events: EventEnvelope[] }>): Promise<{ result: T; eventIds: string[] }> {
    const out = await exclusive(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const r = await work(manager);
        await appendToOutbox(manager, this.options.topic, r.events, this.clock.now());
        return r;
      }),
    );
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
