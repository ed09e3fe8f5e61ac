import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { allSchemas } from '../support/definitions.js';

/** Migrations, not `synchronize`, build the databases: they must match the entities exactly. */
describe('migrations on SQLite (embedded mode)', () => {
  for (const schema of allSchemas()) {
    it(`${schema.name}: the migrations create exactly the tables the entities describe`, async () => {
      const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: schema.entities, migrations: schema.migrations, migrationsRun: true });
      await ds.initialize();
      try {
        const pending = await ds.driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      } finally {
        await ds.destroy();
      }
    });
  }
});
