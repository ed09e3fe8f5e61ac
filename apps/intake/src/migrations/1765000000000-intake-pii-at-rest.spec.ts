import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { isSealed, PiiKeyring } from '#libs/common';
import { createEvent, encodeEvent } from '#libs/contracts';
import { MESSAGING_ENTITIES } from '#libs/messaging';
import { INTAKE_ENTITIES } from '../intake.entities.js';
import { personMatch } from '../petitioner-pii.js';
import { passIntakePii } from '../pii-rewrite.js';
import { IntakeInitial1700000000000 } from './1700000000000-intake-initial.js';
import { IntakePersonLookups1764400000000 } from './1764400000000-intake-person-lookups.js';
import { intakePiiAtRest } from './1765000000000-intake-pii-at-rest.js';

const CLEAR = { idNumber: '45030219800101123X', phone: '13812345678', address: '阳和街道迎宾路 66 号' };

/** The migration on a SQLite file that holds petitioners in clear, as a platform before it had them. */
describe('intake migration: personal data at rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pii-migration-'));
  const pii = new PiiKeyring({ id: 'k1', key: Buffer.alloc(32, 5) });
  const ds = (migrations: Function[]) =>
    new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'intake.sqlite'),
      entities: [...MESSAGING_ENTITIES, ...INTAKE_ENTITIES],
      migrations,
      prepareDatabase: (c: { pragma(s: string): unknown }) => c.pragma('journal_mode = WAL'),
    } as never);
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('seals every clear value (rows and outbox), fills the blind index, zeroes what it leaves, and is idempotent; down opens them again', async () => {
    const before = await ds([IntakeInitial1700000000000, IntakePersonLookups1764400000000]).initialize();
    await before.runMigrations();
    for (let i = 0; i < 40; i++) {
      await before.query('INSERT INTO intake_petitioner (id, caseId, name, idNumber, phone, address) VALUES (?, ?, ?, ?, ?, ?)', [
        `p${i}`,
        `c${i}`,
        '王五',
        CLEAR.idNumber,
        CLEAR.phone,
        CLEAR.address,
      ]);
    }
    await before.query('INSERT INTO intake_petitioner (id, caseId, name, idNumber, phone, address) VALUES (?, ?, ?, ?, ?, ?)', ['q', 'c-q', '赵六', null, null, null]);
    const event = createEvent('case.registered', 'c0', { petitioners: [{ name: '王五', ...CLEAR }] } as never, null, new Date());
    await before.query('INSERT INTO outbox (eventId, topic, messageKey, value, createdAt) VALUES (?, ?, ?, ?, ?)', [event.eventId, 't', 'c0', encodeEvent(event), new Date().toISOString()]);
    await before.destroy();

    const after = await ds([IntakeInitial1700000000000, IntakePersonLookups1764400000000, intakePiiAtRest(pii)]).initialize();
    try {
      await after.runMigrations({ transaction: 'each' });
      const rows = await after.query('SELECT * FROM intake_petitioner ORDER BY id');
      expect(rows).toHaveLength(41);
      for (const r of rows.filter((r: { id: string }) => r.id !== 'q')) {
        for (const [c, kind] of [
          ['idNumber', 'id-number'],
          ['phone', 'phone'],
          ['address', 'address'],
        ] as const) {
          expect(isSealed(r[c])).toBe(true);
          expect(pii.open(kind, r[c])).toBe(CLEAR[c]);
        }
        expect(r.idNumberHmac).toBe(pii.index('id-number', CLEAR.idNumber));
        expect(r.namePhoneHmac).toBe(pii.index('name-phone', '王五', CLEAR.phone));
      }
      expect(rows.find((r: { id: string }) => r.id === 'q')).toMatchObject({ idNumber: null, phone: null, address: null, idNumberHmac: null, namePhoneHmac: null });
      const [outbox] = await after.query('SELECT value FROM outbox');
      expect(JSON.parse(outbox.value).payload.petitioners[0]).toMatchObject({ name: '王五', idNumber: expect.stringMatching(/^pii:v1:k1:/) });
      // The person search's index finds the migrated rows.
      const m = personMatch(pii, { idNumber: CLEAR.idNumber.toLowerCase() })!;
      expect((await after.query(`SELECT COUNT(*) AS n FROM intake_petitioner WHERE ${m.column} IN (?)`, [m.values[0]]))[0].n).toBe(40);
      // Idempotent: a second pass finds everything sealed and writes nothing.
      expect(await passIntakePii(after, pii, 'seal')).toEqual({ scanned: 42, rewritten: 0 });
      await after.query('PRAGMA wal_checkpoint(TRUNCATE)');
      // No clear value left in the file or its WAL (the rebuilt table's old pages were zeroed).
      for (const f of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, f));
        for (const v of Object.values(CLEAR)) expect({ file: f, found: bytes.includes(Buffer.from(v)) }).toEqual({ file: f, found: false });
      }
      await after.undoLastMigration({ transaction: 'each' });
      expect((await after.query("SELECT idNumber, phone, address FROM intake_petitioner WHERE id = 'p0'"))[0]).toEqual(CLEAR);
    } finally {
      await after.destroy();
    }
  });
});
