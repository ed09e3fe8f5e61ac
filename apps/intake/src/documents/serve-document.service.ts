import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError, isRealDate, RuleViolationError, StateConflictError } from '#libs/common';
import { createEvent, SERVICE_METHOD_NAMES, SERVICE_METHODS, type ServeDocumentBody as ServeDocumentInput, type ServiceMethod } from '#libs/contracts';
import { DOCUMENT_TITLES, isDocumentKind, type DocumentKind } from '#libs/documents';
import { endOfLocalDay, formatInstant, toLocalDate, type LocalDate } from '#libs/regulation';
import { UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { forUpdate, isUniqueViolation } from '#libs/persistence';
import { IntakeCase } from '../intake.entities.js';
import { INTAKE_SETTINGS, type IntakeSettings } from '../intake.settings.js';
import { IntakeDocument, IntakeDocumentServed } from './document.entities.js';

/** The command's body (libs/contracts ServeDocumentBody) once checked: a kind that exists. */
type ServeDocumentBody = ServeDocumentInput & { kind: DocumentKind };

/**
 * The instant a service on `servedOn` counts from: the recording instant when it is that office
 * day, else the last moment of the day served — within the day, after everything recorded on it.
 */
export function servedInstant(servedOn: LocalDate, recordedAt: Date, timeZone: string): Date {
  const end = endOfLocalDay(servedOn, timeZone).getTime() - 1;
  return new Date(Math.min(end, recordedAt.getTime()));
}

/**
 * A document of the case was served on the petitioner (已送达, issue 13): only one that was
 * issued (has its number), once, on a day neither before the date it bears nor after today. The
 * event `case.document-served` is the record; its own handler keeps the row
 * (DocumentServedHandler). The acceptance notice's service meets the acceptance-notice deadline.
 */
@Injectable()
export class ServeDocumentService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  async execute(cmd: ServiceCommand<ServeDocumentInput>): Promise<CommandResult> {
    const b = this.check(cmd);
    const title = DOCUMENT_TITLES[b.kind];
    const tz = this.settings.timeZone;
    try {
      return await this.uow.act(cmd, {
        load: async (m, caseId) => {
          if (!(await m.getRepository(IntakeCase).existsBy({ id: caseId }))) return null;
          const doc = await m.getRepository(IntakeDocument).findOne({ where: { caseId, kind: b.kind }, ...forUpdate(m.connection) });
          const served = await m.getRepository(IntakeDocumentServed).findOneBy({ caseId, kind: b.kind });
          return { caseId, doc, served };
        },
        check: (row, at) => {
          if (!row.doc) throw new StateConflictError(`「${title}」尚未出具（还没有文书编号），请先生成文书，送达后再登记`);
          if (row.served) throw new StateConflictError(`「${title}」已于 ${row.served.servedOn} 登记送达，不能重复登记`);
          const today = toLocalDate(at, tz);
          if (b.servedOn > today) throw new RuleViolationError(`送达日期 ${b.servedOn} 晚于今天（${today}），不能登记尚未发生的送达`, [{ field: 'servedOn', messages: [`不得晚于 ${today}`] }]);
          if (b.servedOn < b.documentDate) {
            throw new RuleViolationError(`送达日期 ${b.servedOn} 早于文书落款日期 ${b.documentDate}，文书不能在出具前送达`, [{ field: 'servedOn', messages: [`不得早于 ${b.documentDate}`] }]);
          }
        },
        produce: (row, at, now) =>
          createEvent(
            'case.document-served',
            row.caseId,
            { kind: b.kind, number: row.doc!.documentNumber, servedOn: b.servedOn, method: b.method, servedAt: formatInstant(servedInstant(b.servedOn, at, tz), tz) },
            cmd.actor,
            now,
          ),
      });
    } catch (e) {
      // Two marks at once: the second finds the row the first inserted.
      if (isUniqueViolation(e)) throw new StateConflictError(`「${title}」已登记送达，不能重复登记`);
      throw e;
    }
  }

  private check(cmd: ServiceCommand<ServeDocumentInput>): ServeDocumentBody {
    const b = (cmd.body ?? {}) as Partial<ServeDocumentBody>;
    if (!cmd.caseId) throw InvalidInputError.field('id', '案件编号不能为空');
    if (!isDocumentKind(b.kind)) throw InvalidInputError.field('kind', `文书种类「${String(b.kind)}」不存在`);
    if (!isRealDate(b.servedOn)) throw InvalidInputError.field('servedOn', `送达日期不是真实存在的日期（应为 YYYY-MM-DD）：${String(b.servedOn)}`);
    if (!SERVICE_METHODS.includes(b.method as ServiceMethod)) throw InvalidInputError.field('method', `送达方式应为 ${SERVICE_METHODS.map((m) => `${m}（${SERVICE_METHOD_NAMES[m]}）`).join('、')}`);
    if (!isRealDate(b.documentDate)) throw InvalidInputError.field('documentDate', `文书日期不是真实存在的日期：${String(b.documentDate)}`);
    return b as ServeDocumentBody;
  }
}
