/**
 * Calendar dates without a time zone ('YYYY-MM-DD'), as the office's wall calendar shows them.
 * All arithmetic is done on the proleptic Gregorian calendar through UTC, which has no DST.
 */

/** A calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True when `d` is a real calendar date written as 'YYYY-MM-DD' (2024-02-29 yes, 2023-02-29 no). */
export function isLocalDate(d: unknown): d is LocalDate {
  if (typeof d !== 'string') return false;
  const m = LOCAL_DATE.exec(d);
  if (!m) return false;
  const [y, mo, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || day < 1) return false;
  return day <= daysInMonth(y, mo);
}

/** Throws a RangeError naming `what` unless `d` is a valid LocalDate. */
export function assertLocalDate(d: unknown, what = 'date'): asserts d is LocalDate {
  if (!isLocalDate(d)) {
    throw new RangeError(`${what} must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(d)}`);
  }
}

/** Milliseconds since the epoch of 00:00 UTC on year-month(1-12)-day; exact for years 0–99 too. */
export function utcMidnightMs(year: number, month: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return t.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnightMs(year, month + 1, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a LocalDate. */
function toEpochDay(d: LocalDate): number {
  assertLocalDate(d);
  const ms = utcMidnightMs(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)));
  return Math.round(ms / DAY_MS);
}

function fromEpochDay(n: number): LocalDate {
  const t = new Date(n * DAY_MS);
  const y = t.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError(`date out of range (year ${y})`);
  return `${String(y).padStart(4, '0')}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The date `n` days after `d` (before it when n < 0). */
export function addDays(d: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`number of days must be an integer, got ${n}`);
  return fromEpochDay(toEpochDay(d) + n);
}

/** Number of days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(d: LocalDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((toEpochDay(d) + 4) % 7) + 7) % 7;
}

export function isWeekend(d: LocalDate): boolean {
  const w = dayOfWeek(d);
  return w === 0 || w === 6;
}

export function yearOf(d: LocalDate): number {
  assertLocalDate(d);
  return Number(d.slice(0, 4));
}

/** -1, 0 or 1; LocalDates compare like strings. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
