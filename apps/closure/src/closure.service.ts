import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, NotFoundError, type Clock } from '#libs/common';
import { createEvent, type ClosureKind, type Outcome } from '#libs/contracts';
import { decide } from '#libs/regulation';
import { actionTime, assertOwnUnit, enforce, UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { ClosureCase } from './closure.entities.js';

export interface CloseBody {
  kind: ClosureKind;
  outcome: Outcome;
  opinion: string;
}

/** Closure with a written opinion (信访处理意见书, Art. 32) by the unit that accepted the case. */
@Injectable()
export class ClosureService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async close(cmd: ServiceCommand<CloseBody>): Promise<CommandResult> {
    await this.uow.catchUp(cmd.after);
    const now = this.clock.now();
    const at = actionTime(cmd.at, now);
    const { eventIds } = await this.uow.run(async (m) => {
      const c = await m.getRepository(ClosureCase).findOneBy({ id: cmd.caseId! });
      if (!c) throw new NotFoundError(`case ${cmd.caseId} not found`);
      assertOwnUnit(cmd.actor, c.unitCode);
      enforce(decide({ status: c.status as never, reviewed: false, extensionDaysUsed: 0 }, 'close'));
      const { kind, outcome, opinion } = cmd.body;
      await m.getRepository(ClosureCase).update({ id: c.id }, { status: 'closed', closedAt: at, kind, outcome, opinion, closedBy: cmd.actor.username });
      return { result: null, events: [createEvent('case.closed', c.id, { kind, outcome, opinion, closedAt: at.toISOString() }, cmd.actor, now)] };
    });
    return { caseId: cmd.caseId!, eventIds };
  }
}
