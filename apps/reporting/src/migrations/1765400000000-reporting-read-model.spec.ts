import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PiiKeyring } from '#libs/common';
import { MESSAGING_ENTITIES } from '#libs/messaging';
import { DEFAULT_POLICY, PRC_CALENDAR_DATA, PrcCalendar } from '#libs/regulation';
import { RptAct, RptCase, RptMeta, REPORTING_ENTITIES } from '../reporting.entities.js';
import type { ReportingSettings } from '../reporting.settings.js';
import { ReadModelMaintainer } from '../read-model-maintainer.js';
import { derivedWith, EVENT_LOG_INCOMPLETE } from '../read-model-refresh.js';
import { ReportingInitial1700000000000 } from './1700000000000-reporting-initial.js';
import { ReportingDeadLetters1765200000000 } from './1765200000000-reporting-dead-letters.js';
import { ReportingDiversionCloses1765300000000 } from './1765300000000-reporting-diversion-closes.js';
import { reportingReadModel } from './1765400000000-reporting-read-model.js';
import { reportingTallies } from './1766100000000-reporting-tallies.js';

const settings: ReportingSettings = {
  timeZone: 'Asia/Shanghai',
  policy: { ...DEFAULT_POLICY, onUncoveredYear: 'withhold' },
  calendar: new PrcCalendar(PRC_CALENDAR_DATA),
  readYourWritesTimeoutMs: 1000,
  pii: new PiiKeyring({ id: 'k1', key: Buffer.alloc(32, 6) }),
};

