import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MESSAGING_ENTITIES } from '#libs/messaging';
import { RptCase, REPORTING_ENTITIES } from '../reporting.entities.js';
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
    const repo = ds.getRepository(RptCase);
    const d = await repo.findOneByOrFail({ id: 'd' });
    expect([d.closedAt?.toISOString(), d.closureKind]).toEqual(['2024-03-05T02:30:00.000Z', 'procedural']);
    for (const id of ['broken', 'open']) expect((await repo.findOneByOrFail({ id })).closedAt).toBeNull();
    await new ReportingDiversionCloses1765300000000().down(qr);
    expect((await repo.findOneByOrFail({ id: 'd' })).closedAt).toBeNull();
    await qr.release();
  });
});
