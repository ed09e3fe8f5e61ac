import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Personal data at rest: identity numbers, phones and addresses are sealed with AES-256-GCM
 * wherever they are stored (every service's tables, the outbox, the events on Kafka), and
 * looked up through a keyed HMAC-SHA256 blind index, never through the clear value.
 *
 * A sealed value describes itself: `pii:v1:<kid>:<iv>:<ciphertext>:<tag>` (base64url parts, a
 * random 96-bit IV per value). The field kind is bound as additional authenticated data, so an
 * identity number cannot be passed off as a phone. `open` picks the key by its id: keys rotate
 * (the current key seals, old keys still open, `npm run pii:rotate` re-seals under the current).
 */
export type PiiKind = 'id-number' | 'phone' | 'address';
/** What a blind index is computed over: an identity number, or a name with a phone. */
export type PiiIndexKind = 'id-number' | 'name-phone';

export const PII_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
export const SEALED_PREFIX = `pii:${VERSION}:`;
/** Key ids: lower-case letters, digits, `.`, `_`, `-` (they are compared inside SQL, where collations may ignore case). */
export const KEY_ID_RE = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const B64URL = '[A-Za-z0-9_-]';
export const SEALED_RE = new RegExp(`^pii:${VERSION}:([a-z0-9][a-z0-9._-]{0,31}):(${B64URL}{16}):(${B64URL}*):(${B64URL}{22})$`);

export class PiiError extends Error {}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED_RE.test(value);
}

/** The key id a sealed value was sealed under (null for anything else). */
export function sealedKeyId(value: unknown): string | null {
  return typeof value === 'string' ? (SEALED_RE.exec(value)?.[1] ?? null) : null;
}

/** A key from its base64 (standard or url-safe) text: exactly 32 bytes, or PiiError. */
export function parsePiiKey(text: string): Buffer {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) throw new PiiError('not base64');
  const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== PII_KEY_BYTES) throw new PiiError(`${key.length} bytes, not ${PII_KEY_BYTES}`);
  return key;
}

export interface PiiKey {
  id: string;
  key: Buffer;
}

/** `kid:base64,kid:base64,…` (PII_OLD_KEYS, or the lines of the embedded key file). */
export function parsePiiKeyList(text: string): PiiKey[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const at = entry.indexOf(':');
      if (at < 1) throw new PiiError(`entry ${i + 1} is not kid:base64`);
      const id = entry.slice(0, at);
      if (!KEY_ID_RE.test(id)) throw new PiiError(`key id "${id}" must be lower-case letters, digits, . _ - (at most 32)`);
      let key: Buffer;
      try {
        key = parsePiiKey(entry.slice(at + 1));
      } catch (e) {
        throw new PiiError(`key ${id}: ${(e as Error).message}`);
      }
      return { id, key };
    });
}

export const formatPiiKeyList = (keys: PiiKey[]): string => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join('\n') + '\n';

/** Normalised before indexing, so the lookups find what the reception desk types in another way. */
export const normalisePii = {
  /** Trimmed, no inner spaces, the check character X upper-case. */
  idNumber: (id: string): string => id.replace(/\s+/g, '').toUpperCase(),
  /** Digits only; a +86 / 0086 / 86 country code before a mainland mobile dropped. */
  phone: (phone: string): string => {
    const digits = phone.replace(/\D/g, '');
    const mobile = /^(?:0086|86)(1[3-9]\d{9})$/.exec(digits);
    return mobile ? mobile[1] : digits;
  },
  /** Trimmed, Unicode NFC, inner runs of white space as one space. */
  name: (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' '),
};

const b64u = (b: Buffer) => b.toString('base64url');
const aad = (kid: string, kind: PiiKind) => Buffer.from(`${SEALED_PREFIX}${kid}:${kind}`, 'utf8');

/** The current key seals and indexes; every key (current and old) opens and is tried in lookups. */
export class PiiKeyring {
  private readonly keys = new Map<string, { enc: Buffer; index: Buffer }>();
  readonly currentKeyId: string;

  constructor(current: PiiKey, old: PiiKey[] = []) {
    for (const k of [current, ...old]) {
      if (!KEY_ID_RE.test(k.id)) throw new PiiError(`key id "${k.id}" must be lower-case letters, digits, . _ - (at most 32)`);
      if (k.key.length !== PII_KEY_BYTES) throw new PiiError(`key ${k.id}: ${k.key.length} bytes, not ${PII_KEY_BYTES}`);
      const known = this.keys.get(k.id);
      if (known && !timingSafeEqual(known.enc, k.key)) throw new PiiError(`key id ${k.id} is given twice with different keys`);
      // The blind index has a key of its own, derived from the PII key (HKDF-SHA256): the two uses never share one.
      if (!known) this.keys.set(k.id, { enc: Buffer.from(k.key), index: Buffer.from(hkdfSync('sha256', k.key, 'petition-pii', 'blind-index:v1', 32)) });
    }
    this.currentKeyId = current.id;
  }

