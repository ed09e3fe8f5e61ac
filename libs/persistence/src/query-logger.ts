import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';
import { maskText } from '#libs/common';

/**
 * TypeORM's log lines through Nest's logger (so LOG_LEVEL applies), without personal data: a
 * failed query is logged with its SQL and how many parameters it had, never their values (they
 * are the petitioner's identity number, phone, address…), and every message goes through
 * maskText (a database error can quote a value). Queries that succeed are not logged.
 */
export class MaskingQueryLogger implements Logger {
  private readonly logger = new NestLogger('TypeORM');

  logQuery(): void {
    /* successful queries are not logged */
  }
  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    const why = error instanceof Error ? error.message : String(error);
    this.logger.error(maskText(`query failed: ${query}${parameters?.length ? ` -- ${parameters.length} parameter(s) not shown` : ''} -- ${why}`));
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn(maskText(`query is slow (${time} ms): ${query}`));
  }
  logSchemaBuild(): void {
    /* migrations build the schema; synchronize is off */
  }
  logMigration(message: string): void {
    this.logger.log(maskText(message));
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = maskText(typeof message === 'string' ? message : JSON.stringify(message));
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}
