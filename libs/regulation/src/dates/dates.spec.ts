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
