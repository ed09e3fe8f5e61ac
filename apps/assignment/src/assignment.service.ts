import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, InvalidInputError, isRealDate, RuleViolationError, type Clock } from '#libs/common';
import { createEvent, type DeclineBody, type DivertBody, type EventEnvelope, type ObjectBody, type RouteBody } from '#libs/contracts';
import { forUpdate } from '#libs/persistence';
import { decide, lateRequestMessage, objectionWindow, toLocalDate, type CaseAction } from '#libs/regulation';
import { assertMayAct, assertOwnUnit, enforce, snapshotOf, UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { AssignmentCase } from './assignment.entities.js';
import { ASSIGNMENT_SETTINGS, type AssignmentSettings } from './assignment.settings.js';

/**
 * The petition office's routing (转送 / 交办, Art. 22) and the responsible unit's first answer:
 * accept (受理), decline (不予受理 / 不再受理), divert to another procedure (Art. 31), or send a
 * wrong transfer back (Art. 23(3)).
 */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ASSIGNMENT_SETTINGS) private readonly settings: AssignmentSettings,
  ) {}

  route(cmd: ServiceCommand<RouteBody>): Promise<CommandResult> {
    return this.act(cmd, 'route', (c, at) => {
      const feedbackDueAt = cmd.body.mode === 'assign' ? (cmd.body.feedbackDueAt ?? null) : null;
      if (feedbackDueAt !== null) this.checkFeedbackDue(feedbackDueAt, c, at);
      return createEvent(
        'case.routed',
        c.id,
        { mode: cmd.body.mode, unitCode: cmd.body.unitCode, ...(cmd.body.unitName ? { unitName: cmd.body.unitName } : {}), feedbackDueAt, routedAt: at.toISOString() },
        cmd.actor,
        this.clock.now(),
      );
    });
  }

  accept(cmd: ServiceCommand): Promise<CommandResult> {
    return this.act(cmd, 'accept', (c, at) => {
      return createEvent('case.accepted', c.id, { unitCode: c.unitCode!, acceptedAt: at.toISOString() }, cmd.actor, this.clock.now());
    });
  }

  /** The office declines an unrouted case; the unit holding a routed case declines it too. */
  decline(cmd: ServiceCommand<DeclineBody>): Promise<CommandResult> {
    return this.act(cmd, 'decline', (c, at) => {
      return createEvent('case.declined', c.id, { reason: cmd.body.reason, note: cmd.body.note ?? null, declinedAt: at.toISOString() }, cmd.actor, this.clock.now());
    });
  }

  divert(cmd: ServiceCommand<DivertBody>): Promise<CommandResult> {
    return this.act(cmd, 'divert', (c, at) => {
      return createEvent('case.diverted', c.id, { procedure: cmd.body.procedure, note: cmd.body.note ?? null, divertedAt: at.toISOString() }, cmd.actor, this.clock.now());
    });
  }

  /** A wrong transfer goes back to the office, with reasons, within its window (libs/regulation REQUEST_WINDOWS: 5 working days, Art. 23(3)). */
  object(cmd: ServiceCommand<ObjectBody>): Promise<CommandResult> {
    return this.act(cmd, 'object', (c, at) => {
      const window = objectionWindow(c.routedAt!, this.settings);
      if (window && at.getTime() >= window.dueAt.getTime()) throw new RuleViolationError(lateRequestMessage('object', window.dueAt, this.settings.timeZone));
      return createEvent('case.objected', c.id, { unitCode: c.unitCode!, reason: cmd.body.reason, objectedAt: at.toISOString() }, cmd.actor, this.clock.now());
    });
  }

  /** The assigning office's feedback date: a real day, not before the case was received nor before the routing itself. */
  private checkFeedbackDue(due: string, c: AssignmentCase, at: Date): void {
    if (!isRealDate(due)) throw InvalidInputError.field('feedbackDueAt', `反馈期限不是真实存在的日期：${String(due)}`);
    const routedOn = toLocalDate(at, this.settings.timeZone);
    const receivedOn = toLocalDate(c.receivedAt, this.settings.timeZone);
    if (due < receivedOn) throw InvalidInputError.field('feedbackDueAt', `反馈期限（${due}）不得早于收信/来访日期（${receivedOn}）`);
    if (due < routedOn) throw InvalidInputError.field('feedbackDueAt', `反馈期限（${due}）不得早于转送之日（${routedOn}）`);
    // The unit answers to the office before the office answers upward (Art. 22(1)(三)).
    if (c.feedbackDueAt && due > c.feedbackDueAt) {
      throw new RuleViolationError(`交办给责任单位的反馈期限（${due}）不得晚于上级交办机关要求的反馈期限（${c.feedbackDueAt}）（《信访工作条例》第二十二条）`, [
        { field: 'feedbackDueAt', messages: [`不得晚于 ${c.feedbackDueAt}`] },
      ]);
    }
  }

  /** The state machine decides first, then the role table (unit included); `produce` checks the windows and builds the event. */
  private act(cmd: ServiceCommand<unknown>, action: CaseAction, produce: (c: AssignmentCase, at: Date) => EventEnvelope): Promise<CommandResult> {
    return this.uow.act(cmd, {
      load: (m, id) => m.getRepository(AssignmentCase).findOne({ where: { id }, ...forUpdate(m.connection) }),
      check: (c) => {
        // A handler sees only the cases of its unit: another unit's case is refused before its state is told.
        if (cmd.actor.roles.every((r) => r === 'handler')) assertOwnUnit(cmd.actor, c.unitCode);
        enforce(decide(snapshotOf(c), action));
        assertMayAct(cmd.actor, snapshotOf(c), action, c.unitCode);
      },
      produce,
    });
  }
}
