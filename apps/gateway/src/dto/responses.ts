/**
 * What the gateway answers, for the OpenAPI document: one class per response body (documentation
 * only; the services build the answers), the error body every refusal has (ErrorBodyFilter,
 * libs/runtime/src/http-errors.ts) and `ApiErrors(...)`, which documents a route's refusals with
 * that schema and a zh-CN example shaped like the real one.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

// ---------------------------------------------------------------- errors

export class FieldErrorDto {
  @ApiProperty({ example: 'summary', description: 'the field, dotted for nested ones (petitioners.0.idNumber)' }) field: string;
  @ApiProperty({ type: [String], example: ['信访事项摘要不得超过 200 个字'], description: 'zh-CN, naming the field by its label' }) messages: string[];
}

const ERROR_CODES = [
  'FIELD_INVALID',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'WRONG_UNIT',
  'NOT_FOUND',
  'CASE_STATE',
  'DUPLICATE',
  'REGULATION',
  'UNAVAILABLE',
  'INTERNAL',
  'RATE_LIMITED',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'PASSWORD_CHANGE_REQUIRED',
  'TOKEN_REUSED',
  'CASE_DATA_INVALID',
  'DEAD_LETTER_STATE',
  'REPLAY_FAILED',
  'IDEMPOTENCY_IN_PROGRESS',
  'IDEMPOTENCY_KEY_REUSED',
] as const;

/** Every refusal: { statusCode, error, code, message, details? } (the API contract). */
export class ErrorBodyDto {
  @ApiProperty({ example: 400, description: 'the HTTP status again' }) statusCode: number;
  @ApiProperty({ example: 'Bad Request', description: 'the status’s reason phrase' }) error: string;
  @ApiProperty({ enum: ERROR_CODES, example: 'FIELD_INVALID', description: 'stable, machine-readable' }) code: string;
  @ApiProperty({ example: '输入有误：信访事项摘要不得超过 200 个字', description: 'for people (zh-CN): names the state (409) or cites the article (422)' }) message: string;
  @ApiPropertyOptional({
    description: '400: one entry per bad field; 503 from /health/ready: the terminus report',
    oneOf: [
      { type: 'array', items: { $ref: '#/components/schemas/FieldErrorDto' } },
      { type: 'object', additionalProperties: true },
    ],
  })
  details?: FieldErrorDto[] | Record<string, unknown>;
}