/** Cases stored before the read model's columns existed get them derived from their stored history. */
describe('reporting migration: the read model columns', () => {
  let ds: DataSource;
  /** The same database opened without entities, as `npm run admin -- migrations run` opens it: the migration must not need them. */
  let bare: DataSource;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rpt-migration-'));
    const database = join(dir, 'reporting.sqlite');
    ds = await new DataSource({
      type: 'better-sqlite3',
      database,
      entities: [...MESSAGING_ENTITIES, ...REPORTING_ENTITIES],
      migrations: [ReportingInitial1700000000000, ReportingDeadLetters1765200000000, ReportingDiversionCloses1765300000000],
    }).initialize();
    await ds.runMigrations();
    bare = await new DataSource({ type: 'better-sqlite3', database, entities: [], migrations: [] }).initialize();
  });
  afterEach(async () => {
    await ds.destroy();
    await bare.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  const migrate = () => bare.transaction(async (m) => new (reportingReadModel(settings))().up(m.queryRunner!));

  const insert = (id: string, v: { facts: string; extra: string; timeline: string; closedAt?: string }) =>
    ds.query(
      `INSERT INTO rpt_case (id, trackingNo, status, channel, purpose, category, summary, content, headcount, receivedAt, closedAt, petitioners, facts, timeline, extra, lastEventId, updatedAt)
       VALUES (?, 'XF1', 'closed', 'visit', 'appeal', 'health.medical-care', 's', 'c', 1, '2024-03-01 02:00:00.000', ?, '[]', ?, ?, ?, 'e', '2024-01-01 00:00:00.000')`,
      [id, v.closedAt ?? null, v.facts, v.timeline, v.extra],
    );

  it('derives due instants, the evaluation, the first repeat and the acts from each case; a history that cannot be computed is marked', async () => {
    // Received 2024-03-01, routed 03-01, accepted 03-05 (handling due 60 days on: 05-04), closed 04-20, rated 04-25, a repeat contact 04-01.
    const facts = [
      { type: 'registered', at: '2024-03-01T02:00:00.000Z' },
      { type: 'routed', at: '2024-03-01T06:00:00.000Z', mode: 'transfer', unitCode: 'health' },
      { type: 'accepted', at: '2024-03-05T02:00:00.000Z' },
      { type: 'closed', at: '2024-04-20T02:00:00.000Z' },
      { type: 'evaluated', at: '2024-04-25T02:00:00.000Z' },
    ];
    const timeline = [
      { type: 'registered', at: '2024-03-01T02:00:00.000Z', actor: 'r' },
      { type: 'routed', at: '2024-03-01T06:00:00.000Z', actor: 'o', detail: { mode: 'transfer', unitCode: 'health' } },
      { type: 'supervised', at: '2024-03-20T06:00:00.000Z', actor: null, detail: { note: 'x', automatic: true } },
    ];
    await insert('good', {
      facts: JSON.stringify(facts),
      timeline: JSON.stringify(timeline),
      extra: JSON.stringify({ evaluation: { rating: 'dissatisfied', at: '2024-04-25T02:00:00.000Z' } }),
      closedAt: '2024-04-20 02:00:00.000',
    });
    await insert('badDate', { facts: JSON.stringify([{ type: 'registered', at: '2024-03-01T02:00:00.000Z', feedbackDueDate: '2024-02-30' }]), timeline: 'not json', extra: '{}' });
    await insert('badExtra', { facts: '[]', timeline: '[]', extra: '{"evaluation": ' });
    for (const [id, at, repeat] of [
      ['k1', '2024-03-01 02:00:00.000', 0],
      ['k2', '2024-04-01 02:00:00.000', 1],
      ['k3', '2024-04-09 02:00:00.000', 1],
    ] as const)
      await ds.query(`INSERT INTO rpt_contact (id, caseId, channel, receivedAt, headcount, "repeat") VALUES (?, 'good', 'visit', ?, 1, ?)`, [id, at, repeat]);

    await migrate();

    const repo = ds.getRepository(RptCase);
    const good = await repo.findOneByOrFail({ id: 'good' });
    expect({
      categoryTop: good.categoryTop,
      acceptanceDueAt: good.acceptanceDueAt?.toISOString(),
      acceptanceMet: good.acceptanceMet,
      handlingDueAt: good.handlingDueAt?.toISOString(),
      evaluatedAt: good.evaluatedAt?.toISOString(),
      evaluationRating: good.evaluationRating,
      evaluationWindow: good.evaluationWindow,
      firstRepeatAt: good.firstRepeatAt?.toISOString(),
      comeBackBy: good.comeBackBy?.toISOString(),
      overdueFrom: good.overdueFrom,
      nextDueAt: good.nextDueAt,
      dataError: good.dataError,
    }).toEqual({
      categoryTop: 'health',
      acceptanceDueAt: '2024-03-16T16:00:00.000Z', // 15 days from 03-01: 24:00 of 03-16, office time
      acceptanceMet: true,
      handlingDueAt: '2024-05-04T16:00:00.000Z', // 60 days from 03-05: 24:00 of 05-04
      evaluatedAt: '2024-04-25T02:00:00.000Z',
      evaluationRating: 'dissatisfied',
      evaluationWindow: 'used',
      firstRepeatAt: '2024-04-01T02:00:00.000Z',
      comeBackBy: '2024-07-19T02:00:00.000Z', // closed + 90 days
      overdueFrom: null,
      nextDueAt: null,
      dataError: null,
    });
    const acts = await ds.getRepository(RptAct).find({ order: { at: 'ASC' } });
    expect(acts.map((a) => [a.caseId, a.kind, a.mode, a.automatic])).toEqual([
      ['good', 'routed', 'transfer', false],
      ['good', 'supervised', null, true],
    ]);
    const badDate = await repo.findOneByOrFail({ id: 'badDate' });
    expect(badDate).toMatchObject({ dataError: expect.stringContaining('2024-02-30'), acceptanceDueAt: null, nextDueAt: null, overdueFrom: null });
    expect((await repo.findOneByOrFail({ id: 'badExtra' })).dataError).toMatch(/do not parse/);
    // The event log starts now: the three cases before it cannot be rebuilt from it (the rebuild refuses).
    expect(await ds.getRepository(RptMeta).findOneBy({ key: EVENT_LOG_INCOMPLETE })).toEqual({ key: EVENT_LOG_INCOMPLETE, value: '3' });
  });

  it('derives again at start when the settings the columns were computed with changed (a handling period that rolls over holidays)', async () => {
    // Accepted 2024-08-01: 60 days end on 2024-09-30; 10-01 to 10-07 is the National Day break.
    const facts = [
      { type: 'registered', at: '2024-07-30T02:00:00.000Z' },
      { type: 'routed', at: '2024-07-31T02:00:00.000Z', mode: 'transfer', unitCode: 'health' },
      { type: 'accepted', at: '2024-08-01T02:00:00.000Z' },
    ];
    await insert('c', { facts: JSON.stringify(facts), timeline: '[]', extra: '{}' });
    await migrate();
    await bare.transaction(async (m) => new (reportingTallies(settings))().up(m.queryRunner!));
    const due = async () => (await ds.getRepository(RptCase).findOneByOrFail({ id: 'c' })).handlingDueAt?.toISOString();
    // The reports' counters count the handling period on its last day.
    const countedDue = async () => ((await ds.query("SELECT d1 FROM rpt_tally WHERE rollup = 'all' AND hDue > 0")) as { d1: string }[]).map((r) => r.d1);
    expect(await due()).toBe('2024-09-30T16:00:00.000Z');
    expect(await countedDue()).toEqual(['2024-09-30']);
    expect(await derivedWith(ds.manager, settings)).toBe(true);

    await new ReadModelMaintainer(ds, settings).onApplicationBootstrap(); // nothing changed: nothing done
    expect(await due()).toBe('2024-09-30T16:00:00.000Z');

    // A policy that rolls the handling period over holidays, and a notice that makes its last day (Mon 09-30) a day off too.
    const rolling = { ...settings, policy: { ...settings.policy, rollOver: { ...settings.policy.rollOver, handling: true }, rollOverWeekends: true } };
    const calendar = new PrcCalendar({
      ...PRC_CALENDAR_DATA,
      years: { ...PRC_CALENDAR_DATA.years, '2024': { ...PRC_CALENDAR_DATA.years['2024'], holidays: [...PRC_CALENDAR_DATA.years['2024'].holidays, '2024-09-30'].sort() } },
    });
    const changed = { ...rolling, calendar };
    expect(await derivedWith(ds.manager, changed)).toBe(false);
    await new ReadModelMaintainer(ds, changed).onApplicationBootstrap();
    expect(await due()).toBe('2024-10-08T16:00:00.000Z'); // rolled over 09-30 and the National Day break to 10-08
    expect(await countedDue()).toEqual(['2024-10-08']);
    expect(await derivedWith(ds.manager, changed)).toBe(true);
  });
});