  /** A fresh random key (tests, and the first start of embedded mode). */
  static generateKey(): Buffer {
    return randomBytes(PII_KEY_BYTES);
  }

  /** PII_KEY (base64 of 32 bytes), PII_KEY_ID (default k1), PII_OLD_KEYS (kid:base64,…). */
  static fromSettings(s: { key: string; keyId?: string; oldKeys?: string }): PiiKeyring {
    return new PiiKeyring({ id: s.keyId || 'k1', key: parsePiiKey(s.key) }, s.oldKeys ? parsePiiKeyList(s.oldKeys) : []);
  }

  /** A throw-away keyring: only for a schema check or a unit spec that never keeps data. */
  static ephemeral(id = 'ephemeral'): PiiKeyring {
    return new PiiKeyring({ id, key: PiiKeyring.generateKey() });
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  seal(kind: PiiKind, clear: string): string {
    const kid = this.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(kid)!.enc, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(kid, kind));
    const ct = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${kid}:${b64u(iv)}:${b64u(ct)}:${b64u(cipher.getAuthTag())}`;
  }

  /** Opens a sealed value with the key its id names; PiiError for an unknown key, a wrong kind or any tampering. */
  open(kind: PiiKind, sealed: string): string {
    const m = SEALED_RE.exec(sealed);
    if (!m) throw new PiiError('not a sealed value');
    const [, kid, iv, ct, tag] = m;
    const key = this.keys.get(kid);
    if (!key) throw new PiiError(`no key ${kid} in the keyring (PII_KEY / PII_OLD_KEYS)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.enc, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(kid, kind));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new PiiError(`sealed ${kind} does not open under key ${kid} (tampered, or another kind of field)`);
    }
  }

  /** null / undefined / '' stay as they are (nothing to protect); a value sealed already is kept as it is. */
  sealOptional(kind: PiiKind, value: string | null | undefined): string | null {
    if (value === null || value === undefined || value === '') return value === '' ? '' : null;
    return isSealed(value) ? value : this.seal(kind, value);
  }

  /** The clear value of a sealed one; a value that is not sealed (written before encryption) is returned as it is. */
  reveal(kind: PiiKind, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return isSealed(value) ? this.open(kind, value) : value;
  }

  /** The value sealed under the current key (opened and sealed again if another key sealed it). */
  reseal(kind: PiiKind, value: string | null | undefined): string | null {
    if (value === null || value === undefined || value === '') return value ?? null;
    if (sealedKeyId(value) === this.currentKeyId) return value;
    return this.seal(kind, this.reveal(kind, value)!);
  }

  /** The blind index of a person key under one key (hex HMAC-SHA256 of the normalised input). */
  private indexUnder(kid: string, kind: PiiIndexKind, parts: string[]): string {
    const input = kind === 'id-number' ? [normalisePii.idNumber(parts[0])] : [normalisePii.name(parts[0]), normalisePii.phone(parts[1])];
    return createHmac('sha256', this.keys.get(kid)!.index)
      .update([kind, ...input].join('\u0000'), 'utf8')
      .digest('hex');
  }

  /** The index stored with a row: under the current key. */
  index(kind: 'id-number', idNumber: string): string;
  index(kind: 'name-phone', name: string, phone: string): string;
  index(kind: PiiIndexKind, ...parts: string[]): string {
    return this.indexUnder(this.currentKeyId, kind, parts);
  }

  /** What a lookup matches: the index under every key, so rows not re-sealed yet after a rotation are found too. */
  indexCandidates(kind: 'id-number', idNumber: string): string[];
  indexCandidates(kind: 'name-phone', name: string, phone: string): string[];
  indexCandidates(kind: PiiIndexKind, ...parts: string[]): string[] {
    return this.keyIds.map((kid) => this.indexUnder(kid, kind, parts));
  }
}

/**
 * What a pass over the stored personal data does to each value: `seal` seals clear values and
 * fills missing blind indexes (the migration; sealed values are left as they are), `rotate` also
 * re-seals and re-indexes what an older key sealed (`npm run pii:rotate`), `open` writes the
 * clear values back (the migration's down).
 */
export type PiiPass = 'seal' | 'rotate' | 'open';

/** The sealed fields of a petitioner and their kinds. */
export const PETITIONER_PII_FIELDS: [column: 'idNumber' | 'phone' | 'address', kind: PiiKind][] = [
  ['idNumber', 'id-number'],
  ['phone', 'phone'],
  ['address', 'address'],
];