export interface ErrorExample {
  status: number;
  code?: string;
  message?: string;
  description?: string;
  details?: unknown;
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const DEFAULTS: Record<number, Required<Omit<ErrorExample, 'details'>> & { details?: unknown }> = {
  400: {
    status: 400,
    code: 'FIELD_INVALID',
    message: '输入有误：信访事项摘要不得超过 200 个字',
    description: 'invalid input (FIELD_INVALID): details name each bad field; nothing is written',
    details: [{ field: 'summary', messages: ['信访事项摘要不得超过 200 个字'] }],
  },
  401: { status: 401, code: 'UNAUTHENTICATED', message: '请先登录（缺少访问令牌）', description: 'no token, or one that is expired, signed out or of a disabled user (UNAUTHENTICATED)' },
  403: {
    status: 403,
    code: 'FORBIDDEN',
    message: '此操作需要以下角色之一：信访工作机构',
    description: 'the role may not (FORBIDDEN), another unit’s case (WRONG_UNIT), or the password must be changed first (PASSWORD_CHANGE_REQUIRED)',
  },
  404: { status: 404, code: 'NOT_FOUND', message: '案件 0190a3c2-5b1e-7c4d-9e8f-1a2b3c4d5e6f 不存在', description: 'unknown id (NOT_FOUND)' },
  409: {
    status: 409,
    code: 'CASE_STATE',
    message: '该案件当前状态为「已受理」，不能再受理',
    description: 'the action does not fit the case’s current state (CASE_STATE; the message names the state)',
  },
  413: { status: 413, code: 'FIELD_INVALID', message: '请求内容过大', description: 'the body is larger than 1 MB' },
  422: {
    status: 422,
    code: 'REGULATION',
    message: '延期 20 日将使延期合计达到 40 日（已延期 20 日），延期合计不得超过 30 日（《信访工作条例》第三十四条）',
    description: 'a rule of the regulation forbids it (REGULATION; the message cites the article), or the stored case cannot be computed (CASE_DATA_INVALID)',
  },
  423: {
    status: 423,
    code: 'ACCOUNT_LOCKED',
    message: '因连续 5 次密码错误，该账号已被锁定，请于 2024-09-18 10:15（北京时间）后再试，或请系统管理员解锁',
    description: 'locked after repeated failed logins (ACCOUNT_LOCKED); Retry-After gives the seconds left',
  },
  429: {
    status: 429,
    code: 'RATE_LIMITED',
    message: '该用户名登录尝试过于频繁，请于 10:15:30（北京时间，约 60 秒后）再试',
    description: 'too many attempts (RATE_LIMITED); Retry-After gives the seconds to wait',
  },
  503: { status: 503, code: 'UNAVAILABLE', message: '服务暂不可用，请稍后再试', description: 'a service the gateway calls is not ready (UNAVAILABLE)' },
};

/** The error body a refusal with `status` really has, with the example's code and message. */
export function errorExample(e: ErrorExample): Record<string, unknown> {
  const d = DEFAULTS[e.status];
  const details = e.details ?? (e.code === undefined || e.code === d?.code ? d?.details : undefined);
  return {
    statusCode: e.status,
    error: REASON[e.status] ?? 'Error',
    code: e.code ?? d?.code ?? 'FIELD_INVALID',
    message: e.message ?? d?.message ?? '请求无效',
    ...(details ? { details } : {}),
  };
}

/**
 * Documents the refusals a route can give: each status with the ErrorBodyDto schema and an
 * example; a number takes the default example of its status, an object sets the code, message
 * or description of this route.
 */
export function ApiErrors(...errors: (number | ErrorExample)[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto, FieldErrorDto),
    ...errors.map((e) => {
      const ex: ErrorExample = typeof e === 'number' ? { status: e } : e;
      return ApiResponse({
        status: ex.status,
        description: ex.description ?? DEFAULTS[ex.status]?.description ?? REASON[ex.status] ?? 'error',
        content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodyDto) }, example: errorExample(ex) } },
      });
    }),
  );
}

export const CASE_ID_400: ErrorExample = {
  status: 400,
  message: '案件编号格式不正确（应为 UUID）',
  details: [{ field: 'id', messages: ['案件编号格式不正确（应为 UUID）'] }],
  description: 'a malformed id, or invalid input (FIELD_INVALID): details name each bad field',
};
export const CASE_403: ErrorExample = {
  status: 403,
  code: 'WRONG_UNIT',
  message: '该案件由其他单位（labour-bureau）办理，不属于您所在的单位',
  description: 'the role may not (FORBIDDEN), another unit’s case (WRONG_UNIT), or the password must be changed first (PASSWORD_CHANGE_REQUIRED)',
};

/**
 * The refusals of a route on one case: 400 (malformed id or body), 401, 403 (role or unit), 404
 * (unknown case), 409 (the state), 422 (the regulation, or stored data that cannot be computed);
 * `messages` gives this route's example message of a status.
 */
export function ApiCaseErrors(messages: { 403?: string; 409?: string; 422?: string } = {}): MethodDecorator & ClassDecorator {
  const own = (status: 403 | 409 | 422): number | ErrorExample => (messages[status] ? { status, message: messages[status] } : status === 403 ? CASE_403 : status);
  return ApiErrors(CASE_ID_400, 401, own(403), 404, own(409), own(422));
}

// ---------------------------------------------------------------- health

export class HealthDto {
  @ApiProperty({ example: 'ok' }) status: string;
  @ApiProperty({ enum: ['embedded', 'distributed'], example: 'embedded' }) mode: string;
}

