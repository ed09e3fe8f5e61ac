import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { PiiKeyring } from '#libs/common';
import { passIntakePii } from '../pii-rewrite.js';

const T = 'intake_petitioner';

/**
 * Personal data at rest: the identity number, phone and address columns widen to hold sealed
 * values, the blind-index columns replace the indexes on clear values, and every clear value
 * (petitioner rows, case.registered events in the outbox) is sealed under the current key.
 * Idempotent: each step checks what is there, sealed values are left as they are. SQLite and
 * MariaDB/MySQL alike (TypeORM's MySQL changeColumn would drop the column to change its type:
 * MODIFY keeps the data).
 */
export function intakePiiAtRest(pii: PiiKeyring): new () => MigrationInterface {
  return class IntakePiiAtRest1765000000000 implements MigrationInterface {
    name = 'IntakePiiAtRest1765000000000';

    async up(qr: QueryRunner): Promise<void> {
      const sqlite = qr.connection.options.type === 'better-sqlite3';
      // Pages the clear rows leave (the table rebuilt, values overwritten) are zeroed, not left in the file.
      if (sqlite) await qr.query('PRAGMA secure_delete = ON');
      let table = (await qr.getTable(T))!;
      for (const name of ['idx_petitioner_id_number', 'idx_petitioner_name_phone']) if (table.indices.some((i) => i.name === name)) await qr.dropIndex(T, name);
      table = (await qr.getTable(T))!;
      const width = { idNumber: { type: 'varchar', length: '255' }, phone: { type: 'varchar', length: '255' }, address: { type: 'text', length: '' } } as const;
      const narrow = (Object.keys(width) as (keyof typeof width)[]).filter((c) => {
        const col = table.findColumnByName(c)!;
        return col.type !== width[c].type || (width[c].length && col.length !== width[c].length);
      });
      if (narrow.length) {
        if (sqlite) {
          await qr.changeColumns(
            T,
            narrow.map((c) => ({
              oldColumn: table.findColumnByName(c)!,
              newColumn: new TableColumn({ name: c, type: width[c].type, ...(width[c].length ? { length: width[c].length } : {}), isNullable: true }),
            })),
          );
        } else {
          await qr.query(`ALTER TABLE \`${T}\` ${narrow.map((c) => `MODIFY \`${c}\` ${width[c].type === 'text' ? 'text' : `varchar(${width[c].length})`} NULL`).join(', ')}`);
        }
      }
      table = (await qr.getTable(T))!;
      const add = ['idNumberHmac', 'namePhoneHmac'].filter((c) => !table.findColumnByName(c));
      if (add.length)
        await qr.addColumns(
          T,
          add.map((name) => new TableColumn({ name, type: 'varchar', length: '64', isNullable: true })),
        );
      table = (await qr.getTable(T))!;
      for (const [name, column] of [
        ['idx_petitioner_id_number_hmac', 'idNumberHmac'],
        ['idx_petitioner_name_phone_hmac', 'namePhoneHmac'],
      ]) {
        if (!table.indices.some((i) => i.name === name)) await qr.createIndex(T, new TableIndex({ name, columnNames: [column] }));
      }
      await passIntakePii(qr, pii, 'seal');
    }

    async down(qr: QueryRunner): Promise<void> {
      await passIntakePii(qr, pii, 'open');
      for (const name of ['idx_petitioner_id_number_hmac', 'idx_petitioner_name_phone_hmac']) await qr.dropIndex(T, name);
      await qr.dropColumns(T, ['idNumberHmac', 'namePhoneHmac']);
      if (qr.connection.options.type === 'better-sqlite3') {
        const table = (await qr.getTable(T))!;
        await qr.changeColumns(T, [
          { oldColumn: table.findColumnByName('idNumber')!, newColumn: new TableColumn({ name: 'idNumber', type: 'varchar', length: '30', isNullable: true }) },
          { oldColumn: table.findColumnByName('phone')!, newColumn: new TableColumn({ name: 'phone', type: 'varchar', length: '30', isNullable: true }) },
          { oldColumn: table.findColumnByName('address')!, newColumn: new TableColumn({ name: 'address', type: 'varchar', length: '200', isNullable: true }) },
        ]);
      } else {
        await qr.query(`ALTER TABLE \`${T}\` MODIFY \`idNumber\` varchar(30) NULL, MODIFY \`phone\` varchar(30) NULL, MODIFY \`address\` varchar(200) NULL`);
      }
      await qr.createIndex(T, new TableIndex({ name: 'idx_petitioner_id_number', columnNames: ['idNumber'] }));
      await qr.createIndex(T, new TableIndex({ name: 'idx_petitioner_name_phone', columnNames: ['name', 'phone'] }));
    }
  };
}
