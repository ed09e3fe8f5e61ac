import { STATUS_CODES } from 'node:http';
import 'reflect-metadata';
import { ArgumentsHost, Catch, HttpException, Logger, ValidationPipe, type ArgumentMetadata, type ExceptionFilter, type ValidationError } from '@nestjs/common';
import { DomainError, InvalidInputError, maskText, type ErrorCode, type FieldError } from '#libs/common';
import { assertSafeInput } from './body-guards.js';

const LABEL = 'field:label';

/** The field's name as the users know it (zh-CN): validation messages name fields by it. */
export const Label =
  (label: string): PropertyDecorator =>
  (target, property) =>
    Reflect.defineMetadata(LABEL, label, target, property);

/** The label of `property` on a DTO instance (its class or a parent's), else the property itself. */
export function labelOf(target: object | undefined, property: string): string {
  return (target && (Reflect.getMetadata(LABEL, target, property) as string | undefined)) ?? property;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'FIELD_INVALID',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CASE_STATE',
  422: 'REGULATION',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};
const MESSAGE_BY_STATUS: Record<number, string> = {
  400: '请求无效',
  401: '请先登录',
  403: '无权进行此操作',
  404: '请求的资源不存在',
  405: '不支持该请求方法',
  413: '请求内容过大',
  415: '不支持的内容类型',
  429: '请求过于频繁，请稍后再试',
  503: '服务暂不可用，请稍后再试',
};

/** Every error leaves as { statusCode, error, code, message, details? } with a zh-CN message (the API contract). */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse();
    if (exception instanceof DomainError) {
      // 423 / 429: when to try again, in seconds (RFC 9110 §10.2.3)
      const retryAfter = (exception as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
      res.status(exception.status).json(exception.toJSON());
      return;
    }
    if (exception instanceof HttpException) {
      // Nest's and Express's own refusals (unknown route, unparsable JSON body, …): their text is English.
      const status = exception.getStatus();
      const body = exception.getResponse();
      // The reason phrase of the status (e.g. a body over the limit: 413 "Payload Too Large"), as every other refusal has.
      const error = typeof body === 'object' && (body as { error?: unknown }).error ? (body as { error: unknown }).error : (STATUS_CODES[status] ?? exception.name.replace(/Exception$/, ''));
      const parse = status === 400 && /JSON|Unexpected token|body/i.test(exception.message);
      const message = parse ? '请求体不是有效的 JSON' : (MESSAGE_BY_STATUS[status] ?? (status >= 500 ? '服务器内部错误' : '请求无效'));
      res.status(status).json({ statusCode: status, error, code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FIELD_INVALID'), message });
      return;
    }
    this.logger.error(maskText(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: '服务器内部错误' });
  }
}

/** The number a class-validator default message carries (max length, minimum, …). */
const numberIn = (text: string | undefined): string => text?.match(/-?\d+(\.\d+)?/)?.[0] ?? '';
const CJK = /[\u4e00-\u9fff]/;

/** One constraint's message in zh-CN, naming the field by its label. A message already in Chinese is kept. */
function zhMessage(constraint: string, english: string, label: string, property: string): string {
  if (CJK.test(english)) return english;
  const n = numberIn(english);
  switch (constraint) {
    case 'isString':
      return `${label}必须是文本`;
    case 'isNotEmpty':
    case 'isDefined':
      return `${label}不能为空`;
    case 'maxLength':
      return `${label}不得超过 ${n} 个字`;
    case 'minLength':
      return `${label}不得少于 ${n} 个字符`;
    case 'isIn':
    case 'isEnum': {
      const values = english.match(/following values: (.*)$/)?.[1];
      return values ? `${label}取值无效，可选值：${values.split(/,\s*/).join('、')}` : `${label}取值无效`;
    }
    case 'isInt':
      return `${label}必须是整数`;
    case 'isNumber':
      return `${label}必须是数字`;
    case 'min':
      return `${label}不得小于 ${n}`;
    case 'max':
      return `${label}不得大于 ${n}`;
    case 'isBoolean':
      return `${label}必须是 true 或 false`;
    case 'isArray':
      return `${label}必须是列表`;
    case 'arrayMinSize':
      return `${label}至少需要 ${n} 项`;
    case 'arrayMaxSize':
      return `${label}最多 ${n} 项`;
    case 'isIso8601':
    case 'isISO8601':
      return `${label}必须是带时区的时间，如 2024-09-18T09:30:00+08:00`;
    case 'matches':
      return `${label}格式不正确`;
    case 'whitelistValidation':
      return `不接受字段 ${property}`;
    case 'nestedValidation':
      return `${label}必须是对象`;
    case 'isUuid':
      return `${label}必须是 UUID`;
    default:
      return `${label}无效`;
  }
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const label = labelOf(e.target, e.property);
    const own = e.constraints ? [{ field, messages: Object.entries(e.constraints).map(([k, m]) => zhMessage(k, m, label, e.property)) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Checks the body and the query as parsed (prototype keys, depth: see body-guards.ts) before class-transformer sees them. */
class GuardedValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') assertSafeInput(value, metadata.type);
    return super.transform(value, metadata);
  }
}

/**
 * 400 FIELD_INVALID naming each bad field in zh-CN; unknown fields are refused too, so a typo is
 * not silently dropped, and so are `__proto__`, `constructor` and `prototype` at any depth and a
 * body nested deeper than MAX_INPUT_DEPTH.
 */
export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new InvalidInputError(`输入有误：${details.map((d) => d.messages.join('；')).join('；')}`, details);
    },
  });
}
