import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, InvalidInputError, isRealDate, newId, type Clock } from '#libs/common';
import { createEvent, type ReceptionSessionBody } from '#libs/contracts';
import { UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { ReceptionSession } from './intake.entities.js';

/** Leadership reception sessions; the visits registered under one count in its figures. */
@Injectable()
export class ReceptionSessionsService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(cmd: ServiceCommand<ReceptionSessionBody>): Promise<CommandResult> {
    const now = this.clock.now();
    const id = newId();
    const { kind, leader, date } = cmd.body;
    // A session's date counts it in a day's and a year's figures: it must be a day that exists.
    if (!isRealDate(date)) throw InvalidInputError.field('date', `接访日期不是真实存在的日期：${String(date)}`);
    const { eventIds } = await this.uow.run(async (m) => {
      await m.getRepository(ReceptionSession).insert({ id, kind, leader, date, createdBy: cmd.actor.username, createdAt: now });
      // Keyed by the session id: its events stay in order like a case's.
      return { result: null, events: [createEvent('reception.session-held', id, { kind, leader, date }, cmd.actor, now)] };
    });
    return { caseId: id, eventIds, created: true, data: { id, kind, leader, date } };
  }
}
