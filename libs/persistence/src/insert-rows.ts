import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** Rows per statement (SQLite allows 32,766 parameters; MySQL's packet limit is far away). */
const ROWS_PER_STATEMENT = 500;

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
 * A multi-row INSERT without the query builder, for the hot paths (outbox, processed events) where
 * TypeORM's per-row bookkeeping costs more than the database does: at thousands of deadlines due
 * together it was the largest share of the CPU. Each value goes through the driver's own
 * conversion (dates, booleans), so the row written is the one `repository.insert` would write.
 * Every row must set the same columns (the first row's); nothing is read back.
 */
export async function insertRows<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, rows: readonly Partial<T>[]): Promise<void> {
  if (!rows.length) return;
  const meta = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  const columns = meta.columns.filter((c) => c.propertyName in rows[0]);
  const names = Object.keys(rows[0]);
  if (columns.length !== names.length) throw new Error(`insertRows(${meta.tableName}): not columns: ${names.filter((n) => !columns.some((c) => c.propertyName === n)).join(', ')}`);
  const head = `INSERT INTO ${driver.escape(meta.tablePath)} (${columns.map((c) => driver.escape(c.databaseName)).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    for (const row of chunk) {
      if (Object.keys(row).length !== columns.length) throw new Error(`insertRows(${meta.tableName}): every row must set the same columns`);
      for (const c of columns) params.push(driver.preparePersistentValue(row[c.propertyName as keyof T], c));
    }
    const sql = head + chunk.map(() => tuple).join(', ');
    // A full chunk has the same text every time: prepared once per connection and table. Other
    // sizes go as text, so the number of prepared statements stays bounded.
    if (chunk.length === ROWS_PER_STATEMENT) await executePrepared(manager, sql, params);
    else await manager.query(sql, params);
  }
}
