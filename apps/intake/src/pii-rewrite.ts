import {
  passRegistrationEnvelopes,
  passValue,
  PETITIONER_PII_FIELDS,
  registrationEnvelopeValuesNotUnder,
  type PiiKeyring,
  type PiiPass,
  type PiiPassOptions,
  type PiiSql,
  type RegistrationEnvelopes,
} from '#libs/common';
import { personIndexes } from './petitioner-pii.js';

type Sql = PiiSql;

const FIELDS = PETITIONER_PII_FIELDS;

interface PetitionerRow {
  id: string;
  name: string;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  idNumberHmac?: string | null;
  namePhoneHmac?: string | null;
}

/** The row's new values, or null when it is as the pass wants it already (re-running a pass changes nothing). */
function passRow(pii: PiiKeyring, pass: PiiPass, row: PetitionerRow): Partial<PetitionerRow> | null {
  const next: Partial<PetitionerRow> = {};
  for (const [column, kind] of FIELDS) {
    const v = passValue(pii, pass, kind, row[column]);
    if (v !== row[column]) next[column] = v;
  }
  if (pass !== 'open') {
    // The indexes belong to the key that sealed the row: recomputed with the values, or filled when missing.
    const resealed = Object.keys(next).length > 0 && pass === 'rotate';
    const clear = { name: row.name, idNumber: pii.reveal('id-number', row.idNumber), phone: pii.reveal('phone', row.phone) };
    const idx = personIndexes(pii, clear);
    if ((resealed || !row.idNumberHmac) && idx.idNumberHmac !== (row.idNumberHmac ?? null)) next.idNumberHmac = idx.idNumberHmac;
    if ((resealed || !row.namePhoneHmac) && idx.namePhoneHmac !== (row.namePhoneHmac ?? null)) next.namePhoneHmac = idx.namePhoneHmac;
  }
  return Object.keys(next).length ? next : null;
}

/** Rows the intake pass goes through (petitioners, and case.registered events in the outbox). */
export async function countIntakePii(sql: Sql): Promise<number> {
  const [p] = await sql.query('SELECT COUNT(*) AS n FROM intake_petitioner');
  const [o] = await sql.query(`SELECT COUNT(*) AS n FROM outbox WHERE value LIKE ?`, ['%"case.registered"%']);
  return Number(p.n) + Number(o.n);
}

/** The case.registered events waiting in the outbox (their petitioners sealed as in the table). */
const OUTBOX: RegistrationEnvelopes = { table: 'outbox', json: 'value', where: 'value LIKE ?', params: ['%"case.registered"%'] };

/**
 * Intake's personal data through a pass, in batches by primary key: the petitioner rows (with
 * their blind indexes) and the case.registered events kept in the outbox. Resumable: a row
 * already as the pass wants it is not written again.
 */
export async function passIntakePii(sql: Sql, pii: PiiKeyring, pass: PiiPass, opts: PiiPassOptions = {}): Promise<{ scanned: number; rewritten: number }> {
  const size = opts.batchSize ?? 500;
  const inBatch = opts.inBatch ?? ((work) => work(sql));
  const withIndexes = pass !== 'open' || (await hasIndexColumns(sql));
  let scanned = 0;
  let rewritten = 0;
  for (let after = ''; ;) {
    const n = await inBatch(async (q) => {
      const rows: PetitionerRow[] = await q.query(
        `SELECT id, name, idNumber, phone, address${withIndexes ? ', idNumberHmac, namePhoneHmac' : ''} FROM intake_petitioner WHERE id > ? ORDER BY id LIMIT ${size}`,
        [after],
      );
      for (const row of rows) {
        const next = passRow(pii, pass, row);
        if (!next) continue;
        const cols = Object.keys(next) as (keyof PetitionerRow)[];
        // Only if the row is still as read (a rotation runs beside the services).
        await q.query(`UPDATE intake_petitioner SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND ${FIELDS.map(([c]) => `(${c} = ? OR (${c} IS NULL AND ? IS NULL))`).join(' AND ')}`, [
          ...cols.map((c) => next[c] ?? null),
          row.id,
          ...FIELDS.flatMap(([c]) => [row[c], row[c]]),
        ]);
        rewritten++;
      }
      if (rows.length) after = rows[rows.length - 1].id;
      return rows.length;
    });
    scanned += n;
    opts.onBatch?.(n);
    if (n < size) break;
  }
  const events = await passRegistrationEnvelopes(sql, pii, pass, OUTBOX, opts);
  return { scanned: scanned + events.scanned, rewritten: rewritten + events.rewritten };
}

async function hasIndexColumns(sql: Sql): Promise<boolean> {
  try {
    await sql.query('SELECT idNumberHmac FROM intake_petitioner WHERE 1 = 0');
    return true;
  } catch {
    return false;
  }
}

/** Values some key other than the current one sealed, or not sealed at all (0 once a rotation is complete). */
export async function intakeValuesNotUnder(sql: Sql, kid: string): Promise<number> {
  const prefix = `pii:v1:${kid}:`;
  const rows: PetitionerRow[] = await sql.query('SELECT id, idNumber, phone, address FROM intake_petitioner');
  let n = 0;
  for (const r of rows) for (const [c] of FIELDS) if (r[c] && !String(r[c]).startsWith(prefix)) n++;
  return n + (await registrationEnvelopeValuesNotUnder(sql, kid, OUTBOX));
}
