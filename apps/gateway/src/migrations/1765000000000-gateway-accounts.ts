import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, createTable } from '#libs/persistence';

/**
 * Accounts that resist attack: usernames unique regardless of case (a lower-cased key with a
 * unique index; the username itself keeps its spelling, which every case's history refers to),
 * disabled users, forced password changes, a token version, room for argon2id hashes; failed
 * logins and lockouts; sessions with their refresh tokens; the security log. Works on SQLite
 * and MariaDB/MySQL alike (TypeORM's Table API).
 */
export class GatewayAccounts1765000000000 implements MigrationInterface {
  name = 'GatewayAccounts1765000000000';

  async up(qr: QueryRunner): Promise<void> {
    const clashes: { k: string }[] = await qr.query('SELECT LOWER(username) AS k FROM gw_user GROUP BY LOWER(username) HAVING COUNT(*) > 1');
    if (clashes.length) {
      throw new Error(`gateway migration: usernames differing only in case must be merged or renamed first (usernames are now case-insensitive): ${clashes.map((c) => c.k).join(', ')}`);
    }
    await qr.addColumns('gw_user', [
      new TableColumn(col.str('usernameKey', 60, true)),
      new TableColumn(col.bool('disabled')),
      new TableColumn(col.bool('mustChangePassword')),
      new TableColumn(col.int('tokenVersion', false, 0)),
      new TableColumn(col.time('passwordChangedAt', true)),
    ]);
    await qr.query('UPDATE gw_user SET usernameKey = LOWER(username)');
    await qr.changeColumn('gw_user', 'usernameKey', new TableColumn(col.str('usernameKey', 60)));
    await qr.changeColumn('gw_user', 'passwordHash', new TableColumn(col.str('passwordHash', 255)));
    await qr.createIndex('gw_user', new TableIndex({ name: 'uq_gw_user_key', columnNames: ['usernameKey'], isUnique: true }));

    await createTable(qr, 'gw_login_failure', [col.id('usernameKey', 60), col.int('failures', false, 0), col.time('windowStartedAt'), col.time('lockedUntil', true)]);
    await createTable(
      qr,
      'gw_session',
      [col.id('id'), col.str('username', 60), col.int('tokenVersion'), col.time('createdAt'), col.time('endedAt', true), col.str('endReason', 20, true)],
      [{ name: 'idx_gw_session_user', columns: ['username'] }],
    );
    await createTable(
      qr,
      'gw_refresh_token',
      [col.id('tokenHash', 64), col.str('sessionId', 36), col.time('createdAt'), col.time('expiresAt'), col.time('usedAt', true)],
      [{ name: 'idx_gw_refresh_session', columns: ['sessionId'] }],
    );
    await createTable(
      qr,
      'gw_security_event',
      [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        col.str('event', 40),
        col.str('actor', 60, true),
        col.str('target', 200, true),
        col.str('ip', 45, true),
        col.time('at'),
        col.str('detail', 500, true),
      ],
      [{ name: 'idx_gw_security_event_at', columns: ['at'] }],
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('gw_security_event', true);
    await qr.dropTable('gw_refresh_token', true);
    await qr.dropTable('gw_session', true);
    await qr.dropTable('gw_login_failure', true);
    await qr.dropIndex('gw_user', 'uq_gw_user_key');
    await qr.changeColumn('gw_user', 'passwordHash', new TableColumn(col.str('passwordHash', 100)));
    for (const c of ['passwordChangedAt', 'tokenVersion', 'mustChangePassword', 'disabled', 'usernameKey']) await qr.dropColumn('gw_user', c);
  }
}
