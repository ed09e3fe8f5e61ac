import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MESSAGING_ENTITIES } from '#libs/messaging';
import { REPORTING_ENTITIES } from '../reporting.entities.js';
import { ReportingInitial1700000000000 } from './1700000000000-reporting-initial.js';
import { ReportingDiversionCloses1765300000000 } from './1765300000000-reporting-diversion-closes.js';

/** Cases diverted before a diversion counted as a procedural closure get its instant and kind. */
describe('reporting migration: a diversion closes the case procedurally', () => {
  let ds: DataSource;
  beforeEach(async () => {
    ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [...MESSAGING_ENTITIES, ...REPORTING_ENTITIES], migrations: [ReportingInitial1700000000000] }).initialize();
    await ds.runMigrations();
  });
  afterEach(() => ds.destroy());

  it('sets closedAt to the diversion instant and the kind to procedural; leaves other cases and unreadable records alone', async () => {
    const insert = (id: string, status: string, extra: string) =>
      ds.query(
        `INSERT INTO rpt_case (id, trackingNo, status, channel, purpose, category, summary, content, headcount, receivedAt, petitioners, facts, timeline, extra, lastEventId, updatedAt)
         VALUES (?, 'XF1', ?, 'visit', 'appeal', 'x', 's', 'c', 1, '2024-01-01 00:00:00.000', '[]', '[]', '[]', ?, 'e', '2024-01-01 00:00:00.000')`,
        [id, status, extra],
      );
    await insert('d', 'diverted', JSON.stringify({ diversion: { procedure: 'litigation', note: null, at: '2024-03-05T02:30:00.000Z' } }));
    await insert('broken', 'diverted', '{not json');
    await insert('open', 'accepted', '{}');
    const qr = ds.createQueryRunner();
    await new ReportingDiversionCloses1765300000000().up(qr);
    // Raw reads: the entity has the columns of later migrations.
    const row = async (id: string) => ((await ds.query('SELECT closedAt, closureKind FROM rpt_case WHERE id = ?', [id])) as { closedAt: string | null; closureKind: string | null }[])[0];
    expect(await row('d')).toEqual({ closedAt: '2024-03-05 02:30:00.000', closureKind: 'procedural' });
    for (const id of ['broken', 'open']) expect((await row(id)).closedAt).toBeNull();
    await new ReportingDiversionCloses1765300000000().down(qr);
    expect((await row('d')).closedAt).toBeNull();
    await qr.release();
  });
});
