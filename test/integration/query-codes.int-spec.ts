import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { PiiKeyring } from '#libs/common';
import { CASE_EVENTS_TOPIC } from '#libs/contracts';
import { InProcessBus, InProcessTransport } from '#libs/messaging';
import { dataSourceOptions, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { startService, type RunningService } from '#libs/runtime';
import { intakeService } from '../../apps/intake/src/intake.module.js';
import type { VerifyOutcome } from '../../apps/intake/src/query-codes.service.js';
import { ACTORS } from '../support/definitions.js';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';

const T = 120_000;
const petitioner = { username: '信访人本人', roles: ['petitioner' as const] };

/**
 * The public door's lock on MariaDB, with two intake replicas on one database: guesses at one
 * tracking number made at the same moment on both are all counted before any is checked (the
 * locked read of the attempts row), so no more than TRACK_MAX_FAILURES get past the lock — also
 * for the very first attempts, which race to insert the row.
 */
describe('the lock of a tracking number on MariaDB, two intake replicas', () => {
  const prefix = `pit_track_${Date.now().toString(36)}_`;
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const db: DatabaseConfig = mysqlConfigFromUrl(`${base}${prefix}`);
  const pii = PiiKeyring.ephemeral();
  const replicas: RunningService[] = [];

  beforeAll(async () => {
    await requireInfrastructure();
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startService(
          intakeService({ timeZone: 'Asia/Shanghai', groupVisitThreshold: 5, pii, tracking: { maxFailures: 5, failureWindowSeconds: 900, lockoutSeconds: 900 } }),
          {
            service: 'intake',
            db,
            transport: new InProcessTransport(new InProcessBus()),
            topic: CASE_EVENTS_TOPIC,
            timeZone: 'Asia/Shanghai',
            catchUpTimeoutMs: 1000,
            relayPollMs: 60_000,
            logLevels: ['error'],
          },
          { deferRelay: true },
        ),
      );
    }
  }, T);

  afterAll(async () => {
    for (const r of replicas) await r.close();
    const admin = new DataSource({ ...(dataSourceOptions('x', db, [], []) as object), database: undefined, migrationsRun: false } as never);
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS \`${prefix}intake\``);
    await admin.destroy();
  }, T);

  const verify = (i: number, trackingNo: string, queryCode: string) =>
    replicas[i % 2].api.commands['verify-query-code']!({ actor: petitioner, body: { trackingNo, queryCode } }).then((r) => r.data as VerifyOutcome);

  it(
    'counts 20 simultaneous wrong codes (the first ones racing to insert the row): 5 checked, 15 locked; then even the right code is locked',
    async () => {
      const r = await replicas[0].api.commands['register-petition']!({
        actor: ACTORS.reception,
        body: { channel: 'visit', petitioners: [{ name: '王五', idNumber: '45030219800101123X' }], purpose: 'appeal', category: 'other', summary: '摘要', content: '……' },
      });
      const { trackingNo, queryCode } = r.data as { trackingNo: string; queryCode: string };
      const wrong = queryCode === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
      const all = await Promise.all(Array.from({ length: 20 }, (_, i) => verify(i, trackingNo, wrong)));
      expect(all.filter((a) => a.outcome === 'wrong')).toHaveLength(5);
      expect(all.filter((a) => a.outcome === 'locked')).toHaveLength(15);
      expect(all.filter((a) => a.outcome === 'wrong' && a.lockedNow)).toHaveLength(1);
      expect((await verify(1, trackingNo, queryCode)).outcome).toBe('locked');
      // A number that does not exist, alike.
      const ghost = await Promise.all(Array.from({ length: 12 }, (_, i) => verify(i, 'XF20240101DEADBEEF', wrong)));
      expect(ghost.map((a) => a.outcome).sort()).toEqual([...Array(5).fill('wrong'), ...Array(7).fill('locked')].sort());
    },
    T,
  );

  it(
    'a new code issued on one replica works on the other, and the old one does not',
    async () => {
      const r = await replicas[1].api.commands['register-petition']!({
        actor: ACTORS.reception,
        body: { channel: 'letter', petitioners: [{ name: '李四', phone: '13907712345' }], purpose: 'suggestion', category: 'other', summary: '摘要', content: '……' },
      });
      const { trackingNo, queryCode } = r.data as { trackingNo: string; queryCode: string };
      expect(await verify(0, trackingNo, queryCode)).toEqual({ outcome: 'ok', caseId: r.caseId });
      const again = await replicas[0].api.commands['reissue-query-code']!({ caseId: r.caseId, actor: ACTORS.office, body: {} });
      expect((await verify(1, trackingNo, queryCode)).outcome).toBe('wrong');
      expect(await verify(1, trackingNo, (again.data as { queryCode: string }).queryCode)).toEqual({ outcome: 'ok', caseId: r.caseId });
    },
    T,
  );
});
