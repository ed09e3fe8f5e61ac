import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Sample } from '../../../test/support/sample-entity.js';
import { dataSourceOptions } from './database.js';
import { exclusive } from './exclusive.js';

/** A promise and the function that settles it. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
};

/**
 * SQLite in embedded mode: one connection per database, so a read issued while another task's
 * transaction is open runs inside that transaction. `exclusive` makes such work wait its turn:
 * a reader never sees another task's uncommitted rows.
 */
describe('exclusive work on an embedded (SQLite) database', () => {
  const withDatabase = async (test: (ds: DataSource) => Promise<void>) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'petition-exclusive-'));
    const ds = await new DataSource({ ...dataSourceOptions('sample', { driver: 'sqlite', dataDir }, [Sample], []), synchronize: true } as never).initialize();
    try {
      await test(ds);
    } finally {
      await ds.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const row = (id: string) => ({ id, at: new Date(), doneAt: null, flag: true, note: 'uncommitted' });

  /** A task that inserts a row, then (once told) rolls its transaction back. */
  const rolledBackWriter = (ds: DataSource) => {
    const inserted = gate();
    const rollBack = gate();
    const done = exclusive(ds, () =>
      ds.transaction(async (m) => {
        await m.getRepository(Sample).insert(row('w1'));
        inserted.open();
        await rollBack.opened;
        throw new Error('refused: rolled back');
      }),
    ).catch((e: Error) => e.message);
    return { inserted: inserted.opened, rollBack: rollBack.open, done };
  };

  it('a reader never sees another task’s uncommitted rows: it waits, then reads what was committed', async () => {
    await withDatabase(async (ds) => {
      const writer = rolledBackWriter(ds);
      await writer.inserted;
      const order: string[] = [];
      const read = exclusive(ds, async () => {
        order.push('read');
        return ds.getRepository(Sample).count();
      });
      // Give the read every chance to run now: it must still be waiting for the writer.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(order).toEqual([]);
      writer.rollBack();
      expect(await read).toBe(0);
      expect(await writer.done).toBe('refused: rolled back');
      expect(order).toEqual(['read']);
    });
  });

  it('(why it matters) the same read outside exclusive sees the row that is then rolled back', async () => {
    await withDatabase(async (ds) => {
      const writer = rolledBackWriter(ds);
      await writer.inserted;
      const seen = await ds.getRepository(Sample).count();
      writer.rollBack();
      await writer.done;
      expect(seen).toBe(1);
      expect(await ds.getRepository(Sample).count()).toBe(0);
    });
  });

  it('keeps going after a task that failed', async () => {
    await withDatabase(async (ds) => {
      await expect(exclusive(ds, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await expect(exclusive(ds, () => ds.getRepository(Sample).count())).resolves.toBe(0);
    });
  });
});
