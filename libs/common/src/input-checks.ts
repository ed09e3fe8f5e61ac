/**
 * Pure checks of what people type at the reception desk: calendar dates, instants, resident
 * identity numbers (GB 11643-1999), phone numbers and free text. No imports, so the gateway's
 * class-validator decorators (libs/runtime/src/validators.ts), the services' command checks and
 * the web app's forms (apps/web) all apply the very same rules.
 */

/** Years a date typed into this platform may carry: anything outside is a typo, not a fact. */
export const DATE_YEAR_RANGE = { min: 1900, max: 2100 } as const;

/**
 * No petition on this platform was received before this day: the 2005 《信访条例》 year, when the
 * records kept today begin. A receipt time before it is a typo (1024 for 2024), not a late entry.
 */
export const EARLIEST_RECEIPT_DATE = '2005-01-01';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when year-month-day (month 1–12) exists on the Gregorian calendar. */
export function isRealYmd(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * True when `value` is written `YYYY-MM-DD` AND is a real calendar date within the years this
 * platform meets (2024-02-29 yes; 2023-02-29, 2024-02-30, 2024-13-45, 1899-12-31 no).
 */
export function isRealDate(value: unknown, years: { min: number; max: number } = DATE_YEAR_RANGE): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= years.min && y <= years.max && isRealYmd(y, mo, d);
}

// 2024-09-18T09:30, :00, .123 (up to nanoseconds), then Z or ±hh:mm — the offset is not optional.
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Why `value` is not an instant with an explicit offset: 'format' (not ISO 8601, or no offset:
 * a wall-clock time without one means different instants to different servers), 'date' (no
 * such day or time: 2024-02-30T…, 25:00, +15:00), or null when it is one.
 */
