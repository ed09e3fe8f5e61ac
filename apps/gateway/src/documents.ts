import { Body, Controller, Get, HttpCode, Inject, Injectable, Logger, Optional, Param, ParseUUIDPipe, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { Repository } from 'typeorm';
import { CurrentCaller, Roles, SECURITY_EVENTS, type SecurityEvents } from '#libs/auth';
import { CaseDataError, InvalidInputError, maskText, NotFoundError, StateConflictError } from '#libs/common';
import { categoryName, SERVICE_METHOD_NAMES, SERVICE_METHODS, type ServiceMethod } from '#libs/contracts';
import {
  applicableKinds,
  documentDate,
  DocumentDataError,
  documentFacts,
  DOCUMENT_FORMATS,
  DOCUMENT_KINDS,
  DOCUMENT_TITLES,
  isDocumentKind,
  issuerSource,
  notApplicableReason,
  OFFICE_ISSUER,
  renderDocx,
  renderHtml,
  type DocumentCase,
  type DocumentFormat,
  type DocumentKind,
  type DocumentPetitioner,
} from '#libs/documents';
import { IsCalendarDate, Label, SERVICE_CLIENT, type Caller, type ServiceClient } from '#libs/runtime';
import { ActionDto } from './dto/petition.dto.js';
import { ApiBodyExamples, BODY_EXAMPLES } from './dto/examples.js';
import { ApiCaseErrors, CASE_403, CASE_ID_400, ApiErrors, CaseViewDto } from './dto/responses.js';
import { ApiPendingView, PendingViewInterceptor, PetitionsFacade, type PendingView } from './petitions.facade.js';
import { UnitRecord, UserRecord } from './gateway.entities.js';
import { GATEWAY_SETTINGS, officeTimeZone, type GatewaySettings } from './gateway.settings.js';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const HTML_TYPE = 'text/html; charset=utf-8';

/** What intake answers `issue-document` with (apps/intake/src/documents/issue-document.service.ts). */
interface IssuedDocument {
  number: string;
  issuerUnitCode: string;
  petitioners: DocumentPetitioner[];
  handlingOpinion: { kind: string; outcome: string; opinion: string } | null;
}
type CaseView = DocumentCase & { petitioners: { name: string }[]; renderError?: { message: string } | null };

const CaseId = () => new ParseUUIDPipe({ exceptionFactory: () => InvalidInputError.field('id', '案件编号格式不正确（应为 UUID）') });

/** The Content-Disposition of a document: an ASCII name for old clients, the Chinese one (RFC 5987 filename*) for the rest. */
export function contentDisposition(disposition: 'attachment' | 'inline', ascii: string, name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

/**
 * Documents (文书, issue 13): which apply to a case, and one rendered. The case view (reporting,
 * with the caller's own right to see the case) says what the documents state; intake gives the
 * number and the petitioners' complete data and records the rendering; the unit names are the
 * gateway's. The rendering itself is libs/documents.
 */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger('Documents');
  private readonly timeZone: string;
  private readonly readTimeoutMs: number;

  constructor(
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(SECURITY_EVENTS) private readonly security: SecurityEvents,
    @InjectRepository(UserRecord) private readonly users: Repository<UserRecord>,
    @InjectRepository(UnitRecord) private readonly units: Repository<UnitRecord>,
    private readonly petitions: PetitionsFacade,
    @Optional() @Inject(GATEWAY_SETTINGS) settings?: GatewaySettings,
  ) {
    this.timeZone = settings ? officeTimeZone(settings) : 'Asia/Shanghai';
    this.readTimeoutMs = (settings?.readYourWritesTimeoutMs ?? 10_000) + 2_000;
  }

  private view(id: string, caller: Caller): Promise<CaseView> {
    return this.services.query<CaseView>('reporting', 'case', { id }, caller);
  }

  /** The documents the case's history gives rise to, with the number each has once rendered. */
  async list(id: string, caller: Caller) {
    const c = await this.view(id, caller);
    const rendered = c.timeline.filter((t) => t.type === 'document-rendered');
    const served = c.timeline.filter((t) => t.type === 'document-served');
    const base = `/api/v1/petitions/${c.id}/documents`;
    return {
      caseId: c.id,
      trackingNo: c.trackingNo,
      items: applicableKinds(c).map((kind) => {
        const mine = rendered.filter((t) => t.detail?.kind === kind);
        const service = served.find((t) => t.detail?.kind === kind);
        return {
          kind,
          title: DOCUMENT_TITLES[kind],
          number: (mine.at(-1)?.detail?.number as string | undefined) ?? null,
          renderings: mine.length,
          lastRenderedAt: mine.at(-1)?.at ?? null,
          served: service
            ? {
                on: service.detail!.servedOn as string,
                method: service.detail!.method as ServiceMethod,
                methodName: SERVICE_METHOD_NAMES[service.detail!.method as ServiceMethod] ?? String(service.detail!.method),
                by: service.actor ?? null,
                at: service.at,
              }
            : null,
          links: { docx: `${base}/${kind}?format=docx`, html: `${base}/${kind}?format=html` },
        };
      }),
    };
  }

  /** One document rendered: numbered (once) and recorded by intake, then laid out. */
  async render(id: string, kindName: string, format: DocumentFormat, caller: Caller, ip: string | null) {
    const { c, kind, date } = await this.applicable(id, kindName, caller);
    const facts = (issued: IssuedDocument, issuerName: string, unitName: (code: string) => string) =>
      caseData(() =>
        documentFacts(kind, c, {
          number: issued.number,
          issuer: issuerName,
          petitioners: inViewOrder(issued.petitioners, c.petitioners),
          timeZone: this.timeZone,
          unitName,
          categoryName,
          handlingOpinion: issued.handlingOpinion,
        }),
      );
    const issuer = await this.issuer(kind, c);
    const result = await this.services.command('intake', 'issue-document', {
      caseId: c.id,
      actor: caller,
      body: { kind, format, issuerUnitCode: issuer.code, documentDate: date, requireHandlingOpinion: kind === 'handling-opinion' && !!(c.review?.opinion || c.reReview?.opinion) },
    });
    const issued = result.data as IssuedDocument;
    const names = new Map((await this.units.find()).map((u) => [u.code, u.name]));
    // The number was given to this unit once: the name is that unit's (as it is called now).
    const issuerName = issued.issuerUnitCode === OFFICE_ISSUER.code ? (names.get(OFFICE_ISSUER.code) ?? OFFICE_ISSUER.name) : (names.get(issued.issuerUnitCode) ?? issued.issuerUnitCode);
    const f = facts(issued, issuerName, (code) => names.get(code) ?? code);
    await this.security.record({ event: 'document-export', actor: caller.username, target: `petitions/${c.id}/documents/${kind}`, ip, detail: { kind, format, number: issued.number } });
    await this.shown(result.eventIds.at(-1));
    const file = `${DOCUMENT_TITLES[kind]}-${c.trackingNo}`;
    return format === 'docx'
      ? { type: DOCX_TYPE, disposition: contentDisposition('attachment', `${kind}-${c.trackingNo}.docx`, `${file}.docx`), body: await renderDocx(f), number: issued.number }
      : { type: HTML_TYPE, disposition: contentDisposition('inline', `${kind}-${c.trackingNo}.html`, `${file}.html`), body: renderHtml(f), number: issued.number };
  }

  /**
   * A rendered document marked served on the petitioner (已送达): staff who may see the case; the
   * day and the way. The date the document bears is the case's (it cannot be served before it);
   * intake checks it was issued and not yet marked. The acceptance notice's service meets the
   * acceptance-notice deadline (Art. 23).
   */
  async serve(id: string, kindName: string, dto: ServeDocumentDto, caller: Caller): Promise<unknown> {
    const { c, kind, date } = await this.applicable(id, kindName, caller);
    return this.petitions.act(c.id, 'intake', 'serve-document', { kind, servedOn: dto.servedOn, method: dto.method, documentDate: date, ...(dto.at ? { at: dto.at } : {}) }, caller);
  }

  /**
   * A kind that exists (404), a case the caller may see whose history gives rise to it (409), and
   * the date the document bears — a case whose stored data cannot be computed makes no document
   * (its dates and deadlines would be wrong: 422).
   */
  private async applicable(id: string, kind: string, caller: Caller): Promise<{ c: CaseView; kind: DocumentKind; date: string }> {
    if (!isDocumentKind(kind)) throw new NotFoundError(`没有「${maskText(kind).slice(0, 40)}」这种文书；文书种类为 ${DOCUMENT_KINDS.join('、')}`);
    const c = await this.view(id, caller);
    if (c.renderError) throw new CaseDataError(c.renderError.message);
    const why = notApplicableReason(kind, c);
    if (why) throw new StateConflictError(why);
    return { c, kind, date: caseData(() => documentDate(kind, c, this.timeZone)) };
  }

  /** The unit that issues it: the responsible unit, or the acting person's; the petition office when they have none. */
  private async issuer(kind: DocumentKind, c: CaseView): Promise<{ code: string }> {
    const source = issuerSource(kind, c);
    const code = 'unitCode' in source ? source.unitCode : source.actor ? ((await this.users.findOneBy({ username: source.actor }))?.unitCode ?? null) : null;
    return { code: code ?? OFFICE_ISSUER.code };
  }

  /** Once the read model shows the rendering (its timeline), bounded: a late read model does not hold the document back. */
  private async shown(eventId: string | undefined): Promise<void> {
    if (!eventId) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.readTimeoutMs} ms`), this.readTimeoutMs);
      timer.unref?.();
    });
    try {
      const r = await Promise.race([this.services.query('reporting', 'await-event', { eventId }, null).then(() => null), late]);
      if (r) this.logger.warn(`document rendering ${eventId} recorded, the case timeline does not show it yet (${r})`);
    } catch (e) {
      this.logger.warn(`document rendering ${eventId} recorded, the case timeline does not show it yet (${maskText(String((e as Error)?.message ?? e))})`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What libs/documents cannot make of the stored case is the case's data error (422 CASE_DATA_INVALID). */
function caseData<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof DocumentDataError) throw new CaseDataError(e.message);
    throw e;
  }
}

/** Intake's petitioners in the order the case shows them (by name; the rest after, as they came). */
function inViewOrder(people: DocumentPetitioner[], shown: { name: string }[]): DocumentPetitioner[] {
  const rank = (p: DocumentPetitioner) => {
    const i = shown.findIndex((s) => s.name === p.name);
    return i < 0 ? shown.length : i;
  };
  return people
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map((x) => x.p);
}

// ---------------------------------------------------------------- HTTP

export class DocumentQueryDto {
  @ApiProperty({ enum: DOCUMENT_FORMATS, example: 'docx', description: 'docx: a Word file to edit and print; html: a print-ready page (A4)' })
  @Label('文书格式')
  @IsIn(DOCUMENT_FORMATS, { message: '文书格式应为 docx（Word 文件）或 html（打印页面）' })
  format: DocumentFormat;
}

export class ServeDocumentDto extends ActionDto {
  @ApiProperty({ example: '2024-11-05', description: 'the day it was served (office calendar): not before the date the document bears, not after today' })
  @Label('送达日期')
  @IsCalendarDate()
  servedOn: string;
  @ApiProperty({ enum: SERVICE_METHODS, example: 'in-person', description: `how: ${SERVICE_METHODS.map((m) => `${m} ${SERVICE_METHOD_NAMES[m]}`).join(', ')}` })
  @Label('送达方式')
  @IsIn(SERVICE_METHODS, { message: `送达方式应为 ${SERVICE_METHODS.map((m) => `${m}（${SERVICE_METHOD_NAMES[m]}）`).join('、')}` })
  method: ServiceMethod;
}

class DocumentServedDto {
  @ApiProperty({ example: '2024-11-05' }) on: string;
  @ApiProperty({ enum: SERVICE_METHODS, example: 'in-person' }) method: string;
  @ApiProperty({ example: '直接送达' }) methodName: string;
  @ApiProperty({ type: String, nullable: true, example: 'housing1', description: 'who recorded it' }) by: string | null;
  @ApiProperty({ example: '2024-11-05T10:00:00+08:00', description: 'the instant the law counts from' }) at: string;
}

class DocumentLinksDto {
  @ApiProperty({ example: '/api/v1/petitions/0b7c5e52-6f0e-4c1b-9d5e-3f1a2b4c6d8e/documents/handling-opinion?format=docx' }) docx: string;
  @ApiProperty({ example: '/api/v1/petitions/0b7c5e52-6f0e-4c1b-9d5e-3f1a2b4c6d8e/documents/handling-opinion?format=html' }) html: string;
}

class DocumentItemDto {
  @ApiProperty({ enum: DOCUMENT_KINDS, example: 'handling-opinion' }) kind: string;
  @ApiProperty({ example: '信访事项处理意见书' }) title: string;
  @ApiProperty({ type: String, nullable: true, example: '〔2024〕3号', description: 'given at the first rendering and kept; null before' }) number: string | null;
  @ApiProperty({ example: 1, description: 'how often it was rendered (each rendering is on the case timeline as document-rendered)' }) renderings: number;
  @ApiProperty({ type: String, nullable: true, example: '2024-11-04T15:20:00+08:00' }) lastRenderedAt: string | null;
  @ApiPropertyOptional({ type: DocumentServedDto, nullable: true, description: 'once marked served on the petitioner (POST …/served); null before' }) served: DocumentServedDto | null;
  @ApiProperty({ type: DocumentLinksDto }) links: DocumentLinksDto;
}

export class DocumentListDto {
  @ApiProperty({ example: '0b7c5e52-6f0e-4c1b-9d5e-3f1a2b4c6d8e' }) caseId: string;
  @ApiProperty({ example: 'XF20241104A1B2C3D4' }) trackingNo: string;
  @ApiProperty({ type: [DocumentItemDto], description: 'the documents the case’s history gives rise to, in a fixed order' }) items: DocumentItemDto[];
}

const KINDS_TEXT = DOCUMENT_KINDS.map((k) => `${k} (${DOCUMENT_TITLES[k]})`).join(', ');

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1/petitions/:id/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  @ApiOperation({ summary: 'The documents (文书) the case’s history gives rise to, with their number once rendered and links to render each; staff who may see the case' })
  @ApiOkResponse({ type: DocumentListDto })
  @ApiErrors(CASE_ID_400, 401, CASE_403, { status: 404, message: '案件 0b7c5e52-6f0e-4c1b-9d5e-3f1a2b4c6d8e 不存在' })
  list(@Param('id', CaseId()) id: string, @CurrentCaller() caller: Caller) {
    return this.documents.list(id, caller);
  }

  @Get(':kind')
  @ApiOperation({
    summary:
      `One document rendered from the case: format=docx (Word; attachment, filename* in Chinese) or html (a print-ready A4 page). Kinds: ${KINDS_TEXT}. ` +
      'The number (〔年份〕N号, per issuing unit, kind and year) is given at the first rendering and kept; the petitioner’s personal data is complete (the document goes to them); ' +
      'each rendering is recorded on the case timeline (document-rendered: who, which, when) and in the security log. 409 when the case’s history has not given rise to it yet',
  })
  @ApiParam({ name: 'kind', schema: { type: 'string', enum: [...DOCUMENT_KINDS], example: 'receipt' }, description: 'the kind of document (an unknown one: 404)' })
  @ApiProduces(DOCX_TYPE, HTML_TYPE)
  @ApiOkResponse({
    description: 'the document',
    headers: {
      'content-disposition': {
        description: 'docx: attachment, html: inline; filename (ASCII) and filename* (RFC 5987, UTF-8): 信访事项处理意见书-XF20241104A1B2C3D4.docx',
        schema: { type: 'string' },
      },
      'x-document-number': { description: 'the document number, percent-encoded UTF-8 (〔2024〕3号)', schema: { type: 'string', example: '%E3%80%942024%E3%80%953%E5%8F%B7' } },
    },
    content: { [DOCX_TYPE]: { schema: { type: 'string', format: 'binary' } }, [HTML_TYPE]: { schema: { type: 'string' }, example: '<!doctype html><html lang="zh-CN">…<h1>信访事项登记回执</h1>…' } },
  })
  @ApiErrors(
    {
      status: 400,
      message: '文书格式应为 docx（Word 文件）或 html（打印页面）',
      details: [{ field: 'format', messages: ['文书格式应为 docx（Word 文件）或 html（打印页面）'] }],
      description: 'a bad format or a malformed id (FIELD_INVALID)',
    },
    401,
    CASE_403,
    { status: 404, message: '没有「letter」这种文书；文书种类为 receipt、acceptance-notice、…', description: 'an unknown kind, or an unknown case (NOT_FOUND)' },
    {
      status: 409,
      message: '该案件当前状态为「已受理」，尚未办结，没有书面处理意见，不能出具「信访事项处理意见书」',
      description: 'the case’s history has not given rise to this document (CASE_STATE)',
    },
    {
      status: 422,
      code: 'CASE_DATA_INVALID',
      message: '案件 XF20241104A1B2C3D4 的原处理意见未能读取，不能出具「信访事项处理意见书」，请系统管理员核查',
      description: 'what is stored of the case cannot make the document (CASE_DATA_INVALID)',
    },
  )
  async render(
    @Param('id', CaseId()) id: string,
    @Param('kind') kind: string,
    @Query() q: DocumentQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() req: { ip?: string },
    @Res() res: { type(t: string): void; setHeader(k: string, v: string): void; send(b: unknown): void },
  ) {
    const doc = await this.documents.render(id, kind, q.format, caller, req.ip ?? null);
    res.type(doc.type);
    res.setHeader('content-disposition', doc.disposition);
    res.setHeader('x-document-number', encodeURIComponent(doc.number));
    return res.send(doc.body);
  }

  @Post(':kind/served')
  @HttpCode(200)
  @Roles('reception', 'office', 'handler')
  @UseInterceptors(PendingViewInterceptor)
  @ApiOperation({
    summary:
      'Mark a rendered document served on the petitioner (已送达): the day (servedOn) and the way (method); once per document, on the case timeline as document-served. ' +
      'Serving the 受理告知书 (acceptance-notice) is what meets the acceptance-notice deadline (Art. 23: accepting decides, the notice tells); a day after the deadline’s last day is a breach',
  })
  @ApiParam({ name: 'kind', schema: { type: 'string', enum: [...DOCUMENT_KINDS], example: 'acceptance-notice' } })
  @ApiBodyExamples(
    ServeDocumentDto,
    BODY_EXAMPLES.serveDocument,
    'path {id}: a case whose document {kind} was rendered (GET …/documents/{kind}); servedOn: the day it reached the petitioner — in the walk-through, the day you accept the case',
  )
  @ApiOkResponse({ type: CaseViewDto, description: 'the updated case' })
  @ApiPendingView()
  @ApiCaseErrors({
    403: '此操作需要以下角色之一：登记接待人员、信访工作机构、责任单位经办人',
    409: '「信访事项受理告知书」尚未出具（还没有文书编号），请先生成文书，送达后再登记',
    422: '送达日期 2024-11-01 早于文书落款日期 2024-11-04，文书不能在出具前送达',
  })
  serve(@Param('id', CaseId()) id: string, @Param('kind') kind: string, @Body() dto: ServeDocumentDto, @CurrentCaller() caller: Caller): Promise<CaseViewDto | PendingView> {
    return this.documents.serve(id, kind, dto, caller) as Promise<CaseViewDto | PendingView>;
  }
}
