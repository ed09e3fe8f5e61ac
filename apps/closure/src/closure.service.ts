import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, RuleViolationError, StateConflictError, type Clock } from '#libs/common';
import { createEvent, deserializeFacts, type EvaluateBody, type EventEnvelope, type ExtendBody, type OpinionBody } from '#libs/contracts';
import { forUpdate } from '#libs/persistence';
import { computeDeadlines, decide, isWindowedAction, lateRequestMessage, REQUEST_WINDOWS, type CaseAction } from '#libs/regulation';
import { assertMayAct, assertOwnUnit, enforce, snapshotOf, UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { ClosureCase } from './closure.entities.js';
import { CLOSURE_SETTINGS, type ClosureSettings } from './closure.settings.js';

const RATING_NAMES: Record<string, string> = { satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意' };

/**
 * Handling and what follows it: extension (Art. 34), closure with a written opinion (Art. 32),
 * the petitioner's evaluation, review (复查, Art. 35) and re-review (复核, Art. 36).
 */
@Injectable()
export class ClosureService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CLOSURE_SETTINGS) private readonly settings: ClosureSettings,
  ) {}

  extend(cmd: ServiceCommand<ExtendBody>): Promise<CommandResult> {
    const b = cmd.body;
    return this.act(
      cmd,
      'extend',
      (c, at) => {
        return createEvent(
          'case.extended',
          c.id,
          { days: b.days, totalDays: c.extensionDaysUsed + b.days, reason: b.reason, approvedBy: b.approvedBy, petitionerNotice: b.petitionerNotice ?? null, extendedAt: at.toISOString() },
          cmd.actor,
          this.clock.now(),
        );
      },
      { extensionDays: b.days },
    );
  }

  close(cmd: ServiceCommand<OpinionBody>): Promise<CommandResult> {
    const { kind, outcome, opinion } = cmd.body;
    return this.act(cmd, 'close', (c, at) => {
      return createEvent('case.closed', c.id, { kind, outcome, opinion, closedAt: at.toISOString() }, cmd.actor, this.clock.now());
    });
  }

  /** The rating (once); `comment` is what the petitioner wrote with it on the public door. */
  evaluate(cmd: ServiceCommand<EvaluateBody>): Promise<CommandResult> {
    const comment = cmd.body.comment?.trim();
    return this.act(cmd, 'evaluate', (c, at) => {
      if (c.rating) throw new StateConflictError(`该案件已评价（${RATING_NAMES[c.rating] ?? c.rating}），不能重复评价`);
      return createEvent('case.evaluated', c.id, { rating: cmd.body.rating, ...(comment ? { comment } : {}), evaluatedAt: at.toISOString() }, cmd.actor, this.clock.now());
    });
  }

  reviewRequest(cmd: ServiceCommand): Promise<CommandResult> {
    return this.act(cmd, 'review-request', (c, at) => createEvent('case.review-requested', c.id, { requestedAt: at.toISOString() }, cmd.actor, this.clock.now()));
  }

  reviewOpinion(cmd: ServiceCommand<OpinionBody>): Promise<CommandResult> {
    const { kind, outcome, opinion } = cmd.body;
    return this.act(cmd, 'review-opinion', (c, at) => createEvent('case.review-opinion-issued', c.id, { kind, outcome, opinion, issuedAt: at.toISOString() }, cmd.actor, this.clock.now()));
  }

  reReviewRequest(cmd: ServiceCommand): Promise<CommandResult> {
    return this.act(cmd, 're-review-request', (c, at) => createEvent('case.re-review-requested', c.id, { requestedAt: at.toISOString() }, cmd.actor, this.clock.now()));
  }

  reReviewOpinion(cmd: ServiceCommand<OpinionBody>): Promise<CommandResult> {
    const { kind, outcome, opinion, hearingDays } = cmd.body;
    return this.act(cmd, 're-review-opinion', (c, at) =>
      createEvent('case.re-review-opinion-issued', c.id, { kind, outcome, opinion, ...(hearingDays !== undefined ? { hearingDays } : {}), issuedAt: at.toISOString() }, cmd.actor, this.clock.now()),
    );
  }

  /** The state machine and the petitioner's windows decide; `produce` builds the event. */
  private act(cmd: ServiceCommand<unknown>, action: CaseAction, produce: (c: ClosureCase, at: Date) => EventEnvelope, input?: { extensionDays?: number }): Promise<CommandResult> {
    return this.uow.act(cmd, {
      load: (m, id) => m.getRepository(ClosureCase).findOne({ where: { id }, ...forUpdate(m.connection) }),
      check: (c, at) => {
        // A handler sees only the cases of its unit: another unit's case is refused before its state is told.
        if (cmd.actor.roles.every((r) => r === 'handler')) assertOwnUnit(cmd.actor, c.unitCode);
        enforce(decide(snapshotOf(c), action, input));
        assertMayAct(cmd.actor, snapshotOf(c), action, c.unitCode);
        this.assertWindowOpen(c, action, at);
      },
      produce,
    });
  }

  /** The petitioner's windows (libs/regulation REQUEST_WINDOWS) close at 24:00 of their last day (holiday roll-over as configured). */
  private assertWindowOpen(c: ClosureCase, action: CaseAction, at: Date): void {
    if (!isWindowedAction(action)) return;
    const kind = REQUEST_WINDOWS[action].kind;
    const d = computeDeadlines(deserializeFacts(c.facts), at, this.settings.policy, this.settings.calendar).find((x) => x.kind === kind);
    if (d && at.getTime() >= d.dueAt.getTime()) throw new RuleViolationError(lateRequestMessage(action, d.dueAt, this.settings.policy.timeZone, d.basis));
  }
}
