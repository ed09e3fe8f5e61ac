import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase, insertRows, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { Sample } from '../support/sample-entity.js';

/**
 * insertRows on MariaDB: full chunks of 500 rows go as a server-side prepared statement (binary
 * protocol), the rest as text. Both must store exactly what repository.insert stores.
 */
describe('insertRows on MariaDB', () => {
  const prefix = `pit_rows_${Date.now().toString(36)}_`;
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const db: DatabaseConfig = mysqlConfigFromUrl(`${base}${prefix}`);
  let ds: DataSource;

  beforeAll(async () => {
    await requireInfrastructure();
    await ensureDatabase('sample', db);
    ds = await new DataSource({ ...(dataSourceOptions('sample', db, [Sample], []) as object), synchronize: true, migrationsRun: false } as never).initialize();
  });
  afterAll(async () => {
    await ds?.query(`DROP DATABASE IF EXISTS \`${prefix}sample\``);
    await ds?.destroy();
  });

  it('stores prepared and text chunks alike: dates to the millisecond, booleans, nulls, quotes, Chinese', async () => {
    const at = new Date('2026-11-28T16:00:00.123Z');
    const rows = Array.from({ length: 1203 }, (_, i) => ({ id: `r${i}`, at, doneAt: i % 2 ? null : new Date(at.getTime() + i), flag: i % 3 === 0, note: `逾期未办 it's "${i}" \\ ${'\u0000'}` }));
    const executed = async () => Number((await ds.query("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'"))[0].Value);
    const before = await executed();
    await ds.transaction((m) => insertRows(m, Sample, rows));
    expect((await executed()) - before).toBeGreaterThanOrEqual(2); // the two full chunks, prepared
    await ds.getRepository(Sample).insert({ id: 'via-repository', at, doneAt: null, flag: true, note: 'x' });
    const stored = await ds.query("SELECT id, at, flag FROM sample WHERE id IN ('r0', 'r1202', 'via-repository') ORDER BY id");
    expect(stored.map((r: { at: Date; flag: number }) => [r.at, r.flag])).toEqual([
      [at, 1],
      [at, 0],
      [at, 1],
    ]);
    expect(await ds.getRepository(Sample).count()).toBe(1204);
    for (const i of [0, 499, 500, 1001, 1202]) {
      expect(await ds.getRepository(Sample).findOneByOrFail({ id: `r${i}` })).toEqual({ ...rows[i], n: 7 });
    }
  });

  it('rolls back with its transaction, prepared chunks included', async () => {
    const at = new Date();
    const rows = Array.from({ length: 500 }, (_, i) => ({ id: `x${i}`, at, doneAt: null, flag: false, note: '' }));
    await expect(
      ds.transaction(async (m) => {
        await insertRows(m, Sample, rows);
        throw new Error('after the insert');
      }),
    ).rejects.toThrow('after the insert');
    expect(await ds.getRepository(Sample).countBy({ note: '' })).toBe(0);
  });
});
