import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A diversion (导入相应程序, Art. 31) is a procedural closure: cases diverted before this version
 * get the closure instant and kind the projection now writes (the diversion's instant, from
 * their records). A row whose records do not parse is left as it was (it is shown as 数据异常).
 */
export class ReportingDiversionCloses1765300000000 implements MigrationInterface {
  name = 'ReportingDiversionCloses1765300000000';
  async up(qr: QueryRunner): Promise<void> {
    const rows = (await qr.query(`SELECT id, extra FROM rpt_case WHERE status = 'diverted' AND closedAt IS NULL`)) as { id: string; extra: string }[];
    for (const r of rows) {
      let at: Date;
      try {
        at = new Date((JSON.parse(r.extra) as { diversion?: { at?: string } }).diversion?.at ?? '');
      } catch {
        continue;
      }
      if (Number.isNaN(at.getTime())) continue;
      await qr.manager.createQueryBuilder().update('rpt_case').set({ closedAt: at, closureKind: 'procedural' }).where('id = :id', { id: r.id }).execute();
    }
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`UPDATE rpt_case SET closedAt = NULL, closureKind = NULL WHERE status = 'diverted'`);
  }
}