export class LiveDto {
  @ApiProperty({ example: 'ok' }) status: string;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { database: { status: 'up' }, intake: { status: 'up' } }, description: 'what is up' }) info: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {}, description: 'what is down' }) error: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { database: { status: 'up' }, intake: { status: 'up' } } }) details: Record<string, unknown>;
}

// ---------------------------------------------------------------- accounts

export class UserViewDto {
  @ApiProperty({ example: 'liu.fang' }) username: string;
  @ApiProperty({ example: '刘芳' }) displayName: string;
  @ApiProperty({ enum: ['reception', 'office', 'handler', 'leader', 'admin'], isArray: true, example: ['handler'] }) roles: string[];
  @ApiProperty({ type: String, nullable: true, example: 'housing-bureau' }) unitCode: string | null;
}

export class MeDto extends UserViewDto {
  @ApiProperty({ type: String, nullable: true, example: '住房和城乡建设局' }) unitName: string | null;
}

export class AdminUserViewDto extends UserViewDto {
  @ApiProperty({ example: false }) disabled: boolean;
  @ApiProperty({ example: false }) mustChangePassword: boolean;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'end of a login lockout (office time), or null' }) lockedUntil: string | null;
}

export class SignedInDto {
  @ApiProperty({ description: 'JWT, sent as Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty({ description: 'spent by POST /api/v1/auth/refresh, ended by /logout' }) refreshToken: string;
  @ApiProperty({ example: 900, description: 'seconds the access token is valid' }) expiresIn: number;
  @ApiProperty({ type: UserViewDto }) user: UserViewDto;
  @ApiProperty({ example: false, description: 'true after an admin reset: only POST /api/v1/auth/password is allowed until then' }) mustChangePassword: boolean;
}

export class UnitDto {
  @ApiProperty({ example: 'housing-bureau' }) code: string;
  @ApiProperty({ example: '住房和城乡建设局' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: null }) parentCode: string | null;
}

export class SecurityEventDto {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 'login-failed' }) event: string;
  @ApiProperty({ type: String, nullable: true, example: 'admin' }) actor: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'admin' }) target: string | null;
  @ApiProperty({ type: String, nullable: true, example: '127.0.0.1' }) ip: string | null;
  @ApiProperty({ example: '2024-09-18T09:30:00.000+08:00' }) at: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) detail: Record<string, unknown> | null;
}

export class SecurityEventsPageDto {
  @ApiProperty({ type: [SecurityEventDto] }) items: SecurityEventDto[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) pageSize: number;
}

export class CategoryLeafDto {
  @ApiProperty({ example: 'urban-rural-construction.property-management' }) code: string;
  @ApiProperty({ example: '物业管理' }) name: string;
}

export class CategoryDto {
  @ApiProperty({ example: 'urban-rural-construction' }) code: string;
  @ApiProperty({ example: '城乡建设' }) name: string;
  @ApiProperty({ type: [CategoryLeafDto] }) children: CategoryLeafDto[];
}

// ---------------------------------------------------------------- cases

export class DeadlineDto {
  @ApiProperty({
    example: 'route',
    description: 'route, acceptance-notice, objection, feedback, unit-feedback, handling, evaluation, review-request, review-opinion, re-review-request, re-review-opinion',
  })
  kind: string;
  @ApiProperty({ example: '2024-10-04T00:00:00+08:00', description: '24:00 of the last day, office time' }) dueAt: string;
  @ApiProperty({ example: '2024-10-03' }) lastDay: string;
  @ApiProperty({ enum: ['pending', 'met', 'breached'] }) state: string;
  @ApiProperty({ type: String, nullable: true }) metAt: string | null;
  @ApiProperty({ example: '第二十二条' }) article: string;
  @ApiProperty({ example: '收到信访事项 2024-09-18 起 15 日内转送、交办或告知（《信访工作条例》第二十二条）→ 2024-10-03' }) basis: string;
  @ApiProperty({ example: 1 }) revision: number;
}

