import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { EXAMPLE_NOTICE_2027 } from '../../apps/gateway/src/calendar.js';
import { admin as adminCli } from './support/admin-cli.js';
import { Cluster } from './support/cluster.js';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { readTopicToEnd } from './support/kafka-reader.js';
import { waitUntil } from './support/wait.js';

const T = 240_000;

/**
 * A year's holiday notice loaded while the distributed platform runs (separate processes, Kafka,
 * MariaDB): the deadline service keeps it and publishes `calendar.notice-loaded`; assignment,
 * closure and reporting each keep their copy from the topic and apply it; the withheld objection
 * window of a case routed on 2026-12-28 (every process's clock) is computed at once; a restarted
 * assignment service and a second reporting instance start with the notice; the command line's
 * `calendar load` goes through the same API over the internal ports.
 */
describe('loading a holiday notice across the distributed services', () => {
  const officeNow = Date.parse('2026-12-28T10:00:00+08:00');
  const cluster = new Cluster({ CLOCK_OFFSET_MS: String(officeNow - Date.now()), READ_YOUR_WRITES_TIMEOUT_MS: '8000' });
  const http = () => request(cluster.url);
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const work = mkdtempSync(join(tmpdir(), 'calendar-it-'));
  let caseId: string;
  const objectionOf = async () =>
    ((await http().get(`/api/v1/petitions/${caseId}`).set(auth('office1')).expect(200)).body.deadlines as { kind: string; lastDay: string | null; withheld?: boolean }[]).find(
      (d) => d.kind === 'objection',
    )!;

  beforeAll(async () => {
    await requireInfrastructure();
    await cluster.startAll();
    tokens.admin = (await http().post('/api/v1/auth/login').send({ username: 'admin', password: cluster.adminPassword }).expect(200)).body.accessToken;
    await http().post('/api/v1/units').set(auth('admin')).send({ code: 'housing', name: '住房和城乡建设局' }).expect(201);
    for (const u of [
      { username: 'reception1', roles: ['reception'] },
      { username: 'office1', roles: ['office'] },
    ]) {
      await http()
        .post('/api/v1/users')
        .set(auth('admin'))
        .send({ ...u, displayName: u.username, password: `${u.username}-password` })
        .expect(201);
      tokens[u.username] = (
        await http()
          .post('/api/v1/auth/login')
          .send({ username: u.username, password: `${u.username}-password` })
          .expect(200)
      ).body.accessToken;
    }
    caseId = (
      await http()
        .post('/api/v1/petitions')
        .set(auth('reception1'))
        .send({ channel: 'visit', petitioners: [{ name: '王五' }], purpose: 'appeal', category: 'other', summary: '补贴未发放', content: '补贴未发放。' })
        .expect(201)
    ).body.id;
    await http().post(`/api/v1/petitions/${caseId}/route`).set(auth('office1')).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
  }, T);
  afterAll(async () => {
    await cluster.stopAll();
    await cluster.cleanup();
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it(
    'applies the notice in every service at once and keeps it in each one’s database',
    async () => {
      expect(await objectionOf()).toMatchObject({ lastDay: null, withheld: true });
      const bad = await http()
        .post('/api/v1/admin/calendar')
        .set(auth('admin'))
        .send({ ...EXAMPLE_NOTICE_2027, workdays: ['2027-02-22'] })
        .expect(422);
      expect(bad.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: '2027-02-22' })]));
      expect(await cluster.query('deadline', 'SELECT year FROM calendar_notice')).toEqual([]);

      const res = await http().post('/api/v1/admin/calendar').set(auth('admin')).send(EXAMPLE_NOTICE_2027).expect(200);
      expect(res.body).toMatchObject({ year: 2027, source: 'uploaded', loadedBy: 'admin' });
      expect(res.body.result.cases).toContainEqual({ caseId, deadlines: [{ kind: 'objection', change: 'computed', lastDay: '2027-01-05', previousLastDay: null }] });
      // Reporting (its own process, its copy from Kafka) computes the window for the case view.
      expect(await objectionOf()).toMatchObject({ lastDay: '2027-01-05' });

      for (const service of ['deadline', 'assignment', 'closure']) {
        expect(await waitUntil(async () => (await cluster.query(service, 'SELECT year FROM calendar_notice WHERE year = 2027')).length === 1)).toBe(true);
        const [row] = await cluster.query<{ holidays: string; loadedBy: string }>(service, 'SELECT holidays, loadedBy FROM calendar_notice WHERE year = 2027');
        expect([service, JSON.parse(row.holidays), row.loadedBy]).toEqual([service, [...EXAMPLE_NOTICE_2027.holidays].sort(), 'admin']);
      }
      expect(await waitUntil(async () => (await cluster.query('reporting', "SELECT value FROM rpt_meta WHERE `key` = 'calendar-notice:2027'")).length === 1)).toBe(true);
      for (const service of ['assignment', 'closure', 'reporting']) expect(await waitUntil(async () => cluster.logLines(service).some((l) => l.includes('holiday notice of 2027 applied')))).toBe(true);

      const events = (await readTopicToEnd(cluster.topic)).map((m) => JSON.parse(m.value) as { type: string; caseId: string; payload: Record<string, unknown> });
      expect(events.filter((e) => e.type === 'calendar.notice-loaded').map((e) => [e.caseId, e.payload.year])).toEqual([['calendar-2027', 2027]]);
      expect(events.filter((e) => e.type === 'deadline.recomputed' && e.caseId === caseId).map((e) => [e.payload.kind, e.payload.lastDay])).toEqual([['objection', '2027-01-05']]);
    },
    T,
  );

  it(
    'a restarted service and a second instance start with the notice (from their own databases)',
    async () => {
      const applied = (instance: string) => cluster.logLines(instance).filter((l) => l.includes('holiday notice of 2027 applied')).length;
      const before = applied('assignment');
      await cluster.kill('assignment');
      await cluster.start('assignment');
      await cluster.start('reporting', {}, 'reporting-2');
      // Applied at start, before the first event or request: from its own table (the topic's event was taken before).
      expect(await waitUntil(async () => applied('assignment') > before)).toBe(true);
      expect(await waitUntil(async () => applied('reporting-2') > 0)).toBe(true);
    },
    T,
  );

  it(
    'calendar load over the internal ports loads the years the platform answers differently, at once',
    async () => {
      const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
      const env = {
        DATABASE_URL: `${base}${cluster.dbPrefix}`,
        INTERNAL_TOKEN: 'integration-internal-token',
        ...Object.fromEntries(['intake', 'assignment', 'deadline', 'closure', 'reporting'].map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${cluster.ports.get(s)}`])),
      };
      const { year, ...entry } = EXAMPLE_NOTICE_2027;
      const file = join(work, 'calendar.json');
      writeFileSync(file, JSON.stringify({ years: { [String(year)]: { ...entry, holidays: [...entry.holidays, '2027-02-26'] } } }));
      const r = await adminCli(['calendar', 'load', file], env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('2027 年节假日安排已加载，各服务立即生效');
      const list = (await http().get('/api/v1/admin/calendar').set(auth('admin')).expect(200)).body.items as { year: number; holidays: string[]; loadedBy: string }[];
      expect(list.find((i) => i.year === 2027)).toMatchObject({ loadedBy: expect.stringMatching(/^cli:/) });
      expect(list.find((i) => i.year === 2027)!.holidays).toContain('2027-02-26');
      // Loading the same again changes nothing.
      const again = await adminCli(['calendar', 'load', file], env);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('无需加载');
    },
    T,
  );
});
