/**
 * Domain errors carry the HTTP status the contract gives them and a stable machine-readable
 * `code`, so a use case can say "this does not fit the state" without knowing it is served over
 * HTTP (or in-process). Messages are for people: zh-CN, naming the state or citing the article.
 */
export type ErrorCode =
  | 'FIELD_INVALID'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'WRONG_UNIT'
  | 'NOT_FOUND'
  | 'CASE_STATE'
  | 'DUPLICATE'
  | 'REGULATION'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'RATE_LIMITED'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_DISABLED'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'TOKEN_REUSED'
  | 'CASE_DATA_INVALID'
  | 'DEAD_LETTER_STATE'
  | 'REPLAY_FAILED';

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly error: string;
  readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details?: unknown,
    code?: ErrorCode,
  ) {
    super(message);
    this.name = new.target.name;
    this.code = code ?? (new.target as unknown as { defaultCode: ErrorCode }).defaultCode;
  }
  toJSON(): ErrorBody {
    return { statusCode: this.status, error: this.error, code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  code?: string;
  message: string;
  details?: unknown;
}

export interface FieldError {
  field: string;
  messages: string[];
}

export class InvalidInputError extends DomainError {
  static readonly defaultCode: ErrorCode = 'FIELD_INVALID';
  readonly status = 400;
  readonly error = 'Bad Request';
  constructor(message: string, details?: FieldError[], code?: ErrorCode) {
    super(message, details, code);
  }
  /** One bad field: the message is the field's message. */
  static field(field: string, message: string): InvalidInputError {
    return new InvalidInputError(message, [{ field, messages: [message] }]);
  }
}
export class UnauthorizedError extends DomainError {
  static readonly defaultCode: ErrorCode = 'UNAUTHENTICATED';
  readonly status = 401;
  readonly error = 'Unauthorized';
}
/** FORBIDDEN (the role may not) or WRONG_UNIT (another unit's case). */
export class ForbiddenError extends DomainError {
  static readonly defaultCode: ErrorCode = 'FORBIDDEN';
  readonly status = 403;
  readonly error = 'Forbidden';
}
export class NotFoundError extends DomainError {
  static readonly defaultCode: ErrorCode = 'NOT_FOUND';
  readonly status = 404;
  readonly error = 'Not Found';
}
/** CASE_STATE: the action does not fit the case's current state (the message names it); DUPLICATE: it exists already. */
export class StateConflictError extends DomainError {
  static readonly defaultCode: ErrorCode = 'CASE_STATE';
  readonly status = 409;
  readonly error = 'Conflict';
}
/** A rule of the regulation forbids it (the message cites the article). */
export class RuleViolationError extends DomainError {
  static readonly defaultCode: ErrorCode = 'REGULATION';
  readonly status = 422;
  readonly error = 'Unprocessable Entity';
}
/**
 * CASE_DATA_INVALID: what is stored of this case cannot be computed (a fact the regulation
 * refuses, a record that does not parse). Only this case is refused; an administrator corrects it.
 */
export class CaseDataError extends DomainError {
  static readonly defaultCode: ErrorCode = 'CASE_DATA_INVALID';
  readonly status = 422;
  readonly error = 'Unprocessable Entity';
}
/** A dependency (another service's projection, the broker) is not ready yet. */
export class UnavailableError extends DomainError {
  static readonly defaultCode: ErrorCode = 'UNAVAILABLE';
  readonly status = 503;
  readonly error = 'Service Unavailable';
}

/** Too many attempts (login throttling): `Retry-After` says when to try again. */
export class TooManyRequestsError extends DomainError {
  static readonly defaultCode: ErrorCode = 'RATE_LIMITED';
  readonly status = 429;
  readonly error = 'Too Many Requests';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    code?: ErrorCode,
  ) {
    super(message, undefined, code);
  }
}
/** The account is locked after repeated failed logins until `Retry-After` (or an admin unlocks it). */
export class LockedError extends DomainError {
  static readonly defaultCode: ErrorCode = 'ACCOUNT_LOCKED';
  readonly status = 423;
  readonly error = 'Locked';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    code?: ErrorCode,
  ) {
    super(message, undefined, code);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each error class takes its own kind of details
const BY_STATUS: Record<number, new (m: string, d?: any, code?: ErrorCode) => DomainError> = {
  400: InvalidInputError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: StateConflictError,
  422: RuleViolationError,
  503: UnavailableError,
};

/** Rebuilds a domain error from its JSON body (used where a call crossed a process boundary); the code survives. */
export function domainErrorFromBody(body: ErrorBody): DomainError | undefined {
  const ctor = BY_STATUS[body.statusCode];
  return ctor ? new ctor(body.message, body.details, body.code as ErrorCode | undefined) : undefined;
}
