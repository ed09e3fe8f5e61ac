import type { Logger as OrmLogger } from 'typeorm';

/**
 * A TypeORM logger that hands every statement the data source runs to `seen`, in order (a failed
 * one too, when `errors` is given, as `ERROR <sql>`) — how the specs count the statements a path costs.
 */
export function statementLogger(seen: (sql: string) => void, errors?: (sql: string) => void): OrmLogger {
  return {
    logQuery: (q: string) => seen(q),
    logQueryError: (_e: unknown, q: string) => errors?.(q),
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
}