export class NextDeadlineDto {
  @ApiProperty({ example: 'route' }) kind: string;
  @ApiProperty({ example: '2024-10-04T00:00:00+08:00' }) dueAt: string;
  @ApiProperty({ example: '2024-10-03' }) lastDay: string;
  @ApiProperty({ type: Number, nullable: true, example: 15 }) daysLeft: number | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) overdueDays: number | null;
  @ApiProperty({ example: 'ok' }) level: string;
  @ApiProperty() basis: string;
}

export class TimelineEntryDto {
  @ApiProperty({ example: 'registered' }) type: string;
  @ApiProperty({ example: '2024-09-18T10:00:00+08:00' }) at: string;
  @ApiProperty({ type: String, nullable: true, example: 'reception1' }) actor: string | null;
  @ApiPropertyOptional({ description: 'when a back-dated act was entered' }) enteredAt?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) detail?: Record<string, unknown>;
}

export class PetitionerViewDto {
  @ApiProperty({ example: '王五' }) name: string;
  @ApiPropertyOptional({ example: '450302********122X', description: 'masked (first 6 and last 4 kept) unless the caller is admin' }) idNumber?: string | null;
  @ApiPropertyOptional({ example: '138****5678', description: 'masked unless the caller is admin' }) phone?: string | null;
  @ApiPropertyOptional({ example: '阳和街道' }) address?: string | null;
}

const OBJ = { type: 'object', additionalProperties: true, nullable: true } as const;

/** The case as GET /api/v1/petitions/{id} and every action answer it. */
export class CaseViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'XF20240918A1B2C3D4' }) trackingNo: string;
  @ApiProperty({ enum: ['registered', 'routed', 'accepted', 'closed', 'declined', 'diverted', 'under-review', 'under-re-review', 'final'] }) status: string;
  @ApiProperty({ enum: ['visit', 'letter', 'online', 'phone', 'fax'] }) channel: string;
  @ApiProperty({ enum: ['accusation', 'suggestion', 'appeal'] }) purpose: string;
  @ApiProperty({ example: 'urban-rural-construction' }) category: string;
  @ApiProperty() summary: string;
  @ApiPropertyOptional({ description: 'the full text (the case view; not in list items)' }) content?: string;
  @ApiProperty({ example: 1 }) headcount: number;
  @ApiProperty({ example: false, description: '5 or more people (集体访)' }) groupVisit: boolean;
  @ApiProperty({ ...OBJ, description: '{authority, reference, feedbackDueAt} or null' }) assignedBy: Record<string, unknown> | null;
  @ApiProperty() backlog: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'housing-bureau' }) unitCode: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['transfer', 'assign'] }) routeMode: string | null;
  @ApiProperty({ example: '2024-09-18T10:00:00+08:00' }) receivedAt: string;
  @ApiProperty({ type: String, nullable: true }) routedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) acceptedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) closedAt: string | null;
  @ApiProperty({ ...OBJ, description: '{kind, outcome, opinion} or null' }) closure: Record<string, unknown> | null;
  @ApiProperty({ example: 0, description: 'repeat contacts counted on this case (Art. 19(3))' }) repeatContacts: number;
  @ApiProperty() supervised: boolean;
  @ApiProperty({ type: [PetitionerViewDto] }) petitioners: PetitionerViewDto[];
  @ApiProperty({ ...OBJ, description: '{days, reason, approvedBy} or null' }) extension: Record<string, unknown> | null;
  @ApiProperty({ ...OBJ, description: '{rating, at} or null' }) evaluation: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) evaluationState: string | null;
  @ApiProperty({ ...OBJ }) decline: Record<string, unknown> | null;
  @ApiProperty({ ...OBJ }) diversion: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) objections: Record<string, unknown>[];
  @ApiProperty({ ...OBJ }) review: Record<string, unknown> | null;
  @ApiProperty({ ...OBJ }) reReview: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) supervisions: Record<string, unknown>[];
  @ApiProperty({ ...OBJ }) priorFinalCase: Record<string, unknown> | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ type: [DeadlineDto] }) deadlines: DeadlineDto[];
  @ApiProperty({ type: [String], example: ['route', 'decline', 'supervise'], description: 'what the caller may do now (state machine + role table)' }) allowedActions: string[];
  @ApiPropertyOptional({ type: [TimelineEntryDto], description: 'the case view; not in list items' }) timeline?: TimelineEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'set when the stored case cannot be computed (CASE_DATA_INVALID)' }) renderError: string | null;
}

