import { Table, TableIndex, type QueryRunner, type TableColumnOptions } from 'typeorm';

/**
 * Migrations are written with TypeORM's driver-neutral Table API, so one migration serves
 * SQLite (embedded) and MySQL (distributed). Datetimes always carry millisecond precision.
 */
export const col = {
  id: (name: string, length = 36): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isPrimary: true }),
  str: (name: string, length = 100, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable }),
  text: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  int: (name: string, nullable = false, dflt?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, ...(dflt !== undefined ? { default: dflt } : {}) }),
  bool: (name: string, dflt = false): TableColumnOptions => ({ name, type: 'boolean', default: dflt ? 1 : 0 }),
  time: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: nullable }),
  date: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '10', isNullable: nullable }),
};

export async function createTable(qr: QueryRunner, name: string, columns: TableColumnOptions[], indices: { name: string; columns: string[]; unique?: boolean }[] = []): Promise<void> {
  await qr.createTable(new Table({ name, columns }), true);
  for (const i of indices) await qr.createIndex(name, new TableIndex({ name: i.name, columnNames: i.columns, isUnique: i.unique ?? false }));
}

/** The outbox and processed-event tables every service has. */
export async function createMessagingTables(qr: QueryRunner): Promise<void> {
  await createTable(
    qr,
    'outbox',
    [
      { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      col.str('eventId', 36),
      col.str('topic', 100),
      col.str('messageKey', 64),
      col.text('value'),
      col.time('createdAt'),
      col.time('publishedAt', true),
      col.int('attempts', false, 0),
    ],
    [
      { name: 'idx_outbox_unpublished', columns: ['publishedAt', 'seq'] },
      { name: 'uq_outbox_event', columns: ['eventId'], unique: true },
    ],
  );
  await createTable(qr, 'processed_event', [col.id('eventId'), col.str('type', 60), col.time('processedAt')]);
}

/** The dead-letter table every service has (libs/messaging DeadLetterRecord). */
export async function createDeadLetterTable(qr: QueryRunner): Promise<void> {
  await createTable(
    qr,
    'dead_letter',
    [
      col.id('id'),
      col.str('sourceKey', 200),
      col.str('eventId', 36, true),
      col.str('eventType', 60, true),
      col.str('caseId', 64, true),
      col.str('topic', 100),
      col.int('sourcePartition', true),
      col.str('sourceOffset', 30, true),
      col.text('value'),
      col.bool('valueMasked'),
      col.text('reason'),
      col.int('attempts', false, 0),
      col.time('firstFailedAt'),
      col.time('lastFailedAt'),
      col.str('status', 12),
      col.time('resolvedAt', true),
      col.str('resolvedBy', 60, true),
    ],
    [
      { name: 'uq_dead_letter_source', columns: ['sourceKey'], unique: true },
      { name: 'idx_dead_letter_status', columns: ['status', 'firstFailedAt'] },
    ],
  );
}
