import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase, migrate, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { allSchemas } from '../support/definitions.js';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';

/** On MariaDB/MySQL too, the migrations must produce exactly what the entities describe. */
describe('migrations on MariaDB (distributed mode)', () => {
  const prefix = `pit_schema_${Date.now().toString(36)}_`;
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const db: DatabaseConfig = mysqlConfigFromUrl(`${base}${prefix}`);
  const created: string[] = [];

  beforeAll(() => requireInfrastructure());
  afterAll(async () => {
    const admin = new DataSource({ ...(dataSourceOptions('x', db, [], []) as object), database: undefined, migrationsRun: false } as never);
    await admin.initialize();
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS \`${prefix}${name}\``);
    await admin.destroy();
  });

  for (const schema of allSchemas()) {
    it(`${schema.name}: migrations run on an empty schema, leave nothing for synchronize to do, and revert`, async () => {
      await ensureDatabase(schema.name, db);
      created.push(schema.name);
      // Two replicas starting together: the migration lock lets one run them, the other wait.
      const ds = new DataSource(dataSourceOptions(schema.name, db, schema.entities, schema.migrations));
      const twin = new DataSource(dataSourceOptions(schema.name, db, schema.entities, schema.migrations));
      await Promise.all([ds.initialize(), twin.initialize()]);
      try {
        await Promise.all([migrate(ds), migrate(twin)]);
        await twin.destroy();
        const pending = await ds.driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((q) => q.query)).toEqual([]);
        const precision = await ds.query(`SELECT COLUMN_NAME, DATETIME_PRECISION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE = 'datetime'`);
        expect(precision.every((c: { DATETIME_PRECISION: number }) => Number(c.DATETIME_PRECISION) === 3)).toBe(true);
        for (const _ of schema.migrations) await ds.undoLastMigration();
        const tables = await ds.query(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'`);
        expect(tables).toEqual([]);
      } finally {
        await ds.destroy();
      }
    });
  }
});
