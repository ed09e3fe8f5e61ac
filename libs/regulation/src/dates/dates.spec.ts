import { addDays, dayOfWeek, daysBetween, isLocalDate } from './local-date.js';
import { endOfLocalDay, formatInstant, startOfLocalDay, toLocalDate } from './time-zone.js';

describe('calendar dates (LocalDate)', () => {
  it('adds days across month ends, leap days and years', () => {
    expect(addDays('2024-09-20', 60)).toBe('2024-11-19');
    expect(addDays('2025-01-31', 30)).toBe('2025-03-02');
    expect(addDays('2024-01-31', 30)).toBe('2024-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2024-03-10', 0)).toBe('2024-03-10');
  });

  it('counts the days between two dates and knows the day of the week', () => {
    expect(daysBetween('2024-09-20', '2024-11-19')).toBe(60);
    expect(dayOfWeek('2024-09-20')).toBe(5); // Friday
    expect(dayOfWeek('2024-10-12')).toBe(6); // Saturday
    expect(dayOfWeek('2025-01-26')).toBe(0); // Sunday
  });

  it('refuses dates that do not exist and a fractional number of days', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2023-02-29')).toBe(false);
    expect(isLocalDate('2024-13-01')).toBe(false);
    expect(isLocalDate('2024-9-1')).toBe(false);
    expect(() => addDays('2023-02-29', 1)).toThrow(RangeError);
    expect(() => addDays('2024-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('instants and the office wall calendar', () => {
  it('2024-11-19 ends at 24:00 in Asia/Shanghai, which is 2024-11-19T16:00:00.000Z', () => {
    expect(endOfLocalDay('2024-11-19', 'Asia/Shanghai').toISOString()).toBe('2024-11-19T16:00:00.000Z');
    expect(formatInstant(endOfLocalDay('2024-11-19', 'Asia/Shanghai'), 'Asia/Shanghai')).toBe('2024-11-20T00:00:00+08:00');
  });

  it('23:30 in Shanghai is still the same local day; 00:30 is the next local day while UTC is still the day before', () => {
    expect(toLocalDate(new Date('2024-09-20T23:30:00+08:00'), 'Asia/Shanghai')).toBe('2024-09-20');
    expect(toLocalDate(new Date('2024-09-21T00:30:00+08:00'), 'Asia/Shanghai')).toBe('2024-09-21');
    expect(toLocalDate(new Date('2024-09-21T00:30:00+08:00'), 'UTC')).toBe('2024-09-20');
  });

  it('works in any IANA zone, including half-hour offsets and west of UTC', () => {
    expect(formatInstant(new Date('2024-11-19T16:00:00Z'), 'Asia/Kolkata')).toBe('2024-11-19T21:30:00+05:30');
    expect(formatInstant(new Date('2024-11-19T16:00:00Z'), 'America/New_York')).toBe('2024-11-19T11:00:00-05:00');
    expect(formatInstant(new Date('2024-11-19T16:00:00Z'), 'UTC')).toBe('2024-11-19T16:00:00+00:00');
    expect(formatInstant(new Date('2024-11-19T16:00:00.250Z'), 'Asia/Shanghai')).toBe('2024-11-20T00:00:00.250+08:00');
    expect(endOfLocalDay('2024-11-19', 'Asia/Kolkata').toISOString()).toBe('2024-11-19T18:30:00.000Z');
  });

  it('follows daylight saving time: a New York day is 23 or 25 hours long around the changes', () => {
    expect(startOfLocalDay('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(endOfLocalDay('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-11T04:00:00.000Z');
    expect(endOfLocalDay('2024-11-03', 'America/New_York').toISOString()).toBe('2024-11-04T05:00:00.000Z');
    expect(formatInstant(new Date('2024-07-01T12:00:00Z'), 'America/New_York')).toBe('2024-07-01T08:00:00-04:00');
  });

  it('where midnight does not exist (Santiago, 2024-09-08) the day starts at 01:00', () => {
    const start = startOfLocalDay('2024-09-08', 'America/Santiago');
    expect(start.toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(formatInstant(start, 'America/Santiago')).toBe('2024-09-08T01:00:00-03:00');
    expect(endOfLocalDay('2024-09-07', 'America/Santiago').toISOString()).toBe('2024-09-08T04:00:00.000Z');
  });

  it('rejects an unknown zone and an invalid instant', () => {
    expect(() => toLocalDate(new Date(), 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
    expect(() => toLocalDate(new Date('nonsense'), 'Asia/Shanghai')).toThrow(RangeError);
  });
});

describe('far dates', () => {
  it('handles years below 100 without the Date.UTC two-digit-year trap', () => {
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01');
    expect(addDays('0024-02-28', 1)).toBe('0024-02-29');
    expect(toLocalDate(endOfLocalDay('0050-06-30', 'UTC'), 'UTC')).toBe('0050-07-01');
  });
});

describe('the cached offsets equal Intl at every instant', () => {
  // Intl alone, as the reference: the wall time `formatInstant` must write.
  const formats = new Map<string, Intl.DateTimeFormat>();
  const reference = (ms: number, timeZone: string): string => {
    let f = formats.get(timeZone);
    if (!f)
      formats.set(
        timeZone,
        (f = new Intl.DateTimeFormat('en-US', {
          timeZone,
          calendar: 'gregory',
          numberingSystem: 'latn',
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        })),
      );
    const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return `${p.year.padStart(4, '0')}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  };
  const offsetOf = (ms: number, zone: string) => Date.parse(reference(ms, zone) + 'Z') - (ms - (((ms % 1000) + 1000) % 1000));
  // DST (one hour, half an hour), 45-minute offsets, Shanghai's 1940s summer time, an LMT with seconds.
  const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Europe/Amsterdam'];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  it.each(ZONES)('%s: 5,000 instants from 1900 to 2100, and the seconds around each transition of 1940–2030', (zone) => {
    const samples: number[] = [];
    for (let i = 0; i < 5_000; i++) samples.push(Math.floor(Date.UTC(1900, 0, 1) + random() * (Date.UTC(2100, 0, 1) - Date.UTC(1900, 0, 1))));
    let transitions = 0;
    for (let t = Date.UTC(1940, 0, 1); t < Date.UTC(2030, 0, 1); t += 72 * 3_600_000) {
      if (offsetOf(t, zone) === offsetOf(t + 72 * 3_600_000, zone)) continue;
      // The transition's second and those next to it, then every 13th within 16 minutes (a quarter hour and more).
      let lo = t;
      let hi = t + 72 * 3_600_000;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetOf(mid, zone) === offsetOf(lo, zone)) lo = mid;
        else hi = mid;
      }
      transitions++;
      for (let s = hi - 5000; s <= hi + 5000; s += 1000) samples.push(s, s + 999);
      for (let s = hi - 960_000; s <= hi + 960_000; s += 13_000) samples.push(s);
    }
    if (zone !== 'Asia/Shanghai') expect(transitions).toBeGreaterThan(50);
    const wrong = samples.filter((ms) => formatInstant(new Date(ms), zone).slice(0, 19) !== reference(ms, zone)).slice(0, 5);
    expect(wrong.map((ms) => [new Date(ms).toISOString(), formatInstant(new Date(ms), zone), reference(ms, zone)])).toEqual([]);
  });
});
