/**
 * Golden vectors: expected last days and due instants counted by hand on the State Council
 * calendar (see test/fixtures/deadline-vectors.json and its README). Each one goes through
 * assessDeadlines with the real DEFAULT_POLICY: the smallest case history that opens a deadline
 * of the vector's kind at its trigger (plus the extension or hearing days when the period is
 * longer than the regulation's own), so the kind decides the period, the working-day rule and
 * the holiday roll-over, not the vector.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PrcCalendar } from '../calendar/calendar.js';
import { formatInstant } from '../dates/time-zone.js';
import { assessDeadlines, DEADLINE_KINDS, DEFAULT_POLICY, type CaseFact, type DeadlineKind } from './deadlines.js';

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
const DAY = 86_400_000;

/** The regulation's own length of each kind's period (the evaluation window is the policy's). */
const BASE_DAYS: Partial<Record<DeadlineKind, number>> = {
  route: 15,
  'acceptance-notice': 15,
  objection: 5,
  handling: 60,
  evaluation: DEFAULT_POLICY.evaluationWindowDays,
  'review-request': 30,
  'review-opinion': 30,
  're-review-request': 30,
  're-review-opinion': 30,
};

/** The smallest history whose current deadline of `v.kind` starts at `v.trigger` and runs `v.days`. */
function historyFor(v: Vector): CaseFact[] {
  const at = new Date(v.trigger);
  const later = new Date(at.getTime() + DAY); // an extension or an opinion, well before any due time
  const extra = v.days - BASE_DAYS[v.kind]!;
  switch (v.kind) {
    case 'route':
      return [{ type: 'registered', at }];
    case 'acceptance-notice':
    case 'objection':
      return [{ type: 'routed', at, mode: 'transfer', unitCode: 'housing' }];
    case 'handling':
      return extra
        ? [
            { type: 'accepted', at },
            { type: 'extended', at: later, days: extra },
          ]
        : [{ type: 'accepted', at }];
    case 'evaluation':
    case 'review-request':
      return [{ type: 'closed', at }];
    case 'review-opinion':
      return [{ type: 'review-requested', at }];
    case 're-review-request':
      return [{ type: 'review-opinion-issued', at }];
    case 're-review-opinion':
      return extra
        ? [
            { type: 're-review-requested', at },
            { type: 're-review-opinion-issued', at: later, hearingDays: extra },
          ]
        : [{ type: 're-review-requested', at }];
    default:
      throw new Error(`no history for a golden vector of kind ${v.kind}`);
  }
}

describe('golden deadline vectors', () => {
  it('has at least 40 well-formed vectors, each with its hand count', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40);
    for (const v of vectors) {
      expect(DEADLINE_KINDS).toContain(v.kind);
      expect(v.trigger).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      expect(v.expectedDueAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\+08:00$/);
      expect({ name: v.name, note: typeof v.note === 'string' && v.note.length > 0 }).toEqual({ name: v.name, note: true });
    }
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
  });

  it('labels every vector with the roll-over and working-day rule the default policy gives its kind', () => {
    for (const v of vectors) {
      expect({ name: v.name, rollOver: v.rollOver, workingDays: v.workingDays ?? false }).toEqual({ name: v.name, rollOver: DEFAULT_POLICY.rollOver[v.kind], workingDays: v.kind === 'objection' });
    }
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const { deadlines, withheld } = assessDeadlines(historyFor(v), new Date(v.trigger), DEFAULT_POLICY, calendar);
    expect(withheld).toEqual([]);
    const d = deadlines.find((x) => x.kind === v.kind);
    expect(d).toBeDefined();
    expect({ trigger: d!.trigger.getTime(), days: d!.days, workingDays: d!.workingDays ?? false }).toEqual({
      trigger: new Date(v.trigger).getTime(),
      days: v.days,
      workingDays: v.workingDays ?? false,
    });
    expect({ lastDay: d!.lastDay, dueAt: formatInstant(d!.dueAt, DEFAULT_POLICY.timeZone) }).toEqual({ lastDay: v.expectedLastDay, dueAt: v.expectedDueAt });
    expect(d!.dueAt.getTime()).toBe(new Date(v.expectedDueAt).getTime());
  });
});
