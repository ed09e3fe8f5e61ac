import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** Rows per statement at most (MySQL's packet limit is far away). */
const ROWS_PER_STATEMENT = 500;
/** Values per statement at most: SQLite allows 32,766 parameters, MySQL 65,535. */
const PARAMS_PER_STATEMENT = 32_000;

/**
 * What a row that already exists (same primary or unique key) becomes, instead of a duplicate-key
 * error: every column the rows set is replaced by the new value, except those named in `add`,
 * which are added to (counters). `key`: the properties of the key that conflicts (SQLite names
 * it; MySQL finds it).
 */
export interface OnConflict {
  key: readonly string[];
  add?: readonly string[];
}

/** What TypeORM's MySQL query runner holds: a mysql2 connection (callback API). */
interface Mysql2Connection {
  execute(sql: string, values: unknown[], cb: (err: Error | null) => void): void;
}

/**
 * Runs a statement as a server-side prepared statement on MySQL/MariaDB (binary protocol: the
 * values are not escaped into the SQL text, which for thousands of outbox rows at one midnight
 * was the largest single CPU cost), as a plain query elsewhere. mysql2 prepares a text once per
 * connection and keeps it; the server counts every prepared statement against
 * max_prepared_stmt_count, so callers must pass a bounded set of texts.
 */
async function executePrepared(manager: EntityManager, sql: string, params: unknown[]): Promise<void> {
  const type = manager.connection.driver.options.type;
  if ((type === 'mysql' || type === 'mariadb') && manager.queryRunner && !manager.queryRunner.isReleased) {
    const conn = (await manager.queryRunner.connect()) as Mysql2Connection;
    await new Promise<void>((resolve, reject) => conn.execute(sql, params, (err) => (err ? reject(err) : resolve())));
  } else {
    await manager.query(sql, params);
  }
}

/**
 * A multi-row INSERT without the query builder, for the hot paths (outbox, processed events, the
 * read model's projection) where TypeORM's per-row bookkeeping costs more than the database does:
 * at thousands of deadlines due together it was the largest share of the CPU. Each value goes
 * through the driver's own conversion (dates, booleans), so the row written is the one
 * `repository.insert` would write. Every row must set the same columns (the first row's); nothing
 * is read back. `opts.onConflict`: an upsert (MySQL `ON DUPLICATE KEY UPDATE`, SQLite `ON CONFLICT … DO
 * UPDATE`); two rows of one statement must not share a key.
 */
export async function insertRows<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T> | PlainTable, rows: readonly Partial<T>[], opts: InsertOptions = {}): Promise<void> {
  const { onConflict, prepare = true } = opts;
  if (!rows.length) return;
  const driver = manager.connection.driver;
  const names = Object.keys(rows[0]);
  let table: string;
  let columns: RowColumn[];
  if (isPlainTable(target)) {
    table = target.table;
    columns = names.map((n) => ({ propertyName: n, databaseName: n, prepare: (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null)) }));
  } else {
    const meta = manager.connection.getMetadata(target);
    table = meta.tablePath;
    columns = meta.columns
      .filter((c) => c.propertyName in rows[0])
      .map((c) => ({ propertyName: c.propertyName, databaseName: c.databaseName, prepare: (v: unknown) => driver.preparePersistentValue(v, c) as unknown }));
    if (columns.length !== names.length) throw new Error(`insertRows(${meta.tableName}): not columns: ${names.filter((n) => !columns.some((c) => c.propertyName === n)).join(', ')}`);
  }
  const head = `INSERT INTO ${driver.escape(table)} (${columns.map((c) => driver.escape(c.databaseName)).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const tail = onConflict ? conflictClause(manager, columns, onConflict) : '';
  const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(PARAMS_PER_STATEMENT / columns.length)));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const row of chunk) {
      if (Object.keys(row).length !== columns.length) throw new Error(`insertRows(${table}): every row must set the same columns`);
      for (const c of columns) params.push(c.prepare(row[c.propertyName as keyof T]));
    }
    const sql = head + chunk.map(() => tuple).join(', ') + tail;
    // A full chunk has the same text every time: prepared once per connection and table. Other
    // sizes go as text, so the number of prepared statements stays bounded.
    if (prepare && chunk.length === perStatement) await executePrepared(manager, sql, params);
    else await manager.query(sql, params);
  }
}

export interface InsertOptions {
  /** An upsert instead of a plain insert. */
  onConflict?: OnConflict;
  /**
   * Full chunks as server-side prepared statements (default). Off for callers whose rows set a
   * different set of columns from one call to the next: each text would be prepared anew.
   */
  prepare?: boolean;
}

/**
 * A table named without an entity (a migration's, whose code must not follow the entity's later
 * shape): the rows' keys are the column names, values go as they are (booleans as 0/1).
 */
export interface PlainTable {
  table: string;
}

interface RowColumn {
  propertyName: string;
  databaseName: string;
  prepare: (v: unknown) => unknown;
}

function isPlainTable(t: unknown): t is PlainTable {
  return typeof t === 'object' && t !== null && typeof (t as PlainTable).table === 'string' && !('options' in t);
}

function conflictClause(manager: EntityManager, columns: RowColumn[], o: OnConflict): string {
  const q = (c: string) => manager.connection.driver.escape(c);
  const dbName = (p: string) => {
    const c = columns.find((x) => x.propertyName === p);
    if (!c) throw new Error(`insertRows: the conflict key or counter ${p} is not among the columns the rows set`);
    return c.databaseName;
  };
  const key = o.key.map(dbName);
  const add = new Set((o.add ?? []).map(dbName));
  const sqlite = manager.connection.options.type === 'better-sqlite3';
  const set = columns
    .map((c) => c.databaseName)
    .filter((c) => !key.includes(c))
    .map((c) => {
      const now = sqlite ? `excluded.${q(c)}` : `VALUES(${q(c)})`;
      return `${q(c)} = ${add.has(c) ? `${q(c)} + ${now}` : now}`;
    });
  if (!set.length) return sqlite ? ` ON CONFLICT (${key.map(q).join(', ')}) DO NOTHING` : ` ON DUPLICATE KEY UPDATE ${q(key[0])} = ${q(key[0])}`;
  return sqlite ? ` ON CONFLICT (${key.map(q).join(', ')}) DO UPDATE SET ${set.join(', ')}` : ` ON DUPLICATE KEY UPDATE ${set.join(', ')}`;
}
