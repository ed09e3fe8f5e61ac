import { randomInt } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import type { EntityManager } from 'typeorm';
import { CLOCK, ForbiddenError, InvalidInputError, isQueryCode, NotFoundError, isTrackingNo, normaliseTrackingInput, QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, type Clock } from '#libs/common';
import { createEvent, type VerifyQueryCodeBody } from '#libs/contracts';
import { forUpdate } from '#libs/persistence';
import { UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { IntakeCase, IntakeQueryCode, TrackFailure } from './intake.entities.js';
import { INTAKE_SETTINGS, trackingPolicy, type IntakeSettings } from './intake.settings.js';

/**
 * argon2id at the passwords' parameters (OWASP's minimum: 19 MiB, 2 passes): a copy of intake's
 * database gives no code without about a billion slow guesses per case, and there is no key to
 * keep or rotate (an HMAC would need one, and with it the codes fall in seconds).
 */
const ARGON2ID = 2 as Algorithm; // Algorithm.Argon2id (a const enum: not importable as a value here)
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Who may give a petitioner a new code (at the desk, having seen who they are). */
const ISSUERS = ['reception', 'office', 'admin'];

/** A new query code: 6 characters drawn uniformly (crypto.randomInt) from the 32 unambiguous ones. */
export function newQueryCode(): string {
  let code = '';
  for (let i = 0; i < QUERY_CODE_LENGTH; i++) code += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
  return code;
}

export const hashQueryCode = (code: string): Promise<string> => hash(code, OPTIONS);

/** An attempt as counted: the number is locked, or the attempt counts (and may have locked it) and the case's code, if any. */
type Admission = { locked: Date; lockedUntil?: undefined; found?: undefined } | { locked: null; lockedUntil: Date | null; found: { caseId: string; codeHash: string } | null };

/** What the public door's check of a tracking number and its query code comes to. */
export type VerifyOutcome =
  | { outcome: 'ok'; caseId: string }
  /** `lockedNow`: this wrong code was the one that locked the number (the gateway records it). */
  | { outcome: 'wrong'; lockedNow: boolean; lockedUntil: string | null }
  | { outcome: 'locked'; lockedUntil: string };

/**
 * The query codes of the cases (查询码) and the check the public door makes with them. The check
 * answers the same for a tracking number that does not exist as for a wrong code (an argon2
 * verify against a dummy hash, so it takes as long), and counts the attempts of both alike:
 * TRACK_MAX_FAILURES wrong ones within TRACK_FAILURE_WINDOW_MINUTES lock the number for
 * TRACK_LOCKOUT_MINUTES, whether it exists or not — the lock tells nothing either.
 */
@Injectable()
export class QueryCodesService {
  private readonly logger = new Logger('QueryCodes');
  private dummy: Promise<string> | undefined;
  private lastPurge = 0;

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  /** The code row of a case being registered (in the registration's transaction); the code is answered once. */
  async issueForNewCase(m: EntityManager, caseId: string, codeHash: string, issuedBy: string, at: Date): Promise<void> {
    await m.getRepository(IntakeQueryCode).insert({ caseId, codeHash, issuedAt: at, issuedBy });
  }

  /** A code and its hash, made before the transaction that stores it (hashing takes tens of milliseconds). */
  async prepare(): Promise<{ plain: string; hash: string }> {
    const plain = newQueryCode();
    return { plain, hash: await hashQueryCode(plain) };
  }

  /**
   * The office gives the case a new code (the petitioner lost theirs): the old one stops working,
   * the number's wrong attempts are forgotten, and `case.query-code-reissued` (without the code)
   * puts it on the case's timeline with who issued it.
   */
  async reissue(cmd: ServiceCommand): Promise<CommandResult> {
    if (!cmd.actor?.roles?.some((r) => ISSUERS.includes(r))) throw new ForbiddenError('重新生成查询码需要以下角色之一：登记接待人员、信访工作机构');
    await this.uow.catchUp(cmd.after);
    const code = await this.prepare();
    const now = this.clock.now();
    const { result, eventIds } = await this.uow.run(async (m) => {
      const c = await m.getRepository(IntakeCase).findOneBy({ id: cmd.caseId! });
      if (!c) throw new NotFoundError(`案件 ${cmd.caseId} 不存在`);
      await m.getRepository(IntakeQueryCode).upsert({ caseId: c.id, codeHash: code.hash, issuedAt: now, issuedBy: cmd.actor.username }, ['caseId']);
      await m.getRepository(TrackFailure).delete({ trackingNo: c.trackingNo });
      const event = createEvent('case.query-code-reissued', c.id, { issuedAt: now.toISOString() }, cmd.actor, now);
      return { result: { trackingNo: c.trackingNo }, events: [event] };
    });
    return { caseId: cmd.caseId!, eventIds, data: { trackingNo: result.trackingNo, queryCode: code.plain, issuedAt: now.toISOString() } };
  }

  /**
   * Checks a tracking number and its query code. The attempt is counted before the code is
   * checked, in one transaction with the look at the lock, so attempts made at the same moment
   * cannot slip past it; a right code then forgets the count.
   */
  async verify(cmd: ServiceCommand<VerifyQueryCodeBody>): Promise<CommandResult> {
    const { trackingNo: rawNo, queryCode: rawCode } = cmd.body ?? {};
    // The gateway checks the shapes (400 naming the field); a command may come from elsewhere.
    if (!isTrackingNo(rawNo)) throw InvalidInputError.field('trackingNo', '信访编号格式不正确（如 XF20240918A1B2C3D4）');
    if (!isQueryCode(rawCode)) throw InvalidInputError.field('queryCode', '查询码应为 6 位数字或字母');
    const trackingNo = normaliseTrackingInput(rawNo as string);
    const code = normaliseTrackingInput(rawCode as string);
    const now = this.clock.now();
    const policy = trackingPolicy(this.settings);
    await this.purge(now);

    // The number's row exists before the locked read (its own statement, committed): the read then
    // locks that row only, where a read of a missing row would lock the gap and let two first
    // attempts deadlock on their inserts (MySQL).
    await this.uow.run(async (m) => {
      await m.createQueryBuilder().insert().into(TrackFailure).values({ trackingNo, failures: 0, windowStartedAt: now, lockedUntil: null }).orIgnore().execute();
      return { result: null, events: [] };
    });
    const admit = () =>
      this.uow.run<Admission>(async (m) => {
        const repo = m.getRepository(TrackFailure);
        const row = await repo.findOne({ where: { trackingNo }, ...forUpdate(m.connection) });
        if (row?.lockedUntil && row.lockedUntil > now) return { result: { locked: row.lockedUntil }, events: [] };
        const fresh = !row || row.failures === 0 || row.windowStartedAt.getTime() + policy.failureWindowSeconds * 1000 <= now.getTime() || (row.lockedUntil !== null && row.lockedUntil <= now);
        const failures = fresh ? 1 : row.failures + 1;
        const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockoutSeconds * 1000) : null;
        const next = { trackingNo, failures, windowStartedAt: fresh ? now : row.windowStartedAt, lockedUntil };
        if (row) await repo.update({ trackingNo }, next);
        else await repo.insert(next);
        const found = await m
          .getRepository(IntakeCase)
          .createQueryBuilder('c')
          .innerJoin(IntakeQueryCode, 'q', 'q.caseId = c.id')
          .select(['c.id AS caseId', 'q.codeHash AS codeHash'])
          .where('c.trackingNo = :trackingNo', { trackingNo })
          .getRawOne<{ caseId: string; codeHash: string }>();
        return { result: { locked: null, lockedUntil, found: found ?? null }, events: [] };
      });
    // The row gone in between (a right code deleted it) and two attempts inserting it again: the second counts on the first's row.
    const admitted = await admit().catch(() => admit());
    const a = admitted.result;
    if (a.locked) return this.answer({ outcome: 'locked', lockedUntil: a.locked.toISOString() });

    // An unknown number is checked against a dummy hash: it takes as long as a real one.
    const ok = await this.matches(a.found?.codeHash ?? (await this.dummyHash()), code);
    if (ok && a.found) {
      await this.uow.run(async (m) => ({ result: await m.getRepository(TrackFailure).delete({ trackingNo }), events: [] }));
      return this.answer({ outcome: 'ok', caseId: a.found.caseId });
    }
    return this.answer({ outcome: 'wrong', lockedNow: !!a.lockedUntil, lockedUntil: a.lockedUntil ? a.lockedUntil.toISOString() : null });
  }

  private answer(data: VerifyOutcome): CommandResult {
    return { caseId: data.outcome === 'ok' ? data.caseId : '', eventIds: [], data };
  }

  private async matches(stored: string, code: string): Promise<boolean> {
    try {
      return await verify(stored, code);
    } catch {
      return false;
    }
  }

  private dummyHash(): Promise<string> {
    return (this.dummy ??= hashQueryCode(newQueryCode() + newQueryCode()));
  }

  /** Rows whose window and lock are over (numbers typed once and never again), at most every 10 minutes. */
  private async purge(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < 600_000) return;
    this.lastPurge = now.getTime();
    const policy = trackingPolicy(this.settings);
    const before = new Date(now.getTime() - Math.max(policy.failureWindowSeconds, policy.lockoutSeconds) * 1000);
    try {
      await this.uow.run(async (m) => {
        await m.getRepository(TrackFailure).createQueryBuilder().delete().where('windowStartedAt < :before AND (lockedUntil IS NULL OR lockedUntil < :now)', { before, now }).execute();
        return { result: null, events: [] };
      });
    } catch (e) {
      this.logger.warn(`purge of old tracking attempts failed: ${(e as Error).message}`);
    }
  }
}
