import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PiiKeyring, type Clock } from '#libs/common';
import { DEFAULT_POLICY, PRC_CALENDAR_DATA, PrcCalendar } from '#libs/regulation';
import type { Caller } from '#libs/runtime';
import { history, prng, UNITS, type HistoryStats } from '../../../bench/reports/history.js';
import { logEvent, ProjectionHandlers } from './projection.handlers.js';
import { reportingService } from './reporting.module.js';
import { ReportingQueries, type SummaryParams } from './reporting-queries.service.js';
import type { ReportingSettings } from './reporting.settings.js';
import { retally, rollupFor } from './tallies.js';

const settings: ReportingSettings = {
  timeZone: 'Asia/Shanghai',
  policy: DEFAULT_POLICY,
  calendar: new PrcCalendar(PRC_CALENDAR_DATA),
  readYourWritesTimeoutMs: 1000,
  pii: new PiiKeyring({ id: 'k1', key: Buffer.alloc(32, 6) }),
};
const admin: Caller = { username: 'leader', roles: ['leader'], unitCode: null };

/**
 * The counters answer what the scan over the cases answers — for any period, filter, grouping and
 * time: a generated three-year history (bench/reports/history.ts: every kind of miss, reroutes,
 * repeats, reviews, supervision) projected event by event as the consumer does, half of it in
 * batches as the rebuild does, then summaries and breakdowns of random periods compared field by
 * field with the same reports counted by scanning the cases.
 */