/** One value after the pass (null/'' stay). */
export function passValue(pii: PiiKeyring, pass: PiiPass, kind: PiiKind, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return value ?? null;
  if (pass === 'open') return pii.reveal(kind, value);
  if (pass === 'seal') return pii.sealOptional(kind, value);
  return pii.reseal(kind, value);
}

/** The petitioners of a case.registered payload after the pass; null when nothing changes. */
export function passPetitioners(pii: PiiKeyring, pass: PiiPass, petitioners: Record<string, unknown>[]): Record<string, unknown>[] | null {
  let changed = false;
  const out = petitioners.map((p) => {
    const q = { ...p };
    for (const [column, kind] of PETITIONER_PII_FIELDS) {
      const v = p[column] as string | null | undefined;
      const w = passValue(pii, pass, kind, v);
      if (v !== undefined && w !== v) {
        q[column] = w;
        changed = true;
      }
    }
    return q;
  });
  return changed ? out : null;
}

/** Anything that runs SQL: a QueryRunner inside a migration, an EntityManager inside a transaction. */
export interface PiiSql {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeORM's query() answers any; the callers name the rows' shape
  query(sql: string, params?: unknown[]): Promise<any>;
}

export interface PiiPassOptions {
  batchSize?: number;
  /** Runs each batch (a transaction of its own in the rotation; the migration's one transaction otherwise). */
  inBatch?: <T>(work: (sql: PiiSql) => Promise<T>) => Promise<T>;
  /** Called after each batch with the rows it scanned. */
  onBatch?: (scanned: number) => void;
}

/**
 * A table that keeps case.registered envelopes as JSON text (intake's outbox, reporting's event
 * log), numbered by an ascending `seq`: `where` picks the rows that may hold one.
 */
export interface RegistrationEnvelopes {
  table: string;
  /** The column holding the envelope's JSON. */
  json: string;
  where: string;
  params?: unknown[];
}

interface EnvelopeJson {
  type?: string;
  payload?: { petitioners?: Record<string, unknown>[] };
}

/** The petitioners of a registration envelope, or null when it is not one. */
function petitionersOf(e: EnvelopeJson): Record<string, unknown>[] | null {
  return e.type === 'case.registered' && Array.isArray(e.payload?.petitioners) ? e.payload.petitioners : null;
}

/**
 * The petitioners of every registration envelope in `store` through a pass, in batches by seq;
 * an envelope already as the pass wants it is not written, nor one changed since it was read.
 */
export async function passRegistrationEnvelopes(sql: PiiSql, pii: PiiKeyring, pass: PiiPass, store: RegistrationEnvelopes, opts: PiiPassOptions = {}): Promise<{ scanned: number; rewritten: number }> {
  const size = opts.batchSize ?? 500;
  const inBatch = opts.inBatch ?? ((work) => work(sql));
  let scanned = 0;
  let rewritten = 0;
  for (let after = 0; ;) {
    const n = await inBatch(async (q) => {
      const rows: { seq: number; json: string }[] = await q.query(`SELECT seq, ${store.json} AS json FROM ${store.table} WHERE seq > ? AND (${store.where}) ORDER BY seq LIMIT ${size}`, [
        after,
        ...(store.params ?? []),
      ]);
      for (const row of rows) {
        const e = JSON.parse(row.json) as EnvelopeJson;
        const petitioners = petitionersOf(e);
        const next = petitioners && passPetitioners(pii, pass, petitioners);
        if (!next) continue;
        const json = JSON.stringify({ ...e, payload: { ...e.payload, petitioners: next } });
        await q.query(`UPDATE ${store.table} SET ${store.json} = ? WHERE seq = ? AND ${store.json} = ?`, [json, row.seq, row.json]);
        rewritten++;
      }
      if (rows.length) after = Number(rows[rows.length - 1].seq);
      return rows.length;
    });
    scanned += n;
    opts.onBatch?.(n);
    if (n < size) break;
  }
  return { scanned, rewritten };
}

/** Petitioner values of the registration envelopes in `store` not sealed under `kid` (in batches by seq). */
export async function registrationEnvelopeValuesNotUnder(sql: PiiSql, kid: string, store: RegistrationEnvelopes): Promise<number> {
  let n = 0;
  for (let after = 0; ;) {
    const rows: { seq: number; json: string }[] = await sql.query(`SELECT seq, ${store.json} AS json FROM ${store.table} WHERE seq > ? AND (${store.where}) ORDER BY seq LIMIT 1000`, [
      after,
      ...(store.params ?? []),
    ]);
    for (const r of rows) for (const p of petitionersOf(JSON.parse(r.json) as EnvelopeJson) ?? []) for (const [c] of PETITIONER_PII_FIELDS) if (p[c] && sealedKeyId(p[c]) !== kid) n++;
    if (rows.length < 1000) return n;
    after = Number(rows[rows.length - 1].seq);
  }
}
