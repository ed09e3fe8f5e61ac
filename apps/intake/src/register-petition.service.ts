import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, EARLIEST_RECEIPT_DATE, InvalidInputError, isRealDate, newId, type Clock } from '#libs/common';
import { toLocalDate } from '#libs/regulation';
import { createEvent, type PetitionerData, type RegisterPetitionBody } from '#libs/contracts';
import { UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { insertRows } from '#libs/persistence';
import { IntakeCase, IntakeContact, IntakePetitioner, ReceptionSession } from './intake.entities.js';
import { INTAKE_SETTINGS, type IntakeSettings } from './intake.settings.js';
import { personMatch, petitionerRow, sealPetitioner } from './petitioner-pii.js';
import { QueryCodesService } from './query-codes.service.js';

/** What a registration needs of an earlier case. */
type PriorCase = Pick<IntakeCase, 'id' | 'trackingNo'>;

/**
 * Registers a contact. While a case of the same petitioner on the same category is open, the
 * contact joins it as a repeat (Art. 19(3): the same matter is not accepted twice); otherwise a
 * new case is opened.
 */
@Injectable()
export class RegisterPetitionService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
    private readonly queryCodes: QueryCodesService,
  ) {}

  async execute(cmd: ServiceCommand<RegisterPetitionBody>): Promise<CommandResult> {
    const body = cmd.body;
    const now = this.clock.now();
    const receivedAt = body.receivedAt ? new Date(body.receivedAt) : now;
    if (Number.isNaN(receivedAt.getTime())) throw InvalidInputError.field('receivedAt', '收信/来访时间不是有效的时间');
    if (receivedAt.getTime() > now.getTime() + 60_000) {
      throw InvalidInputError.field('receivedAt', '收信/来访时间不得晚于当前时间');
    }
    this.checkDates(body, receivedAt);
    const headcount = body.headcount ?? body.petitioners.length;
    const groupVisit = body.channel === 'visit' && headcount >= this.settings.groupVisitThreshold;
    const contact = {
      contactId: newId(),
      channel: body.channel,
      receivedAt: receivedAt.toISOString(),
      enteredAt: now.toISOString(),
      headcount,
      receptionSessionId: body.receptionSessionId ?? null,
    };

    // A new case gets its query code (查询码), answered once; hashed before the transaction (argon2 takes tens of ms).
    const queryCode = await this.queryCodes.prepare();
    const { result, eventIds } = await this.uow.run<{ caseId: string; created: boolean; data: { trackingNo: string; queryCode?: string } }>(async (m) => {
      if (body.receptionSessionId && !(await m.getRepository(ReceptionSession).existsBy({ id: body.receptionSessionId }))) {
        throw InvalidInputError.field('receptionSessionId', `接访活动 ${body.receptionSessionId} 不存在`);
      }
      // One look for both: an open case of the same person and matter, and one closed for good.
      const prior = await this.findPrior(m, body.petitioners, body.category);
      const open = prior.open;
      // Each row written once, with its final values; nothing read back (insertRows).
      const caseId = open?.id ?? newId();
      await insertRows(m, IntakeContact, [
        {
          id: contact.contactId,
          caseId,
          channel: body.channel,
          receivedAt,
          enteredAt: now,
          enteredBy: cmd.actor.username,
          headcount,
          repeat: !!open,
          receptionSessionId: contact.receptionSessionId,
        },
      ]);
      if (open) {
        const event = createEvent('case.contact-added', open.id, { contact, groupVisit }, cmd.actor, now);
        return { result: { caseId: open.id, created: false, data: { trackingNo: open.trackingNo } }, events: [event] };
      }
      // The same person on the same matter after re-review (复核): not accepted again (Art. 36(3)).
      // The new case says so, and the office declines it as exhausted unless the facts are new.
      const finalCase = prior.final;
      const trackingNo = this.trackingNo(receivedAt, caseId);
      await insertRows(m, IntakeCase, [
        {
          id: caseId,
          trackingNo,
          category: body.category,
          purpose: body.purpose,
          status: 'registered',
          reviewed: false,
          extensionDaysUsed: 0,
          open: true,
          receivedAt,
          createdAt: now,
        },
      ]);
      // Identity numbers, phones and addresses are sealed once: the same values go to the table and the event.
      const sealed = body.petitioners.map((p) => sealPetitioner(this.settings.pii, p));
      await insertRows(
        m,
        IntakePetitioner,
        body.petitioners.map((p, i) => petitionerRow(this.settings.pii, newId(), caseId, p, sealed[i])),
      );
      await this.queryCodes.issueForNewCase(m, caseId, queryCode.hash, cmd.actor.username, now);
      const event = createEvent(
        'case.registered',
        caseId,
        {
          trackingNo,
          contact,
          petitioners: sealed,
          purpose: body.purpose,
          category: body.category,
          summary: body.summary,
          content: body.content,
          groupVisit,
          assignedBy: body.assignedBy ?? null,
          backlog: body.backlog ?? false,
          priorFinalCase: finalCase ? { id: finalCase.id, trackingNo: finalCase.trackingNo } : null,
        },
        cmd.actor,
        now,
      );
      return { result: { caseId, created: true, data: { trackingNo, queryCode: queryCode.plain } }, events: [event] };
    });
    return { ...result, eventIds };
  }

  /**
   * The cases of the same person (identity number, or name and phone) on the same category that
   * decide a registration, in one query for all its petitioners: the newest open one (the contact
   * joins it) and the newest final one (named by a new case) — the first petitioner's that has
   * one, as the petitioners are listed.
   */
  private async findPrior(m: EntityManager, petitioners: PetitionerData[], category: string): Promise<{ open: PriorCase | null; final: PriorCase | null }> {
    const matches = petitioners.map((p) => personMatch(this.settings.pii, p)).filter((x): x is NonNullable<typeof x> => x !== null);
    if (!matches.length) return { open: null, final: null };
    const wanted = { idNumberHmac: new Set<string>(), namePhoneHmac: new Set<string>() };
    for (const x of matches) for (const v of x.values) wanted[x.column].add(v);
    // Through the blind index (identity number, else name and phone), never the clear value.
    const person = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((c) => wanted[c].size).map((c) => `p.${c} IN (:...${c})`);
    const rows: { id: string; trackingNo: string; open: unknown; status: string; idNumberHmac: string | null; namePhoneHmac: string | null }[] = await m
      .getRepository(IntakeCase)
      .createQueryBuilder('c')
      .innerJoin(IntakePetitioner, 'p', 'p.caseId = c.id')
      .select('c.id', 'id')
      .addSelect('c.trackingNo', 'trackingNo')
      .addSelect('c.open', 'open')
      .addSelect('c.status', 'status')
      .addSelect('p.idNumberHmac', 'idNumberHmac')
      .addSelect('p.namePhoneHmac', 'namePhoneHmac')
      .where('c.category = :category AND (c.open = :open OR c.status = :final)', { category, open: true, final: 'final' })
      .andWhere(`(${person.join(' OR ')})`, { idNumberHmac: [...wanted.idNumberHmac], namePhoneHmac: [...wanted.namePhoneHmac] })
      .orderBy('c.receivedAt', 'DESC')
      .getRawMany();
    const pick = (which: (r: (typeof rows)[number]) => boolean): PriorCase | null => {
      for (const x of matches) {
        const r = rows.find((row) => which(row) && x.values.includes(row[x.column] ?? ''));
        if (r) return { id: r.id, trackingNo: r.trackingNo };
      }
      return null;
    };
    return { open: pick((r) => Boolean(Number(r.open))), final: pick((r) => r.status === 'final') };
  }

  /**
   * The dates the deadlines are computed from, checked before anything is written: a receipt not
   * before EARLIEST_RECEIPT_DATE, an assigning body's feedback date real and not before the day
   * received (the door checks the shapes; a command may come from elsewhere than the gateway).
   */
  private checkDates(body: RegisterPetitionBody, receivedAt: Date): void {
    const receivedOn = toLocalDate(receivedAt, this.settings.timeZone);
    if (receivedOn < EARLIEST_RECEIPT_DATE) throw InvalidInputError.field('receivedAt', `收信/来访时间不得早于 ${EARLIEST_RECEIPT_DATE}`);
    const due = body.assignedBy?.feedbackDueAt;
    if (due === undefined || due === null) return;
    if (!isRealDate(due)) throw InvalidInputError.field('assignedBy.feedbackDueAt', `反馈期限不是真实存在的日期：${String(due)}`);
    if (due < receivedOn) throw InvalidInputError.field('assignedBy.feedbackDueAt', `反馈期限（${due}）不得早于收信/来访日期（${receivedOn}）`);
  }

  /** XF + the local date received + the last 8 characters of the case id (its random part): readable over the phone. */
  private trackingNo(receivedAt: Date, caseId: string): string {
    // toLocalDate keeps one formatter per time zone (a new Intl.DateTimeFormat per case cost more than the rest of the number).
    return `XF${toLocalDate(receivedAt, this.settings.timeZone).replaceAll('-', '')}${caseId.slice(-8).toUpperCase()}`;
  }
}
