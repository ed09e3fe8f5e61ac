import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { pathOf, SECURITY_EVENTS, type SecurityEventInput, type SecurityEvents } from '#libs/auth';
import { DomainError } from '#libs/common';
import type { Caller } from '#libs/runtime';

interface Req {
  method: string;
  route?: { path?: string };
  query?: Record<string, unknown>;
  originalUrl?: string;
  url?: string;
  ip?: string;
  caller?: Caller;
}

/** Routes whose every successful call is a security event: personal-data lookups and exports. */
const AUDITED: Record<string, (req: Req, answer: unknown) => Pick<SecurityEventInput, 'event' | 'target' | 'detail'>> = {
  'GET /api/v1/petitioners/cases': (req, answer) => ({
    event: 'person-lookup',
    target: 'petitioners/cases',
    // the kind of key, never the key itself
    detail: { keyKind: req.query?.idNumber ? 'idNumber' : 'name+phone', results: typeof (answer as { total?: unknown })?.total === 'number' ? (answer as { total: number }).total : null },
  }),
  'GET /api/v1/reports/annual': (req) => ({
    event: 'report-export',
    target: 'reports/annual',
    detail: { year: String(req.query?.year ?? ''), format: String(req.query?.format ?? 'text') },
  }),
};

/**
 * The security log's view of the routes: person lookups and exports that succeeded, and every
 * 403 a handler or a service answered (another unit's case: WRONG_UNIT). The guard's own 403s
 * are logged by the guard.
 */
@Injectable()
export class SecurityInterceptor implements NestInterceptor {
  constructor(@Inject(SECURITY_EVENTS) private readonly security: SecurityEvents) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Req>();
    const audited = AUDITED[`${req.method} ${req.route?.path ?? ''}`];
    const actor = () => req.caller?.username ?? null;
    return next.handle().pipe(
      mergeMap((answer) => (audited ? from(this.security.record({ ...audited(req, answer), actor: actor(), ip: req.ip ?? null }).then(() => answer)) : from([answer]))),
      catchError((err: unknown) => {
        if (!(err instanceof DomainError) || err.status !== 403) return throwError(() => err);
        return from(this.security.record({ event: 'access-denied', actor: actor(), target: `${req.method} ${pathOf(req)}`, ip: req.ip ?? null, detail: { code: err.code } })).pipe(
          mergeMap(() => throwError(() => err)),
        );
      }),
    );
  }
}