export function instantProblem(value: unknown, years: { min: number; max: number } = DATE_YEAR_RANGE): 'format' | 'date' | null {
  if (typeof value !== 'string') return 'format';
  const m = INSTANT_RE.exec(value);
  if (!m) return 'format';
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (y < years.min || y > years.max || !isRealYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return 'date';
  if (m[7] !== undefined && (Number(m[8]) > 14 || Number(m[9]) > 59)) return 'date';
  return Number.isNaN(Date.parse(value)) ? 'date' : null;
}

export const isInstantWithOffset = (value: unknown): value is string => instantProblem(value) === null;

/** The calendar date in China (UTC+8, no DST) at `nowMs`: birth dates are compared with it. */
export function chinaToday(nowMs: number = Date.now()): string {
  return new Date(nowMs + 8 * 3_600_000).toISOString().slice(0, 10);
}

// GB 11643-1999 §8.2: ISO 7064 MOD 11-2 over the first 17 digits, weights 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character (0–9 or X) of the first 17 digits of an 18-character identity number. */
export function gb11643CheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('an identity number check digit needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** Trimmed, with a lower-case check character x written X (as printed on the card). */
export function normaliseIdNumber(value: string): string {
  return value.trim().toUpperCase();
}

export type IdNumberProblem = 'format' | 'check-digit' | 'birth-date' | 'future';

/**
 * Why `value` is not a resident identity number, or null when it is one:
 *  - 18 characters: 6-digit address code, birth date YYYYMMDD (a real date, not after today in
 *    China; from 1800 on, as the standard's own example is of 1880: a one-digit slip in the year
 *    is caught by the check character anyway), 3-digit sequence, check character (MOD 11-2; X for 10);
 *  - 15 digits (cards issued before 1999): address code, birth date YYMMDD of 19YY (real), sequence.
 * The address code is not checked against the list of divisions (it changes, and old cards keep
 * old codes). `value` is taken as normalised (see normaliseIdNumber).
 */
export function idNumberProblem(value: unknown, today: string = chinaToday()): IdNumberProblem | null {
  if (typeof value !== 'string') return 'format';
  if (/^\d{17}[\dX]$/.test(value)) {
    const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
    if (!isRealDate(birth, { min: 1800, max: 9999 })) return 'birth-date';
    if (birth > today) return 'future';
    return gb11643CheckDigit(value.slice(0, 17)) === value[17] ? null : 'check-digit';
  }
  if (/^\d{15}$/.test(value)) {
    return isRealDate(`19${value.slice(6, 8)}-${value.slice(8, 10)}-${value.slice(10, 12)}`) ? null : 'birth-date';
  }
  return 'format';
}

export const isGb11643 = (value: unknown, today?: string): boolean => idNumberProblem(value, today) === null;

/** What is wrong with an identity number, said after the field's name (身份证号…): the API's and the forms' words. */
export const ID_NUMBER_PROBLEM_TEXT: Readonly<Record<IdNumberProblem, string>> = {
  format: '格式不正确（18 位，末位可为 X；或 15 位数字）',
  'check-digit': '校验码不正确，请逐位核对（GB 11643）',
  'birth-date': '中的出生日期不存在，请逐位核对',
  future: '中的出生日期晚于今天，请逐位核对',
};

/*
 * Phone numbers as a reception desk meets them (the petitioner's contact number):
 *  - mainland mobile: 1[3-9] + 9 digits, optionally +86 / 86 / 0086 first, spaces or dashes anywhere
 *    between the digits (138 1234 5678, +86-138-1234-5678): stored as the bare 11 digits;
 *  - landline with its area code: 0 + 2–3 digits (010, 0771), then a local number of 7–8 digits
 *    that starts with 2–9, a dash or space between them or the area code in brackets
 *    ((0771)5812345), optionally an extension -1…-999999 (0771-5812345-8001); +86 / 0086
 *    before the area code without its 0 (+86 771 5812345) is accepted too;
 *  - service numbers: the assigned three-digit ones (110, 112, 114, 119, 120, 122); four- or
 *    five-digit numbers starting with 1 (12345 government hotline, 12315, 12333, 10086, …);
 *    95/96 + 3–6 digits (95588, 96110, …); 400/800 + 7 digits (company hotlines).
 * Refused: anything without digits (+++++), other three-digit numbers (123 is assigned to no
 * one), local numbers without an area code (5812345: which city?), letters, and more than one
 * number in the field.
 */
const SHORT_SERVICE = new Set(['110', '112', '114', '119', '120', '122']);
const MOBILE = /^(?:\+?86|0086)?1[3-9]\d{9}$/;
const LANDLINE = /^(?:0|(?:\+86|0086))[1-9]\d{1,2}[2-9]\d{6,7}$/;
const SERVICE = /^(?:1\d{3,4}|9[56]\d{3,6}|[48]00\d{7})$/;

export type PhoneKind = 'mobile' | 'landline' | 'service';

/** What kind of phone number `value` is, or null when it is none of them (see the list above). */
export function phoneKind(value: unknown): PhoneKind | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  // (0771) 5812345 → 0771-5812345; then spaces out: 138 1234 5678 → 13812345678
  const v = value
    .trim()
    .replace(/^\((0\d{2,3})\)/, '$1-')
    .replace(/\s+/g, '');
  if (!/^\+?[\d-]+$/.test(v) || v.startsWith('-') || v.endsWith('-') || v.includes('--')) return null;
  const digits = v.replace(/-/g, '');
  if (MOBILE.test(digits)) return 'mobile';
  if (LANDLINE.test(digits)) return 'landline';
  const ext = /^(.*)-(\d{1,6})$/.exec(v);
  if (ext && LANDLINE.test(ext[1].replace(/-/g, ''))) return 'landline';
  if (SHORT_SERVICE.has(digits) || SERVICE.test(digits)) return 'service';
  return null;
}

export const isPhone = (value: unknown): boolean => phoneKind(value) !== null;

/** What a phone field must hold, said after the field's name (联系电话…). */
export const PHONE_RULE_TEXT = '应为手机号、带区号的固定电话（如 0771-5812345）或 12345 等服务号码';

/**
 * A phone number as stored: a mobile as its bare 11 digits (so that +86 138 1234 5678 and
 * 13812345678 are the same petitioner's), anything else trimmed with its spaces collapsed.
 */
export function normalisePhone(value: string): string {
  if (phoneKind(value) === 'mobile') return value.replace(/\D/g, '').slice(-11);
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * The first character free text may not carry, as U+XXXX, or null: NUL and the other C0 and C1
 * control characters (line feed, carriage return and tab are allowed in multi-line text), the
 * bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make
 * text read differently from what is stored, and unpaired UTF-16 surrogates (not text at all;
 * a MySQL utf8mb4 column refuses them).
 */
export function forbiddenCharIn(value: string, multiline = false): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let bad = false;
    if (c < 0x20) bad = !(multiline && (c === 0x0a || c === 0x0d || c === 0x09));
    else if (c >= 0x7f && c <= 0x9f) bad = true;
    else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) bad = true;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else bad = true;
    } else if (c >= 0xdc00 && c <= 0xdfff) bad = true;
    if (bad) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return null;
}

export const hasForbiddenChars = (value: string, multiline = false): boolean => forbiddenCharIn(value, multiline) !== null;

/** The kind of a forbidden character, for a message: 控制字符, 文字方向控制字符 or 无效字符. */
export function forbiddenCharKind(codePoint: string): string {
  const c = parseInt(codePoint.slice(2), 16);
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return '控制字符';
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return '文字方向控制字符';
  return '无效字符';
}

/**
 * What the petitioner types on the public door (信访查询): the tracking number the receipt gives
 * (XF, the day received, 8 hexadecimal characters) and the query code (查询码: 6 of the digits
 * 2–9 and the capital letters without I and O, which are read for 1 and 0). Case and spaces do
 * not matter.
 */
export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const QUERY_CODE_LENGTH = 6;
const QUERY_CODE_RE = /^[2-9A-HJ-NP-Z]{6}$/;
const TRACKING_NO_RE = /^XF\d{8}[0-9A-F]{8}$/;
export const normaliseTrackingInput = (value: string): string => value.replace(/\s+/g, '').toUpperCase();
export const isQueryCode = (value: unknown): boolean => typeof value === 'string' && QUERY_CODE_RE.test(normaliseTrackingInput(value));
export const isTrackingNo = (value: unknown): boolean => typeof value === 'string' && TRACKING_NO_RE.test(normaliseTrackingInput(value));
