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
    await expect(
      ds.transaction((m) =>
        insertRows(m, Sample, [
          { id: 'a', at, doneAt: null, flag: true, note: '' },
          { id: 'b', at, flag: true, note: '' },
        ]),
      ),
    ).rejects.toThrow('every row must set the same columns');
    await expect(ds.transaction((m) => insertRows(m, Sample, [{ id: 'a', at, flag: true, note: '', colour: 'red' } as never]))).rejects.toThrow('not columns: colour');
    expect(await ds.getRepository(Sample).count()).toBe(0);
    await ds.destroy();
  });

  it('upserts: an existing row is replaced, or added to in the columns named `add`; by entity or by table name', async () => {
    const ds = await open();
    const at = new Date('2026-12-04T10:00:00.000Z');
    const later = new Date('2026-12-05T10:00:00.000Z');
    await ds.transaction((m) => insertRows(m, Sample, [{ id: 'a', at, doneAt: null, flag: false, n: 1, note: 'first' }]));
    // Replace: every column the rows set takes the new value; a new id is inserted beside it.
    await ds.transaction((m) =>
      insertRows(
        m,
        Sample,
        [
          { id: 'a', at: later, doneAt: later, flag: true, n: 5, note: '第二' },
          { id: 'b', at, doneAt: null, flag: false, n: 2, note: 'b' },
        ],
        { onConflict: { key: ['id'] } },
      ),
    );
    expect(await ds.getRepository(Sample).find({ order: { id: 'ASC' } })).toEqual([
      { id: 'a', at: later, doneAt: later, flag: true, n: 5, note: '第二' },
      { id: 'b', at, doneAt: null, flag: false, n: 2, note: 'b' },
    ]);
    // Add: the counter grows by the new value (a negative one shrinks it), the other columns are replaced.
    // (Every NOT NULL column is set: both databases check the row as an insert first.)
    const plain = (id: string, n: number, note: string) => ({ id, at: '2026-12-04 10:00:00.000', doneAt: null, flag: true, n, note });
    await ds.transaction((m) => insertRows(m, { table: 'sample' }, [plain('a', 10, 'added'), plain('b', -2, 'b2')], { onConflict: { key: ['id'], add: ['n'] } }));
    const rows = (await ds.query('SELECT id, n, note FROM sample ORDER BY id')) as { id: string; n: number; note: string }[];
    expect(rows).toEqual([
      { id: 'a', n: 15, note: 'added' },
      { id: 'b', n: 0, note: 'b2' },
    ]);
    await expect(ds.transaction((m) => insertRows(m, Sample, [{ id: 'a', at, doneAt: null, flag: true, note: '' }], { onConflict: { key: ['id'], add: ['n'] } }))).rejects.toThrow(
      'not among the columns',
    );
    await ds.destroy();
  });
});
