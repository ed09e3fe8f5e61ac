/** Identity numbers keep the first 6 (region) and the last 4 characters. */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return id ?? null;
  if (id.length <= 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** Phone numbers keep the first 3 and the last 4 digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/*
 * The numbers below are matched only as whole tokens: not next to a letter or digit, and not as
 * one dash-joined part of a longer token. A UUID (8-4-4-4-12 hex), a tracking number
 * (XF20241201ABCDEF12), an ISO timestamp, an epoch in milliseconds, a port or a count therefore
 * stay as they are.
 */
const BEFORE = String.raw`(?<![0-9A-Za-z]|[0-9A-Za-z]-)`;
const AFTER = String.raw`(?![0-9A-Za-z]|-[0-9A-Za-z])`;
const SEP = String.raw`[ -]?`;

/** Resident identity numbers: 18 characters (the last may be X), or the old 15 digits. */
const ID18_RE = new RegExp(`${BEFORE}(\\d{6})\\d{8}(\\d{3}[\\dXx])${AFTER}`, 'g');
const ID15_RE = new RegExp(`${BEFORE}(\\d{6})\\d{5}(\\d{4})${AFTER}`, 'g');
/** Mainland mobiles: 1[3-9]x xxxx xxxx, with spaces or dashes, optionally +86 / 86 / 0086 first. */
const MOBILE_RE = new RegExp(`${BEFORE}((?:(?:\\+|00)?86${SEP})?1[3-9]\\d${SEP})\\d{4}(${SEP}\\d{4})${AFTER}`, 'g');
/** Landlines: a 0-led area code of 3 or 4 digits (bare, with a dash or space, or in brackets), then 7 or 8 digits. */
const LANDLINE_RE = new RegExp(`${BEFORE}((?:\\(0\\d{2,3}\\)|0\\d{2,3})${SEP})(\\d{3,4})(\\d{4})${AFTER}`, 'g');

/** Scrubs identity numbers, mobiles and landlines out of free text bound for a log line. */
export function maskText(text: string): string {
  return text
    .replace(ID18_RE, '$1********$2')
    .replace(ID15_RE, '$1*****$2')
    .replace(MOBILE_RE, '$1****$2')
    .replace(LANDLINE_RE, (_all, area: string, middle: string, last: string) => area + '*'.repeat(middle.length) + last);
}
