import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { insertRows } from './insert-rows.js';
import { Sample } from '../../../test/support/sample-entity.js';

describe('insertRows', () => {
  const open = async () => {
    const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Sample], synchronize: true });
    return ds.initialize();
  };

  it('writes what repository.insert writes (dates, booleans, nulls, quotes), many statements for many rows', async () => {
    const ds = await open();
    const at = new Date('2026-11-28T16:00:00.123Z');
    const rows = Array.from({ length: 1201 }, (_, i) => ({ id: `r${i}`, at, doneAt: i % 2 ? null : at, flag: i % 3 === 0, note: `它's "${i}"` }));
    await ds.transaction((m) => insertRows(m, Sample, rows));
    await ds.getRepository(Sample).insert({ id: 'via-repository', at, doneAt: null, flag: true, note: 'x' });
    const [mine, theirs] = await Promise.all([ds.query("SELECT at, flag FROM sample WHERE id = 'r0'"), ds.query("SELECT at, flag FROM sample WHERE id = 'via-repository'")]);
    expect(mine).toEqual(theirs); // the same stored form
    expect(await ds.getRepository(Sample).count()).toBe(1202);
    const r3 = await ds.getRepository(Sample).findOneByOrFail({ id: 'r3' });
    expect(r3).toEqual({ id: 'r3', at, doneAt: null, flag: true, n: 7, note: `它's "3"` });
    await ds.destroy();
  });

  it('refuses rows that set different columns, or a property that is no column, and writes nothing', async () => {
    const ds = await open();
    const at = new Date();
    await expect(ds.transaction((m) => insertRows(m, Sample, [{ id: 'a', at, doneAt: null, flag: true, note: '' }, { id: 'b', at, flag: true, note: '' }]))).rejects.toThrow('every row must set the same columns');
    await expect(ds.transaction((m) => insertRows(m, Sample, [{ id: 'a', at, flag: true, note: '', colour: 'red' } as never]))).rejects.toThrow('not columns: colour');
    expect(await ds.getRepository(Sample).count()).toBe(0);
    await ds.destroy();
  });
});
