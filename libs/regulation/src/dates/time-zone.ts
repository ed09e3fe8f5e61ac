/**
 * Instants and the office's wall calendar, through Intl (any IANA zone, DST-aware).
 * Nothing here reads the clock or the process time zone.
 */
import { addDays, assertLocalDate, pad2, utcMidnightMs, type LocalDate } from './local-date.js';

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        calendar: 'gregory',
        numberingSystem: 'latn',
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)} (expected an IANA name such as Asia/Shanghai)`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function assertInstant(instant: Date, what = 'instant'): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError(`${what} must be a valid Date`);
  }
}

/** The wall-clock time of `instant` in `timeZone` (whole seconds), asked of Intl. */
function intlWallTime(instant: Date, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type);
    return p ? Number(p.value) : NaN;
  };
  const era = parts.find((x) => x.type === 'era')?.value ?? 'AD';
  const y = get('year');
  return {
    year: era === 'BC' || era === 'B' ? 1 - y : y,
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

const wholeSecond = (ms: number): number => ms - (((ms % 1000) + 1000) % 1000);

/** Offset of `timeZone` from UTC at `ms`, asked of Intl. */
function intlOffsetMs(ms: number, timeZone: string): number {
  const w = intlWallTime(new Date(ms), timeZone);
  return utcMidnightMs(w.year, w.month, w.day) + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000 - wholeSecond(ms);
}

/**
 * Intl's formatToParts costs microseconds, and a report converts every date of every case: the
 * offset is asked once per zone and quarter of an hour and kept when it is the same at both
 * ends of it (a zone's offset never changes and changes back within 15 minutes); a quarter
 * with a transition in it goes to Intl for every instant. Bounded: cleared past 200,000 entries.
 */
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

function cachedOffsetMs(ms: number, timeZone: string): number | undefined {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const quarter = Math.floor(ms / QUARTER_MS);
  let off = zone.get(quarter);
  if (off === undefined) {
    const first = intlOffsetMs(quarter * QUARTER_MS, timeZone);
    const last = intlOffsetMs((quarter + 1) * QUARTER_MS - 1000, timeZone);
    off = first === last ? first : NaN;
    if (zone.size >= 200_000) zone.clear();
    zone.set(quarter, off);
  }
  return Number.isNaN(off) ? undefined : off;
}

/** The wall-clock time of `instant` in `timeZone` (whole seconds). */
function wallTime(instant: Date, timeZone: string): WallTime {
  const ms = instant.getTime();
  const off = cachedOffsetMs(ms, timeZone);
  if (off === undefined) return intlWallTime(instant, timeZone);
  const w = new Date(wholeSecond(ms) + off);
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), minute: w.getUTCMinutes(), second: w.getUTCSeconds() };
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (east positive), whole seconds. */
function offsetMs(instant: Date, timeZone: string): number {
  return cachedOffsetMs(instant.getTime(), timeZone) ?? intlOffsetMs(instant.getTime(), timeZone);
}

function formatLocalDate(w: WallTime): LocalDate {
  if (w.year < 0 || w.year > 9999) throw new RangeError(`date out of range (year ${w.year})`);
  return `${String(w.year).padStart(4, '0')}-${pad2(w.month)}-${pad2(w.day)}`;
}

/** The calendar date of `instant` on the wall calendar of `timeZone`. */
export function toLocalDate(instant: Date, timeZone: string): LocalDate {
  assertInstant(instant);
  return formatLocalDate(wallTime(instant, timeZone));
}

/**
 * The first instant of day `d` in `timeZone` (00:00 local time, or the first instant after a
 * DST gap where a zone skips midnight).
 */
export function startOfLocalDay(d: LocalDate, timeZone: string): Date {
  assertLocalDate(d);
  const naive = utcMidnightMs(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)));
  // Two passes of "wall time minus offset" settle on 00:00 wherever 00:00 exists.
  let t = naive - offsetMs(new Date(naive), timeZone);
  t = naive - offsetMs(new Date(t), timeZone);
  if (isFirstInstantOf(t, d, timeZone)) return new Date(t);
  // Midnight falls in a DST gap (or the zone did something unusual): search for the first
  // instant whose local date is `d`. The local date is non-decreasing over a 3-day window.
  let lo = naive - 36 * 3_600_000; // local date < d
  let hi = naive + 36 * 3_600_000; // local date >= d
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (toLocalDate(new Date(mid), timeZone) >= d) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

function isFirstInstantOf(t: number, d: LocalDate, timeZone: string): boolean {
  return toLocalDate(new Date(t), timeZone) === d && toLocalDate(new Date(t - 1), timeZone) < d;
}

/**
 * The instant a period whose last day is `d` ends: 24:00 of `d` in `timeZone`, i.e. the first
 * instant of the next day (Civil Code Art. 203(2)). 2024-11-19 in Asia/Shanghai →
 * 2024-11-19T16:00:00.000Z.
 */
export function endOfLocalDay(d: LocalDate, timeZone: string): Date {
  return startOfLocalDay(addDays(d, 1), timeZone);
}

/**
 * ISO 8601 with the zone's offset at that instant, e.g. '2024-11-20T00:00:00+08:00'.
 * Milliseconds are written only when not zero.
 */
export function formatInstant(instant: Date, timeZone: string): string {
  assertInstant(instant);
  const w = wallTime(instant, timeZone);
  const ms = ((instant.getTime() % 1000) + 1000) % 1000;
  const off = Math.round(offsetMs(instant, timeZone) / 1000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const oh = Math.floor(abs / 3600);
  const om = Math.floor((abs % 3600) / 60);
  const os = abs % 60;
  const offset = `${sign}${pad2(oh)}:${pad2(om)}${os ? ':' + pad2(os) : ''}`;
  return `${formatLocalDate(w)}T${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}` + `${ms ? '.' + String(ms).padStart(3, '0') : ''}${offset}`;
}

/** Throws a RangeError when `timeZone` is not a zone Intl knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}
