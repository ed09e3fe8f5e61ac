import type { DataSource } from 'typeorm';

const tails = new WeakMap<DataSource, Promise<unknown>>();

/**
 * SQLite (embedded mode) runs every statement of a service on one connection, so a read taken
 * while another task's transaction is open would see its uncommitted rows (the outbox relay
 * could publish an event that is then rolled back). Work that touches such a database goes
 * through here, one at a time. MySQL has a pool and real isolation: there it runs directly.
 * Not re-entrant: never call it from inside work it is running.
 */
export function exclusive<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return work();
  const previous = tails.get(dataSource) ?? Promise.resolve();
  const run = previous.then(work, work);
  tails.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * Find options that lock the row for the rest of the transaction where the database can (MySQL:
 * SELECT … FOR UPDATE), so two commands on one case decide one after the other. SQLite work is
 * already serialized by `exclusive`.
 */
export function forUpdate(dataSource: DataSource): { lock?: { mode: 'pessimistic_write' } } {
  return dataSource.options.type === 'better-sqlite3' ? {} : { lock: { mode: 'pessimistic_write' } };
}
