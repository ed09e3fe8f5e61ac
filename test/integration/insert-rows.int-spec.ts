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

  it('upserts on MariaDB: replaced, or added to in the `add` columns, prepared chunks and text alike', async () => {
    const at = new Date('2026-12-04T10:00:00.250Z');
    const later = new Date('2026-12-05T10:00:00.500Z');
    // 500 + 3 rows: one prepared chunk, one text chunk; the first time they are inserted, the second replaced.
    const rows = (t: Date, note: string) => Array.from({ length: 503 }, (_, i) => ({ id: `u${i}`, at: t, doneAt: i % 2 ? null : t, flag: i % 2 === 0, n: i, note }));
    await ds.transaction((m) => insertRows(m, Sample, rows(at, 'first'), { onConflict: { key: ['id'] } }));
    await ds.transaction((m) => insertRows(m, Sample, rows(later, '替换'), { onConflict: { key: ['id'] } }));
    expect(await ds.getRepository(Sample).countBy({ note: '替换' })).toBe(503);
    expect(await ds.getRepository(Sample).findOneByOrFail({ id: 'u502' })).toEqual({ id: 'u502', at: later, doneAt: later, flag: true, n: 502, note: '替换' });
    // Counters: added to (a negative change subtracts), the other columns replaced.
    const plain = (id: string, n: number) => ({ id, at: '2026-12-04 10:00:00.000', doneAt: null, flag: false, n, note: 'added' });
    await ds.transaction((m) => insertRows(m, { table: 'sample' }, [plain('u0', 10), plain('u1', -1), plain('u-new', 4)], { onConflict: { key: ['id'], add: ['n'] } }));
    const got = (await ds.query("SELECT id, n, note FROM sample WHERE id IN ('u0', 'u1', 'u-new') ORDER BY id")) as { id: string; n: number; note: string }[];
    expect(got).toEqual([
      { id: 'u-new', n: 4, note: 'added' },
      { id: 'u0', n: 10, note: 'added' },
      { id: 'u1', n: 0, note: 'added' },
    ]);
  });
});
