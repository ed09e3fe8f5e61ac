/**
 * Golden vectors: expected last days and due instants computed by hand from the State Council
 * calendar (see test/fixtures/deadline-vectors.json and its README), run through the period
 * functions.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PrcCalendar } from '../calendar/calendar.js';
import { formatInstant } from '../dates/time-zone.js';
import { calendarDaysPeriod, workingDaysPeriod } from '../periods/periods.js';
import { DEADLINE_KINDS, type DeadlineKind } from './deadlines.js';

interface Vector {
  name: string;
  kind: DeadlineKind;
  trigger: string;
  days: number;
  workingDays?: boolean;
  rollOver: boolean;
  expectedLastDay: string;
  expectedDueAt: string;
  note?: string;
}

const vectors = JSON.parse(readFileSync(resolve(process.cwd(), 'test/fixtures/deadline-vectors.json'), 'utf8')) as Vector[];
const calendar = PrcCalendar.default();
const timeZone = 'Asia/Shanghai';

describe('golden deadline vectors', () => {
  it('has at least 40 well-formed vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40);
    for (const v of vectors) {
      expect(DEADLINE_KINDS).toContain(v.kind);
      expect(v.trigger).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      expect(v.expectedDueAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\+08:00$/);
      if (v.workingDays) expect(v.rollOver).toBe(false);
    }
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const trigger = new Date(v.trigger);
    const r = v.workingDays
      ? workingDaysPeriod(trigger, v.days, { timeZone, calendar })
      : calendarDaysPeriod(trigger, v.days, { timeZone, calendar, rollOverHolidays: v.rollOver });
    expect({ lastDay: r.lastDay, dueAt: formatInstant(r.dueAt, timeZone) }).toEqual({ lastDay: v.expectedLastDay, dueAt: v.expectedDueAt });
    expect(r.dueAt.getTime()).toBe(new Date(v.expectedDueAt).getTime());
  });
});