/** The answer of a registration (and of a new query code): the case with its query code, shown only here. */
export class CaseWithQueryCodeDto extends CaseViewDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'K7M2QX',
    description:
      'the query code (查询码: 6 of 2–9 and A–Z without I, O) with which the petitioner follows the case at /track (POST /api/v1/public/track) — answered only here, kept only as a hash; null for a repeat contact',
  })
  queryCode: string | null;
}

export class CaseSummaryDto extends CaseViewDto {
  @ApiProperty({ type: NextDeadlineDto, nullable: true }) nextDeadline: NextDeadlineDto | null;
}

export class ReportCasesDto {
  @ApiProperty({ example: 'onTimeClosure' }) figure: string;
  @ApiProperty({ enum: ['numerator', 'denominator'], example: 'denominator' }) part: string;
  @ApiProperty({ type: [CaseSummaryDto], description: 'the case summaries of the page, as the case list gives them (a contact count lists the contact’s case once per contact)' })
  items: CaseSummaryDto[];
  @ApiProperty({ example: 1, description: 'equals the figure’s numerator or denominator in the summary of the same period and filters' }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) pageSize: number;
}

export class CaseListDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items: CaseSummaryDto[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) pageSize: number;
  @ApiProperty({ example: 0 }) overdueTotal: number;
}

export class PersonCasesDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items: CaseSummaryDto[];
  @ApiProperty({ example: 1 }) total: number;
}

export class PreviewDto {
  @ApiProperty({ example: 'route' }) action: string;
  @ApiProperty({ example: '转送后责任单位应在 15 日内告知受理（至 2024-10-03，第二十三条）' }) effect: string;
  @ApiProperty({ type: [DeadlineDto], description: 'the deadlines after the action' }) deadlines: DeadlineDto[];
}

export class ReceptionSessionViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['leader-day', 'appointment', 'special'] }) kind: string;
  @ApiProperty({ example: '张副县长' }) leader: string;
  @ApiProperty({ example: '2022-06-15' }) date: string;
}

// ---------------------------------------------------------------- reports

export class RateDto {
  @ApiProperty({ example: 1 }) numerator: number;
  @ApiProperty({ example: 2 }) denominator: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.5, description: 'in [0, 1], null when the denominator is 0' }) rate: number | null;
}

export class SummaryDto {
  @ApiProperty({ example: { from: '2022-01-01', to: '2022-12-31', timeZone: 'Asia/Shanghai' } }) period: Record<string, string>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) filters?: Record<string, unknown>;
  @ApiProperty({ example: { cases: 1, contacts: 2, persons: 2, byChannel: { visit: 1, letter: 0, online: 0, phone: 1, fax: 0 } } }) received: Record<string, unknown>;
  @ApiProperty({ example: { total: 1, substantive: 1, procedural: 0, diverted: 0, onTime: 1 }, description: 'procedural includes the diverted (导入相应程序, Art. 31)' }) closed: Record<
    string,
    number
  >;
  @ApiProperty({ example: { sessions: 1, persons: 0, cases: 0, byKind: { 'leader-day': 1, appointment: 0, special: 0 } } }) reception: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/RateDto' },
    description:
      'timelyAcceptance, onTimeClosure, closure, resolution, substantiveResolution, satisfaction, participation, repeat, firstTimeResolution (一次性化解率: closed substantively with no review request and no repeat contact within 90 days ÷ closed)',
  })
  rates: Record<string, RateDto>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'central, provincial, municipal: each {received, closedSubstantive, closedProcedural, open, resolution, backlog: the same for the backlog cases (积案, backlog: true) among them}',
  })
  assigned: Record<string, unknown>;
  @ApiProperty({ example: { transfer: 1, assign: 0 }, description: 'routing acts of the period: 转送 / 交办' }) routing: Record<string, number>;
  @ApiProperty({ example: { total: 1, manual: 1, automatic: 0 }, description: 'supervision acts (督办) of the period: by a leader, or automatic after a breach' }) supervision: Record<string, number>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'cases left out because their stored data cannot be computed' }) unrenderable?: Record<string, unknown>;
}

