/**
 * Domain errors carry the HTTP status the contract gives them, so a use case can say
 * "this does not fit the state" without knowing it is served over HTTP (or in-process).
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly error: string;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
  toJSON(): ErrorBody {
    return { statusCode: this.status, error: this.error, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

export interface FieldError {
  field: string;
  messages: string[];
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
  readonly error = 'Bad Request';
  constructor(message: string, details?: FieldError[]) {
    super(message, details);
  }
}
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly error = 'Unauthorized';
}
export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly error = 'Forbidden';
}
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly error = 'Not Found';
}
/** The action does not fit the case's current state (the message names the state). */
export class StateConflictError extends DomainError {
  readonly status = 409;
  readonly error = 'Conflict';
}
/** A rule of the regulation forbids it (the message cites the article). */
export class RuleViolationError extends DomainError {
  readonly status = 422;
  readonly error = 'Unprocessable Entity';
}
/** A dependency (another service's projection, the broker) is not ready yet. */
export class UnavailableError extends DomainError {
  readonly status = 503;
  readonly error = 'Service Unavailable';
}

const BY_STATUS: Record<number, new (m: string, d?: any) => DomainError> = {
  400: InvalidInputError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: StateConflictError,
  422: RuleViolationError,
  503: UnavailableError,
};

/** Rebuilds a domain error from its JSON body (used where a call crossed a process boundary). */
export function domainErrorFromBody(body: ErrorBody): DomainError | undefined {
  const ctor = BY_STATUS[body.statusCode];
  return ctor ? new ctor(body.message, body.details) : undefined;
}
