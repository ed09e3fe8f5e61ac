import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isDeadlockVictim, isUniqueViolation } from '#libs/persistence';
import { CaseDataError, CLOCK, InvalidInputError, isRealDate, newId, NotFoundError, PiiError, type Clock } from '#libs/common';
import { createEvent, type IssueDocumentBody as IssueDocumentInput } from '#libs/contracts';
import { documentNumber, isDocumentFormat, isDocumentKind, type DocumentFormat, type DocumentKind, type DocumentPetitioner } from '#libs/documents';
import { UnitOfWork, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { IntakeCase, IntakePetitioner } from '../intake.entities.js';
import { INTAKE_SETTINGS, type IntakeSettings } from '../intake.settings.js';
import { IntakeDocument, IntakeHandlingOpinion } from './document.entities.js';

/** The command's body (libs/contracts IssueDocumentBody) once checked: a kind and a format that exist. */
export type IssueDocumentBody = IssueDocumentInput & { kind: DocumentKind; format: DocumentFormat };

/** What the gateway renders the document with: its number, and the petitioners' complete data. */
export interface IssuedDocument {
  number: string;
  year: number;
  sequence: number;
  issuerUnitCode: string;
  /** True on the rendering that gave the number. */
  numbered: boolean;
  petitioners: DocumentPetitioner[];
  /** The closure's own opinion (handling-opinion only; null when the case was closed before intake kept it). */
  handlingOpinion: { kind: string; outcome: string; opinion: string } | null;
}

const UNIT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
/** Renderings that meet on the same new number: the loser reads the winner's row (or the next number). */
const ATTEMPTS = 5;

/** A unique key refused the row (SQLite and MySQL), or MySQL chose this transaction as a deadlock's victim: worth another try. */
const isRetryable = (e: unknown): boolean => isUniqueViolation(e) || isDeadlockVictim(e);

/**
 * A document of a case is rendered (issue 13): the number is given once per case and kind — the
 * next of its issuing unit, kind and year — and kept for every later rendering; each rendering is
 * recorded as `case.document-rendered` (who, which, when; no personal data) in the same
 * transaction. The answer carries what only intake holds: the petitioners' complete data.
 */
@Injectable()
export class IssueDocumentService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  async execute(cmd: ServiceCommand<IssueDocumentInput>): Promise<CommandResult> {
    const b = this.check(cmd);
    const year = Number(b.documentDate.slice(0, 4));
    for (let attempt = 1; ; attempt++) {
      try {
        const { result, eventIds } = await this.uow.run((m) => this.issue(m, cmd, b, year));
        return { caseId: cmd.caseId!, eventIds, data: result };
      } catch (e) {
        if (attempt < ATTEMPTS && isRetryable(e)) continue;
        throw e;
      }
    }
  }

  private check(cmd: ServiceCommand<IssueDocumentInput>): IssueDocumentBody {
    const b = (cmd.body ?? {}) as Partial<IssueDocumentBody>;
    if (!cmd.caseId) throw InvalidInputError.field('id', '案件编号不能为空');
    if (!isDocumentKind(b.kind)) throw InvalidInputError.field('kind', `文书种类「${String(b.kind)}」不存在`);
    if (!isDocumentFormat(b.format)) throw InvalidInputError.field('format', '文书格式应为 docx 或 html');
    if (typeof b.issuerUnitCode !== 'string' || !UNIT_CODE.test(b.issuerUnitCode)) throw InvalidInputError.field('issuerUnitCode', '出具单位代码应为 1–40 位字母、数字或 _ . -');
    if (!isRealDate(b.documentDate)) throw InvalidInputError.field('documentDate', `文书日期不是真实存在的日期：${String(b.documentDate)}`);
    return b as IssueDocumentBody;
  }

  private async issue(m: EntityManager, cmd: ServiceCommand<IssueDocumentInput>, b: IssueDocumentBody, year: number) {
    const caseId = cmd.caseId!;
    if (!(await m.getRepository(IntakeCase).existsBy({ id: caseId }))) throw new NotFoundError(`案件 ${caseId} 不存在`);
    const opinion = b.kind === 'handling-opinion' ? await m.getRepository(IntakeHandlingOpinion).findOneBy({ caseId }) : null;
    // Refused before anything is numbered or recorded (a case closed before intake kept opinions, then reviewed).
    if (b.requireHandlingOpinion && !opinion) throw new CaseDataError(`案件 ${caseId} 的原处理意见未保存，不能出具「信访事项处理意见书」，请系统管理员核查`);
    const docs = m.getRepository(IntakeDocument);
    let doc = await docs.findOneBy({ caseId, kind: b.kind });
    const numbered = !doc;
    if (!doc) {
      const row = await docs
        .createQueryBuilder('d')
        .select('MAX(d.sequence)', 'last')
        .where('d.unitCode = :unit AND d.kind = :kind AND d.year = :year', { unit: b.issuerUnitCode, kind: b.kind, year })
        .getRawOne<{ last: number | string | null }>();
      const sequence = Number(row?.last ?? 0) + 1;
      doc = { id: newId(), caseId, kind: b.kind, unitCode: b.issuerUnitCode, year, sequence, documentNumber: documentNumber(year, sequence), issuedAt: this.clock.now(), issuedBy: cmd.actor.username };
      // A rendering at the same moment that took this number (or this case's) makes the insert fail: execute retries.
      await docs.insert(doc);
    }
    const petitioners = (await m.getRepository(IntakePetitioner).find({ where: { caseId }, order: { id: 'ASC' } })).map((p) => this.complete(caseId, p));
    const event = createEvent('case.document-rendered', caseId, { kind: b.kind, number: doc.documentNumber, format: b.format, issuerUnitCode: doc.unitCode }, cmd.actor, this.clock.now());
    const result: IssuedDocument = {
      number: doc.documentNumber,
      year: doc.year,
      sequence: doc.sequence,
      issuerUnitCode: doc.unitCode,
      numbered,
      petitioners,
      handlingOpinion: opinion ? { kind: opinion.kind, outcome: opinion.outcome, opinion: opinion.opinion } : null,
    };
    return { result, events: [event] };
  }

  /** A petitioner in clear: the document goes to them. */
  private complete(caseId: string, p: IntakePetitioner): DocumentPetitioner {
    try {
      const pii = this.settings.pii;
      return { name: p.name, idNumber: pii.reveal('id-number', p.idNumber), phone: pii.reveal('phone', p.phone), address: pii.reveal('address', p.address) };
    } catch (e) {
      if (!(e instanceof PiiError)) throw e;
      // Never the value: which case, and that no key of the ring opens it.
      throw new CaseDataError(`案件 ${caseId} 的信访人个人信息无法解密，不能出具文书，请系统管理员核查密钥`);
    }
  }
}
