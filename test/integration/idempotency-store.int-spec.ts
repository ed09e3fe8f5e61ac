import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase, migrate, mysqlConfigFromUrl } from '#libs/persistence';
import { GATEWAY_ENTITIES } from '../../apps/gateway/src/gateway.entities.js';
import { GATEWAY_MIGRATIONS } from '../../apps/gateway/src/migrations/index.js';
import { IdempotencyKeyRecord } from '../../apps/gateway/src/idempotency.entity.js';
import { IdempotencyStore } from '../../apps/gateway/src/idempotency.js';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { statementLogger } from '../support/statements.js';

/**
 * Issue 11: the Idempotency-Key's row on MariaDB, where its SQL differs from SQLite's (INSERT
 * IGNORE for the claim, DELETE … ORDER BY … LIMIT for the purge): one INSERT and one UPDATE for a
 * new key, one SELECT more for a retry, one winner of two racing requests (a new key, an expired
 * one), and the expired rows deleted in batches. No statement fails on the way (a failed duplicate
 * INSERT would be logged as an error at every retry).
 */
describe('the idempotency store on MariaDB', () => {
  const prefix = `pit_idem_${Date.now().toString(36)}_`;
  const db = mysqlConfigFromUrl(`${MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/'}${prefix}`);
  let ds: DataSource;
  let store: IdempotencyStore;
  const seen: string[] = [];
  beforeAll(async () => {
    await requireInfrastructure();
    await ensureDatabase('gateway', db);
    ds = await new DataSource({
      ...dataSourceOptions('gateway', db, GATEWAY_ENTITIES, GATEWAY_MIGRATIONS),
      logger: statementLogger(
        (q) => void seen.push(q),
        (q) => void seen.push(`ERROR ${q}`),
      ),
    }).initialize();
    await migrate(ds);
    store = new IdempotencyStore(ds.getRepository(IdempotencyKeyRecord));
  });
  afterAll(async () => {
    if (!ds) return;
    await ds.query(`DROP DATABASE IF EXISTS \`${prefix}gateway\``);
    await ds.destroy();
  });
  it('claims with one INSERT, answers with one UPDATE, replays with one SELECT more; takes over an expired key once; purges in batches', async () => {
    const rows = ds.getRepository(IdempotencyKeyRecord);
    const scope = { username: 'u', keyHash: 'h' };
    seen.length = 0;
    expect(await store.reserve(scope, 'f')).toEqual({ run: true });
    await store.complete(scope, 201, 'sealed');
    expect(seen.map((q) => q.split(' ')[0])).toEqual(['INSERT', 'UPDATE']);
    seen.length = 0;
    expect(await store.reserve(scope, 'f')).toMatchObject({ run: false, row: { state: 'done', status: 201, response: 'sealed' } });
    expect(seen.map((q) => q.split(' ')[0])).toEqual(['INSERT', 'SELECT']);
    const [a, b] = await Promise.all([store.reserve({ username: 'u', keyHash: 'r' }, 'f'), store.reserve({ username: 'u', keyHash: 'r' }, 'f')]);
    expect([a.run, b.run].sort()).toEqual([false, true]);
    await rows.update(scope, { expiresAt: new Date(Date.now() - 1000) });
    const [c, d] = await Promise.all([store.reserve(scope, 'g'), store.reserve(scope, 'g')]);
    expect([c.run, d.run].sort()).toEqual([false, true]);
    expect((await rows.findOneByOrFail(scope)).expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const now = Date.now();
    await rows.insert(
      Array.from({ length: 30 }, (_, i) => ({
        username: 'p',
        keyHash: `x${i}`,
        fingerprint: 'f',
        state: 'done',
        status: 201,
        response: 'x',
        createdAt: new Date(now - 86400_000 * 2),
        expiresAt: new Date(now - 86400_000 - i),
      })),
    );
    expect(await store.purgeExpired(new Date(), 7)).toBe(30);
    expect(await rows.countBy({ username: 'p' })).toBe(0);
    expect(await rows.count()).toBe(2);
    expect(seen.filter((q) => q.startsWith('ERROR'))).toEqual([]);
  });
});