describe('the reports’ counters (rpt_tally) against a scan of the cases', () => {
  let dir: string;
  let ds: DataSource;
  let now = new Date('2026-01-05T02:00:00.000Z');
  const clock: Clock = { now: () => now };
  let queries: ReportingQueries;
  const stats: HistoryStats = { cases: 0, events: 0, byType: new Map(), openAtNow: 0, lateAcceptance: 0, lateClosure: 0 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rpt-tally-'));
    const def = reportingService(settings);
    ds = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'reporting.sqlite'), entities: def.entities, migrations: def.migrations }).initialize();
    await ds.runMigrations();
    const projection = new ProjectionHandlers(settings);
    const events = [...history({ cases: 360, seed: 11, pii: settings.pii, policy: settings.policy, calendar: settings.calendar, now, warnDaysBefore: [5, 1] }, stats)];
    const half = Math.floor(events.length / 2);
    // The first half one event per transaction (the live consumer), the second in batches with one counter write each (the rebuild).
    for (const e of events.slice(0, half)) await ds.transaction(async (m) => (await logEvent(m, e, settings), await projection.project(e, m)));
    for (let i = half; i < events.length; i += 200) {
      await ds.transaction(async (m) => expect(await projection.projectBatch(events.slice(i, i + 200), m, { log: true })).toEqual([]));
    }
    queries = new ReportingQueries(ds, clock, settings);
  }, 120_000);
  afterAll(async () => {
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const rnd = prng(5);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const period = () => {
    const a = Date.parse('2022-12-01T00:00:00Z') + Math.floor(rnd() * 1160) * 86_400_000;
    const b = a + Math.floor(rnd() * (rnd() < 0.5 ? 40 : 400)) * 86_400_000;
    return { from: day(a), to: day(b) };
  };
  const FILTERS: Omit<SummaryParams, 'from' | 'to'>[] = [
    {},
    { unitCode: UNITS[0] },
    { unitCode: UNITS[3] },
    { category: 'urban-rural-construction' },
    { category: 'urban-rural-construction.property-management' },
    { channel: 'visit' },
    { channel: 'online' },
    { authority: 'central' },
    { authority: 'municipal' },
    { purpose: 'appeal' },
    { unitCode: UNITS[1], category: 'labour-social-security' },
    // Combinations with channel, authority or purpose: the wide rollups (uw, w, cw, ucw).
    { unitCode: UNITS[0], channel: 'visit' },
    { unitCode: UNITS[2], authority: 'municipal' },
    { unitCode: UNITS[0], purpose: 'appeal' },
    { channel: 'online', purpose: 'accusation' },
    { authority: 'provincial', purpose: 'appeal', channel: 'visit' },
    { category: 'urban-rural-construction', channel: 'visit' },
    { category: 'labour-social-security.wage-arrears', authority: 'municipal' },
    { unitCode: UNITS[0], category: 'urban-rural-construction', channel: 'letter', purpose: 'appeal' },
  ];

  it('the history has what the figures count (so that the comparison can tell them apart)', async () => {
    const year = await queries.summary({ from: '2024-01-01', to: '2024-12-31' }, admin);
    expect(year.received.cases).toBeGreaterThan(80);
    for (const r of Object.values(year.rates)) expect(r.denominator).toBeGreaterThan(0);
    expect(year.rates.onTimeClosure.numerator).toBeLessThan(year.rates.onTimeClosure.denominator);
    expect(year.rates.closure.numerator).toBeLessThan(year.rates.closure.denominator);
    expect(year.rates.participation.numerator).toBeLessThan(year.rates.participation.denominator);
    expect(year.routing.transfer + year.routing.assign).toBeGreaterThan(0);
    expect(year.supervision.total).toBeGreaterThan(0);
    expect(year.assigned.central.received + year.assigned.provincial.received + year.assigned.municipal.received).toBeGreaterThan(0);
    // Every filter above is answered from the counters (none falls back to the scan, which would compare the scan with itself).
    for (const f of FILTERS) expect(rollupFor({ from: '', to: '', ...f })).not.toBeNull();
    expect(rollupFor({ from: '', to: '', unitCode: 'x', channel: 'visit' })?.id).toBe('uw');
    expect(rollupFor({ from: '', to: '', unitCode: 'x' })?.id).toBe('u');
    expect(rollupFor({ from: '', to: '', category: 'x', purpose: 'appeal' })?.id).toBe('cw');
    // Open past a due instant (a breach the history settles — moot late, carried into an extension — is rare: the year-two script has them).
    expect((await queries.breakdown({ from: '2023-01-01', to: '2025-12-31', by: 'authority' }, admin)).items.reduce((a, i) => a + i.overdue, 0)).toBeGreaterThan(0);
  });

  // The time matters where a window or deadline runs out on the day it is asked: one seen at the end of the history,
  // one mid-way, and the day some case's deadline falls due (its last day is today: not overdue yet, overdue tomorrow).
  for (const at of ['2026-01-05T02:00:00.000Z', '2024-07-10T03:30:00.000Z', 'a case’s last day']) {
    const seeAt = async () => {
      if (at !== 'a case’s last day') return (now = new Date(at));
      const [r] = (await ds.query("SELECT overdueFrom FROM rpt_case WHERE overdueFrom > '2024-06-01' AND overdueFrom < '2024-09-01' ORDER BY overdueFrom LIMIT 1")) as { overdueFrom: string }[];
      // 10:00 on the last day (the due instant is its 24:00).
      return (now = new Date(new Date(`${r.overdueFrom.replace(' ', 'T')}Z`).getTime() - 14 * 3_600_000));
    };
    it(`summaries of 60 random periods and filters equal the scan's, seen at ${at}`, async () => {
      await seeAt();
      for (let i = 0; i < 60; i++) {
        const p = { ...period(), ...pick(FILTERS) };
        const [tally, scan] = await Promise.all([queries.summary(p, admin), queries.summary({ ...p, source: 'scan' }, admin)]);
        expect({ p, tally }).toEqual({ p, tally: scan });
      }
    });

    it(`breakdowns by unit, category, channel, authority and month equal the scan's, seen at ${at}`, async () => {
      await seeAt();
      for (let i = 0; i < 12; i++) {
        // Periods around now too: what is overdue now among the cases received in them.
        const p = { ...(i % 2 ? period() : { from: day(now.getTime() - 200 * 86_400_000), to: day(now.getTime() + 30 * 86_400_000) }), ...pick(i % 3 ? FILTERS.slice(0, 4) : FILTERS.slice(11)) };
        for (const by of ['unit', 'category', 'channel', 'authority', 'month'] as const) {
          const [tally, scan] = await Promise.all([queries.breakdown({ ...p, by }, admin), queries.breakdown({ ...p, by, source: 'scan' }, admin)]);
          expect({ p, by, tally }).toEqual({ p, by, tally: scan });
        }
      }
    });
  }

  it('every combination of the five filters (unit, category, channel, authority, purpose), and the none-groups, equals the scan', async () => {
    now = new Date('2026-01-05T02:00:00.000Z');
    const values: Omit<SummaryParams, 'from' | 'to'>[] = [{ unitCode: UNITS[0] }, { category: 'urban-rural-construction' }, { channel: 'visit' }, { authority: 'municipal' }, { purpose: 'appeal' }];
    const periods = [
      { from: '2023-01-01', to: '2025-12-31' },
      { from: '2023-03-10', to: '2024-02-20' },
    ];
    let nonEmpty = 0;
    for (let mask = 1; mask < 32; mask++) {
      const f = Object.assign({}, ...values.filter((_, i) => mask & (1 << i))) as Omit<SummaryParams, 'from' | 'to'>;
      // A second-level category on odd masks: the exact code as well as the first level's prefix.
      if (f.category && mask % 2) f.category = 'urban-rural-construction.property-management';
      expect(rollupFor({ from: '', to: '', ...f })).not.toBeNull();
      for (const per of periods) {
        const p = { ...per, ...f };
        const [tally, scan] = await Promise.all([queries.summary(p, admin), queries.summary({ ...p, source: 'scan' }, admin)]);
        expect({ p, tally }).toEqual({ p, tally: scan });
        if (tally.received.cases > 0) nonEmpty++;
      }
    }
    // Half the combinations find cases (else equal zeros would prove little; with an assigning authority and two more filters few of 360 cases are left).
    expect(nonEmpty).toBeGreaterThanOrEqual(30);
    // The breakdown's groups without a unit or authority, with a small dimension filtered (noUnit / noAuthority on a wide rollup).
    for (const by of ['unit', 'authority', 'category', 'channel'] as const) {
      const p = { from: '2023-01-01', to: '2025-12-31', channel: 'phone', purpose: 'suggestion', by };
      const [tally, scan] = await Promise.all([queries.breakdown(p, admin), queries.breakdown({ ...p, source: 'scan' }, admin)]);
      expect({ by, tally }).toEqual({ by, tally: scan });
    }
  });

  it('counted again from the rows (retally), the counters are the same', async () => {
    now = new Date('2026-01-05T02:00:00.000Z');
    const dump = () => ds.query('SELECT * FROM rpt_tally WHERE ' + COUNTER_NONZERO + ' ORDER BY rollup, unitCode, category, channel, authority, purpose, d1, kind, d2');
    const before = await dump();
    expect(before.length).toBeGreaterThan(100);
    await ds.transaction((m) => retally(m, settings.timeZone, { batch: 37 }));
    expect(await dump()).toEqual(before);
  });

  it('a breach the history settled (moot late, carried into an extension) counts as overdue whatever the time', async () => {
    now = new Date('2026-01-05T02:00:00.000Z');
    const p = { from: '2024-01-01', to: '2024-12-31', by: 'unit' as const };
    const before = (await queries.breakdown(p, admin)).items.reduce((a, i) => a + i.overdue, 0);
    // Three cases of 2024 whose history settled a breach (overdueFrom 1970-01-01, read-model.ts ALWAYS), counted again from the rows.
    const ids = (
      (await ds.query(
        "SELECT id FROM rpt_case WHERE receivedAt >= '2024-01-01' AND receivedAt < '2024-12-31' AND overdueFrom IS NULL AND dataError IS NULL AND unitCode IS NOT NULL ORDER BY id LIMIT 3",
      )) as { id: string }[]
    ).map((r) => r.id);
    expect(ids).toHaveLength(3);
    await ds.query(`UPDATE rpt_case SET overdueFrom = '1970-01-01 00:00:00.000' WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    await ds.transaction((m) => retally(m, settings.timeZone));
    const [tally, scan] = await Promise.all([queries.breakdown(p, admin), queries.breakdown({ ...p, source: 'scan' }, admin)]);
    expect(tally).toEqual(scan);
    expect(tally.items.reduce((a, i) => a + i.overdue, 0)).toBe(before + 3);
  });
});

/** Rows whose counters are not all zero (a case that moved away leaves zeros behind; a retally does not). */
const COUNTER_NONZERO = '(recv + contacts + persons + closed + accDue + hDue + evalMoot + evalOpen + evaluated + actTransfer + actAssign + actManual + actAuto + ovdSettled + rc + hc) <> 0';