export class BreakdownItemDto {
  @ApiProperty({ example: 'visit' }) key: string;
  @ApiProperty({ example: 1 }) received: number;
  @ApiProperty({ example: 0 }) closed: number;
  @ApiProperty({ example: 0 }) overdue: number;
  @ApiProperty({ example: 0, description: 'closed in the period by the (possibly extended) handling due time' }) closedOnTime: number;
  @ApiProperty({
    example: { onTimeClosure: { numerator: 0, denominator: 0, rate: null }, resolution: { numerator: 0, denominator: 1, rate: 0 }, satisfaction: { numerator: 0, denominator: 0, rate: null } },
    description: 'the summary’s rates filtered to the group (a month: the summary of that month within the period): what GET /reports/summary answers for it',
  })
  rates: Record<string, RateDto>;
}

export class BreakdownDto {
  @ApiProperty({ enum: ['unit', 'category', 'channel', 'authority', 'month'] }) by: string;
  @ApiProperty({ example: { from: '2022-01-01', to: '2022-12-31' } }) period: Record<string, string>;
  @ApiProperty({ example: { unitCode: null, authority: null, channel: null, purpose: null, category: null } }) filters: Record<string, string | null>;
  @ApiProperty({ type: [BreakdownItemDto] }) items: BreakdownItemDto[];
}

export class BacklogItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'XF20240918A1B2C3D4' }) trackingNo: string;
  @ApiProperty({ type: String, nullable: true, example: 'housing-bureau' }) unitCode: string | null;
  @ApiProperty({ enum: ['central', 'provincial', 'municipal'] }) authority: string;
  @ApiProperty({ type: String, nullable: true, example: '2024-12-31T00:00:00+08:00' }) dueAt: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 12 }) daysLeft: number | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty() supervised: boolean;
}

// ---------------------------------------------------------------- dead letters

export class DeadLetterItemDto {
  @ApiProperty({ enum: ['intake', 'assignment', 'deadline', 'closure', 'reporting'] }) service: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'case.registered' }) eventType: string | null;
  @ApiProperty({ type: String, nullable: true }) eventId: string | null;
  @ApiProperty({ type: String, nullable: true }) caseId: string | null;
  @ApiProperty({ description: 'masked' }) reason: string;
  @ApiProperty({ example: 3 }) attempts: number;
  @ApiProperty() replayable: boolean;
  @ApiProperty({ example: '2024-09-18T09:30:00.000+08:00' }) firstFailedAt: string;
  @ApiProperty({ example: '2024-09-18T09:31:00.000+08:00' }) lastFailedAt: string;
  @ApiProperty({ enum: ['open', 'replayed', 'discarded'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) resolvedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) resolvedBy: string | null;
}

export class DeadLetterListDto {
  @ApiProperty({ type: [DeadLetterItemDto] }) items: DeadLetterItemDto[];
  @ApiProperty({ example: 0 }) total: number;
  @ApiProperty({ enum: ['intake', 'assignment', 'deadline', 'closure', 'reporting'], isArray: true, example: [], description: 'services that did not answer' }) unavailable: string[];
}

// ---------------------------------------------------------------- files

/** The annual report: text, CSV or XLSX by `format`. */
export const ANNUAL_CONTENT = {
  'text/plain; charset=utf-8': { schema: { type: 'string' }, example: '2022年度信访工作情况\n（统计期间 2022-01-01 至 2022-12-31，时区 Asia/Shanghai；比率均注明分子/分母）\n…' },
  'text/csv; charset=utf-8': { schema: { type: 'string' }, example: '类别,项目,数值\r\n受理情况,登记信访事项（件）,0\r\n…' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
} as const;
