import { ArgumentsHost, Catch, HttpException, Logger, ValidationPipe, type ExceptionFilter, type ValidationError } from '@nestjs/common';
import { DomainError, InvalidInputError, maskText, type FieldError } from '#libs/common';

/** Every error leaves as { statusCode, error, message, details? } (the API contract). */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse();
    if (exception instanceof DomainError) {
      res.status(exception.status).json(exception.toJSON());
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : Array.isArray((body as any).message) ? (body as any).message.join('; ') : ((body as any).message ?? exception.message);
      const error = typeof body === 'object' && (body as any).error ? (body as any).error : exception.name.replace(/Exception$/, '');
      res.status(status).json({ statusCode: status, error, message });
      return;
    }
    this.logger.error(maskText(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** 400 naming each bad field; unknown fields are refused too, so a typo is not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new InvalidInputError(`invalid input: ${details.map((d) => d.field).join(', ')}`, details);
    },
  });
}
