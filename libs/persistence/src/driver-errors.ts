import { QueryFailedError } from 'typeorm';

type DriverError = { code?: string; errno?: number };
const driverError = (e: unknown): DriverError | undefined => (e instanceof QueryFailedError ? (e as QueryFailedError & { driverError?: DriverError }).driverError : undefined);

/** A unique or primary key refused the row (SQLite and MySQL/MariaDB). */
export function isUniqueViolation(e: unknown): boolean {
  const d = driverError(e);
  return ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'ER_DUP_ENTRY'].includes(d?.code ?? '') || d?.errno === 1062;
}

/** MySQL/MariaDB chose this transaction as a deadlock's victim: running it again is safe. */
export function isDeadlockVictim(e: unknown): boolean {
  const d = driverError(e);
  return d?.code === 'ER_LOCK_DEADLOCK' || d?.errno === 1213;
}
