import { Logger } from '@nestjs/common';
import {
  maskIdNumber,
  maskPhone,
  passPetitioners,
  passRegistrationEnvelopes,
  PiiError,
  PETITIONER_PII_FIELDS,
  registrationEnvelopeValuesNotUnder,
  sealedKeyId,
  type PiiKeyring,
  type PiiKind,
  type PiiPass,
  type PiiPassOptions,
  type PiiSql,
  type RegistrationEnvelopes,
} from '#libs/common';
import type { PetitionerData } from '#libs/contracts';

/**
 * The read model keeps the petitioners as the event brought them: identity number, phone and
 * address sealed by intake. A value from an event published before encryption is sealed here on
 * arrival. They are opened only to be masked for display (in clear for the admin, as before).
 */
export function petitionersToStore(pii: PiiKeyring, petitioners: PetitionerData[]): string {
  return JSON.stringify(passPetitioners(pii, 'seal', petitioners as unknown as Record<string, unknown>[]) ?? petitioners);
}

const logger = new Logger('PersonalData');
/** Shown in place of a value no key of the ring opens (a key removed before the rotation finished). */
export const UNREADABLE = '[无法解密]';

function reveal(pii: PiiKeyring, kind: PiiKind, value: string | null | undefined): string | null {
  try {
    return pii.reveal(kind, value);
  } catch (e) {
    if (!(e instanceof PiiError)) throw e;
    // Never the value: the key id it names and why.
    logger.error(`a sealed ${kind} does not open: ${e.message}`);
    return UNREADABLE;
  }
}

/** The petitioners as the case view shows them: numbers masked unless the caller is admin, the address as it was registered. */
export function petitionersToShow(pii: PiiKeyring, stored: string, admin: boolean) {
  return (JSON.parse(stored) as PetitionerData[]).map((p) => {
    const idNumber = reveal(pii, 'id-number', p.idNumber);
    const phone = reveal(pii, 'phone', p.phone);
    return {
      name: p.name,
      idNumber: admin || idNumber === UNREADABLE ? idNumber : maskIdNumber(idNumber),
      phone: admin || phone === UNREADABLE ? phone : maskPhone(phone),
      address: reveal(pii, 'address', p.address),
    };
  });
}

/** Whether the event log (rpt_event, from migration 1765400000000) exists in this database yet. */
async function hasEventLog(sql: PiiSql): Promise<boolean> {
  try {
    await sql.query('SELECT seq FROM rpt_event WHERE seq < 0');
    return true;
  } catch {
    return false;
  }
}

export async function countReportingPii(sql: PiiSql): Promise<number> {
  const [r] = await sql.query('SELECT COUNT(*) AS n FROM rpt_case');
  const events = (await hasEventLog(sql)) ? Number((await sql.query("SELECT COUNT(*) AS n FROM rpt_event WHERE type = 'case.registered'"))[0].n) : 0;
  return Number(r.n) + events;
}

/** The registrations in the event log: their petitioners sealed as in the read model. */
const EVENT_LOG: RegistrationEnvelopes = { table: 'rpt_event', json: 'envelope', where: "type = 'case.registered'" };

/**
 * The read model's petitioners through a pass (seal / rotate / open), in batches by case id; a
 * case already as the pass wants it is not written. Then the event log's registrations, where
 * the database has one (`eventLog: false`: the migration of 1765000000000, before it existed).
 */
export async function passReportingPii(sql: PiiSql, pii: PiiKeyring, pass: PiiPass, opts: PiiPassOptions = {}, eventLog = true): Promise<{ scanned: number; rewritten: number }> {
  const cases = await passCasePii(sql, pii, pass, opts);
  if (!eventLog || !(await hasEventLog(sql))) return cases;
  const events = await passRegistrationEnvelopes(sql, pii, pass, EVENT_LOG, opts);
  return { scanned: cases.scanned + events.scanned, rewritten: cases.rewritten + events.rewritten };
}

async function passCasePii(sql: PiiSql, pii: PiiKeyring, pass: PiiPass, opts: PiiPassOptions): Promise<{ scanned: number; rewritten: number }> {
  const size = opts.batchSize ?? 500;
  const inBatch = opts.inBatch ?? ((work) => work(sql));
  let scanned = 0;
  let rewritten = 0;
  for (let after = ''; ;) {
    const n = await inBatch(async (q) => {
      const rows: { id: string; petitioners: string }[] = await q.query(`SELECT id, petitioners FROM rpt_case WHERE id > ? ORDER BY id LIMIT ${size}`, [after]);
      for (const row of rows) {
        const next = passPetitioners(pii, pass, JSON.parse(row.petitioners));
        if (!next) continue;
        // Only if still as read: the projections run beside a rotation.
        await q.query('UPDATE rpt_case SET petitioners = ? WHERE id = ? AND petitioners = ?', [JSON.stringify(next), row.id, row.petitioners]);
        rewritten++;
      }
      if (rows.length) after = rows[rows.length - 1].id;
      return rows.length;
    });
    scanned += n;
    opts.onBatch?.(n);
    if (n < size) break;
  }
  return { scanned, rewritten };
}

/** Values not sealed under `kid` (0 once a rotation is complete). */
export async function reportingValuesNotUnder(sql: PiiSql, kid: string): Promise<number> {
  let n = 0;
  for (let after = ''; ;) {
    const rows: { id: string; petitioners: string }[] = await sql.query('SELECT id, petitioners FROM rpt_case WHERE id > ? ORDER BY id LIMIT 1000', [after]);
    for (const r of rows) for (const p of JSON.parse(r.petitioners) as Record<string, unknown>[]) for (const [c] of PETITIONER_PII_FIELDS) if (p[c] && sealedKeyId(p[c]) !== kid) n++;
    if (rows.length < 1000) break;
    after = rows[rows.length - 1].id;
  }
  return (await hasEventLog(sql)) ? n + (await registrationEnvelopeValuesNotUnder(sql, kid, EVENT_LOG)) : n;
}
