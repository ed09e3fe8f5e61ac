import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, NotFoundError, type Clock } from '#libs/common';
import { createEvent, type RouteMode } from '#libs/contracts';
import { decide } from '#libs/regulation';
import { actionTime, assertOwnUnit, enforce, UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { AssignmentCase } from './assignment.entities.js';

export interface RouteBody {
  mode: RouteMode;
  unitCode: string;
  feedbackDueAt?: string;
}

/** Routing by the petition office (转送 / 交办) and acceptance by the responsible unit (受理). */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async route(cmd: ServiceCommand<RouteBody>): Promise<CommandResult> {
    await this.uow.catchUp(cmd.after);
    const now = this.clock.now();
    const at = actionTime(cmd.at, now);
    const { eventIds } = await this.uow.run(async (m) => {
      const c = await this.load(m, cmd.caseId!);
      enforce(decide({ status: c.status as never, reviewed: false, extensionDaysUsed: 0 }, 'route'));
      const feedbackDueAt = cmd.body.mode === 'assign' ? (cmd.body.feedbackDueAt ?? null) : null;
      await m.getRepository(AssignmentCase).update(
        { id: c.id },
        { status: 'routed', unitCode: cmd.body.unitCode, mode: cmd.body.mode, feedbackDueAt, routedAt: at },
      );
      const event = createEvent('case.routed', c.id, { mode: cmd.body.mode, unitCode: cmd.body.unitCode, feedbackDueAt, routedAt: at.toISOString() }, cmd.actor, now);
      return { result: null, events: [event] };
    });
    return { caseId: cmd.caseId!, eventIds };
  }

  async accept(cmd: ServiceCommand): Promise<CommandResult> {
    await this.uow.catchUp(cmd.after);
    const now = this.clock.now();
    const at = actionTime(cmd.at, now);
    const { eventIds } = await this.uow.run(async (m) => {
      const c = await this.load(m, cmd.caseId!);
      assertOwnUnit(cmd.actor, c.unitCode);
      enforce(decide({ status: c.status as never, reviewed: false, extensionDaysUsed: 0 }, 'accept'));
      await m.getRepository(AssignmentCase).update({ id: c.id }, { status: 'accepted', acceptedAt: at });
      return { result: null, events: [createEvent('case.accepted', c.id, { unitCode: c.unitCode!, acceptedAt: at.toISOString() }, cmd.actor, now)] };
    });
    return { caseId: cmd.caseId!, eventIds };
  }

  private async load(m: EntityManager, id: string): Promise<AssignmentCase> {
    const c = await m.getRepository(AssignmentCase).findOneBy({ id });
    if (!c) throw new NotFoundError(`case ${id} not found`);
    return c;
  }
}
