import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { PiiKeyring } from '#libs/common';
import { MESSAGING_ENTITIES } from '#libs/messaging';
import { passReportingPii, petitionersToShow } from '../petitioner-pii.js';
import { REPORTING_ENTITIES } from '../reporting.entities.js';
import { ReportingInitial1700000000000 } from './1700000000000-reporting-initial.js';
import { reportingPiiAtRest } from './1765000000000-reporting-pii-at-rest.js';

const CLEAR = { name: '王五', idNumber: '45030219800101123X', phone: '13812345678', address: '阳和街道迎宾路 66 号' };

/** The read model's petitioners in clear (before encryption) sealed by the migration; display unchanged. */
describe('reporting migration: personal data at rest', () => {
  const pii = new PiiKeyring({ id: 'k1', key: Buffer.alloc(32, 6) });
  let ds: DataSource;
  beforeEach(async () => {
    ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [...MESSAGING_ENTITIES, ...REPORTING_ENTITIES], migrations: [ReportingInitial1700000000000] }).initialize();
    await ds.runMigrations();
  });
  afterEach(() => ds.destroy());

  it('seals the petitioners of every case, leaves sealed ones, shows them masked as before, and opens them on down', async () => {
    const insert = (id: string, petitioners: unknown[]) =>
      ds.query(
        `INSERT INTO rpt_case (id, trackingNo, status, channel, purpose, category, summary, content, headcount, receivedAt, petitioners, facts, timeline, extra, lastEventId, updatedAt)
         VALUES (?, 'XF1', 'registered', 'visit', 'appeal', 'x', 's', 'c', 1, '2024-01-01', ?, '[]', '[]', '{}', 'e', '2024-01-01')`,
        [id, JSON.stringify(petitioners)],
      );
    for (let i = 0; i < 7; i++) await insert(`c${i}`, [CLEAR, { name: '赵六', idNumber: null, phone: null, address: null }]);
    const sealed = JSON.stringify([{ ...CLEAR, idNumber: pii.seal('id-number', CLEAR.idNumber), phone: pii.seal('phone', CLEAR.phone), address: pii.seal('address', CLEAR.address) }]);
    await insert('z', JSON.parse(sealed));
    const Migration = reportingPiiAtRest(pii);
    const qr = ds.createQueryRunner();
    await new Migration().up(qr);
    const rows: { id: string; petitioners: string }[] = await ds.query('SELECT id, petitioners FROM rpt_case ORDER BY id');
    for (const r of rows) {
      expect(r.petitioners).not.toContain(CLEAR.idNumber);
      expect(r.petitioners).not.toContain(CLEAR.phone);
      expect(r.petitioners).not.toContain(CLEAR.address);
      expect(petitionersToShow(pii, r.petitioners, false)[0]).toEqual({ name: '王五', idNumber: '450302********123X', phone: '138****5678', address: CLEAR.address });
    }
    expect(rows.find((r) => r.id === 'z')!.petitioners).toBe(sealed);
    expect(await passReportingPii(ds, pii, 'seal', { batchSize: 3 })).toEqual({ scanned: 8, rewritten: 0 });
    await new Migration().down(qr);
    expect(JSON.parse((await ds.query("SELECT petitioners FROM rpt_case WHERE id = 'c0'"))[0].petitioners)[0]).toEqual(CLEAR);
    await qr.release();
  });
});
