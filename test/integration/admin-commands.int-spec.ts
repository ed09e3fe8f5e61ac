import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { exclusive } from '#libs/persistence';
import { addDays, isWeekend, PRC_CALENDAR_DATA, statutoryHolidays, type CalendarData, type PrcCalendar } from '#libs/regulation';
import { DEADLINE_SETTINGS } from '../../apps/deadline/src/deadline.settings.js';
import { embeddedServiceDefinitions } from '../../apps/embedded/src/embedded.js';
import { GATEWAY_MIGRATIONS } from '../../apps/gateway/src/migrations/index.js';
import { loadConfig } from '#libs/common';
import { EmbeddedConfig } from '#libs/runtime';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';
import { Cluster } from './support/cluster.js';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { waitUntil } from './support/wait.js';
import { admin } from './support/admin-cli.js';

const SERVICES = ['intake', 'assignment', 'deadline', 'closure', 'reporting', 'gateway'];
/** Every service's migrations as the code declares them (the command must find each of them applied). */
const MIGRATIONS: Record<string, number> = {
  ...Object.fromEntries(embeddedServiceDefinitions(loadConfig(EmbeddedConfig, { DATA_DIR: tmpdir() })).map((d) => [d.name, d.migrations.length])),
  gateway: GATEWAY_MIGRATIONS.length,
};
const clone = (): CalendarData => JSON.parse(JSON.stringify(PRC_CALENDAR_DATA));
const officeYear = () => Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

/** The xlsx body of a supertest request. */
const binary = (res: any, done: (e: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function sheetRows(xlsx: Buffer): Promise<unknown[][]> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as never);
  return wb.worksheets[0]
    .getSheetValues()
    .filter(Boolean)
    .map((r) => (r as unknown[]).slice(1));
}

describe('admin commands: calendar, dead letters, migrations, annual report (embedded, while the platform runs)', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let work: string;
  let deadlineDb: DataSource;
  let n = 0;
  const env = () => ({ DATA_DIR: t.dataDir });
  const sql = <T = Record<string, unknown>[]>(q: string, params: unknown[] = []) => exclusive(deadlineDb, () => deadlineDb.query(q, params)) as Promise<T>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'admin-commands-'));
    t = await startTestPlatform();
    tk = await seedOffice(t);
    deadlineDb = t.platform.services.find((s) => s.name === 'deadline')!.app.get(DataSource);
  }, 60000);
  afterAll(async () => {
    await t?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('calendar check', () => {
    it('the bundled calendar, exported to a file, passes: exit 0', async () => {
      const exported = await admin(['calendar', 'export', join(work, 'bundled.json')], env());
      expect(exported.status).toBe(0);
      expect(JSON.parse(readFileSync(join(work, 'bundled.json'), 'utf8'))).toEqual(PRC_CALENDAR_DATA);
      const r = await admin(['calendar', 'check', join(work, 'bundled.json')], env());
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/检查通过：2015–2026 年共 12 年/);
      expect(r.status).toBe(0);
    });

    it('a broken file: National Day moved, a day both holiday and working day, 2025-02-30 — one line each, exit 65', async () => {
      const data = clone();
      const y = data.years['2025'];
      y.holidays = y.holidays.filter((d) => d !== '2025-10-01').concat('2025-10-09', '2025-02-08', '2025-02-30');
      writeFileSync(join(work, 'broken.json'), JSON.stringify(data));
      const r = await admin(['calendar', 'check', join(work, 'broken.json')], env());
      expect(r.status).toBe(65);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toEqual([
        '说明：2025 年：与内置日历不同，加载后以本文件为准（整年替换）',
        '2025-02-08：既是放假日又是调休上班日',
        expect.stringMatching(/^2025-02-30：放假日期（holidays）中的「2025-02-30」不是有效日期/),
        expect.stringMatching(/^2025-10-01：国庆节是法定节假日.*不在 2025 年的放假日期中$/),
        expect.stringMatching(/有 3 处问题，不能加载$/),
      ]);
      // load refuses it too, and installs nothing
      const load = await admin(['calendar', 'load', join(work, 'broken.json')], env());
      expect(load.status).toBe(65);
      expect(() => statSync(join(t.dataDir, 'calendar.json'))).toThrow();
    });

    it('a file that is not there: exit 66, one line', async () => {
      const r = await admin(['calendar', 'check', join(work, 'none.json')], env());
      expect(r.status).toBe(66);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^admin: 无法读取日历文件 .*none\.json：ENOENT$/)]);
    });
  });

  describe('dead letters', () => {
    async function register(): Promise<string> {
      n++;
      const petitioners = [{ name: `申请人${n}`, idNumber: idNumberOf(`4503021980030${String(1000 + n).slice(-4)}`), phone: '13812345678' }];
      return (await t.http().post('/api/v1/petitions').set(bearer(tk.reception1)).send(walkIn({ petitioners })).expect(201)).body.id;
    }
    /** A case whose row in the deadline service no longer parses: its routing is dead-lettered there. */
    async function plant(): Promise<{ caseId: string; facts: string }> {
      const caseId = await register();
      let rows: { facts: string }[] = [];
      for (let i = 0; i < 200 && !rows.length; i++) {
        rows = await sql<{ facts: string }[]>('SELECT facts FROM deadline_case WHERE caseId = ?', [caseId]);
        if (!rows.length) await new Promise((r) => setTimeout(r, 25));
      }
      await sql('UPDATE deadline_case SET facts = ? WHERE caseId = ?', ['not json', caseId]);
      await t.http().post(`/api/v1/petitions/${caseId}/route`).set(bearer(tk.office1)).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
      for (let i = 0; i < 200; i++) {
        if ((await sql<unknown[]>('SELECT 1 FROM dead_letter WHERE caseId = ?', [caseId])).length) return { caseId, facts: rows[0].facts };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no dead letter for ${caseId}`);
    }
    const fix = (p: { caseId: string; facts: string }) => sql('UPDATE deadline_case SET facts = ? WHERE caseId = ?', [p.facts, p.caseId]);
    const listJson = async (...args: string[]) => {
      const r = await admin(['dead-letters', 'list', '--json', ...args], env());
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { items: { service: string; id: string; caseId: string; status: string; eventType: string }[]; total: number };
    };

    it('list shows the planted one in a table (Chinese headers) and as JSON; replay fails before the fix (65), applies after it (0)', async () => {
      const planted = await plant();
      const table = await admin(['dead-letters', 'list', '--status', 'open'], env());
      expect(table.status).toBe(0);
      const [header, , row] = table.stdout.split('\n');
      expect(header.split(/\s{2,}/)).toEqual(['服务', '编号', '事件类型', '案件', '原因', '状态', '首次失败时间']);
      expect(row).toMatch(new RegExp(`^deadline\\s+[0-9a-f-]{36}\\s+case\\.routed\\s+${planted.caseId}\\s+handler failed 3 times: .*待处理\\s+\\d{4}-\\d{2}-\\d{2}T`));
      expect(table.stdout).toContain('共 1 条死信（待处理）');

      const { items } = await listJson('--service', 'deadline');
      expect(items).toEqual([expect.objectContaining({ service: 'deadline', caseId: planted.caseId, status: 'open', eventType: 'case.routed' })]);
      expect((await listJson('--service', 'intake')).items).toEqual([]);
      const id = items[0].id;

      const early = await admin(['dead-letters', 'replay', 'deadline', id], env());
      expect(early.status).toBe(65);
      expect(early.stderr).toMatch(/^admin: 重放失败/);

      await fix(planted);
      const r = await admin(['dead-letters', 'replay', 'deadline', id], env());
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`已重放：deadline ${id}`);
      expect((await listJson('--status', 'replayed')).items.map((i) => i.id)).toEqual([id]);
      // the case got its deadlines, and the security log names the command line
      expect((await sql<unknown[]>(`SELECT 1 FROM deadline WHERE caseId = ? AND kind = 'acceptance-notice'`, [planted.caseId])).length).toBe(1);
      const log = (await t.http().get('/api/v1/admin/security-events').query({ event: 'dead-letter-replayed' }).set(bearer(tk.admin)).expect(200)).body.items;
      expect(log).toEqual([expect.objectContaining({ actor: expect.stringMatching(/^cli:/), target: `dead-letters/deadline/${id}` })]);

      const again = await admin(['dead-letters', 'replay', 'deadline', id], env());
      expect(again.status).toBe(65);
      expect(again.stderr).toContain('已重放');
      const unknown = await admin(['dead-letters', 'discard', 'deadline', '00000000-0000-4000-8000-000000000000'], env());
      expect(unknown.status).toBe(66);
    });

    it('replay --all: each open one with a progress line (not a terminal), then none open', async () => {
      const a = await plant();
      const b = await plant();
      await fix(a);
      await fix(b);
      const r = await admin(['dead-letters', 'replay', '--all', '--service', 'deadline'], env());
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^重放死信：1\/2 deadline [0-9a-f-]{36}\n重放死信：2\/2 deadline [0-9a-f-]{36}\n重放完成：成功 2 条，失败 0 条\n$/);
      expect((await listJson('--status', 'open')).total).toBe(0);
      expect((await listJson('--status', 'replayed')).total).toBe(3);
    });
  });

  describe('migrations', () => {
    it('show: every service database with its applied migrations and none pending', async () => {
      const r = await admin(['migrations', 'show'], env());
      expect(r.status).toBe(0);
      for (const s of SERVICES) expect(r.stdout).toContain(`${s}（${join(t.dataDir, `${s}.sqlite`)}）：已执行 ${MIGRATIONS[s]} 个，待执行 0 个`);
      expect(r.stdout).toContain('[已执行] DeadlineAwaitsCalendar1764300000000');
      expect(r.stdout).toContain('所有数据库均已是最新结构');
      const json = JSON.parse((await admin(['migrations', 'show', '--json'], env())).stdout);
      expect(json.services.map((s: { service: string; pending: string[] }) => [s.service, s.pending.length])).toEqual(SERVICES.map((s) => [s, 0]));
    });

    it('run: refused while the platform runs on the data directory (exit 75)', async () => {
      const r = await admin(['migrations', 'run'], env());
      expect(r.status).toBe(75);
      expect(r.stderr).toMatch(/^admin: 平台正在 .* 上运行，拒绝执行迁移/);
    });
  });

  describe('annual export', () => {
    it('writes the xlsx the web app serves: the same rows as GET /api/v1/reports/annual?format=xlsx', async () => {
      const year = officeYear();
      const r = await admin(['annual', 'export', String(year)], env(), work);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const file = join(work, `信访年度报告-${year}.xlsx`);
      expect(r.stdout).toContain(`${year} 年度报告已写入 ${file}`);
      const http = await t.http().get('/api/v1/reports/annual').query({ year, format: 'xlsx' }).set(bearer(tk.leader1)).buffer(true).parse(binary).expect(200);
      const cli = await sheetRows(readFileSync(file));
      expect(cli).toEqual(await sheetRows(http.body as Buffer));
      // the cases this test registered are counted
      expect(cli).toContainEqual(['受理情况', '登记信访事项（件）', n]);

      const text = await admin(['annual', 'export', String(year), '--format', 'text', '--out', join(work, 'annual.txt')], env());
      expect(text.status).toBe(0);
      expect(readFileSync(join(work, 'annual.txt'), 'utf8')).toBe((await t.http().get('/api/v1/reports/annual').query({ year }).set(bearer(tk.leader1)).expect(200)).text);
      expect((await admin(['annual', 'export', 'last'], env())).status).toBe(64);
    });
  });

  describe('reporting rebuild', () => {
    it('rebuilds the read model from its event log with progress lines, the figures identical (exit 0); the summary answers the same', async () => {
      const year = officeYear();
      const summary = async () =>
        (
          await t
            .http()
            .get('/api/v1/reports/summary')
            .query({ from: `${year}-01-01`, to: `${year}-12-31` })
            .set(bearer(tk.leader1))
            .expect(200)
        ).body;
      const before = await summary();
      expect(before.received.cases).toBeGreaterThan(0);
      const r = await admin(['reporting', 'rebuild'], env());
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/已从 \d+ 个事件重建统计数据，用时 [\d.]+ 秒。/);
      expect(r.stdout).toContain('各年度汇总、分组统计和交办积案与重建前完全一致。');
      expect(await summary()).toEqual(before);
      expect((await admin(['reporting', 'rebuild', 'now'], env())).status).toBe(64);
    });
  });

  describe('calendar load', () => {
    it('installs the file in DATA_DIR (600), says a restart is needed; the restarted platform computes with it', async () => {
      const data = clone();
      // A made-up extra holiday (a Monday), for the test only.
      data.years['2026'].holidays.push('2026-12-07');
      writeFileSync(join(work, 'update.json'), JSON.stringify(data));
      const r = await admin(['calendar', 'load', join(work, 'update.json')], env());
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`已安装到 ${join(t.dataDir, 'calendar.json')}`);
      expect(r.stdout).toContain('请重启平台');
      expect(statSync(join(t.dataDir, 'calendar.json')).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(join(t.dataDir, 'calendar.json'), 'utf8'))).toEqual(data);

      const calendarOf = (p: TestPlatform) => (p.platform.services.find((s) => s.name === 'deadline')!.app.get(DEADLINE_SETTINGS) as { calendar: PrcCalendar }).calendar;
      expect(calendarOf(t).isHoliday('2026-12-07')).toBe(false);
      const dataDir = t.dataDir;
      await t.stop({ keepData: true });
      t = await startTestPlatform({}, dataDir);
      expect(calendarOf(t).isHoliday('2026-12-07')).toBe(true);
      expect(calendarOf(t).isWorkingDay('2026-12-08')).toBe(true);
    }, 60000);
  });
});

/**
 * A made-up year that passes `calendar check`: the law's holidays, each one falling on a weekend
 * made up on the next free weekday; no make-up working days. For the tests only, not a notice.
 */
function madeUpYear(year: number): { holidays: string[]; workdays: string[] } {
  const law = statutoryHolidays(year)!.holidays.map((h) => h.date);
  const days = new Set(law);
  // A weekend holiday, or a second holiday on the same day (2031: 中秋节 on 10-01), is made up after it.
  law.forEach((d, i) => {
    if (!isWeekend(d) && law.indexOf(d) === i) return;
    let lieu = addDays(d, 1);
    while (isWeekend(lieu) || days.has(lieu)) lieu = addDays(lieu, 1);
    days.add(lieu);
  });
  return { holidays: [...days].sort(), workdays: [] };
}

describe('calendar load brings a year the calendar lacks (embedded, the office clock at 2030-12-28)', () => {
  const officeNow = Date.parse('2030-12-28T10:00:00+08:00');
  const env = () => ({ CLOCK_OFFSET_MS: String(officeNow - Date.now()) });
  let t: TestPlatform | undefined;
  afterAll(() => t?.stop());

  it('the withheld working-day deadline is computed after the load and a restart', async () => {
    t = await startTestPlatform(env());
    const tk = await seedOffice(t);
    const id = (await t.http().post('/api/v1/petitions').set(bearer(tk.reception1)).send(walkIn()).expect(201)).body.id as string;
    const routed = await t.http().post(`/api/v1/petitions/${id}/route`).set(bearer(tk.office1)).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
    expect(routed.body.deadlines.find((d: { kind: string }) => d.kind === 'objection')).toMatchObject({ dueAt: null, withheld: true, awaitsCalendarYear: 2030 });

    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = undefined;
    const file = join(dataDir, 'notices-2030-2031.json');
    writeFileSync(file, JSON.stringify({ years: { '2030': madeUpYear(2030), '2031': madeUpYear(2031) } }));
    const load = await admin(['calendar', 'load', file], { DATA_DIR: dataDir });
    expect(load.stderr).toBe('');
    expect(load.status).toBe(0);
    expect(load.stdout).toContain('下次启动平台（npm start）时生效');

    t = await startTestPlatform(env(), dataDir);
    const view = (await t.http().get(`/api/v1/petitions/${id}`).set(bearer(tk.office1)).expect(200)).body;
    // Routed Sat 2030-12-28: working days 12-30, 12-31, 01-02, 01-03, 01-06 (01-01 off).
    const objection = view.deadlines.find((d: { kind: string }) => d.kind === 'objection');
    expect(objection).toMatchObject({ lastDay: '2031-01-06', dueAt: '2031-01-07T00:00:00+08:00' });
    expect(objection.withheld).toBeUndefined();
  }, 90000);
});

describe('admin commands (distributed: MariaDB)', () => {
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const prefix = `pit_admin_${randomBytes(4).toString('hex')}_`;
  beforeAll(() => requireInfrastructure());
  afterAll(async () => {
    const u = new URL(MYSQL_URL);
    const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) });
    for (const s of SERVICES) await conn.query(`DROP DATABASE IF EXISTS \`${prefix}${s}\``);
    await conn.end();
  });

  it('migrations show on a fresh prefix: nothing created; run creates every database; show then has none pending', async () => {
    const env = { DATABASE_URL: `${base}${prefix}`, PII_KEY: randomBytes(32).toString('base64') };
    const before = await admin(['migrations', 'show', '--json'], env);
    expect(before.stderr).toBe('');
    expect(before.status).toBe(0);
    const fresh = JSON.parse(before.stdout);
    expect(fresh.mode).toBe('distributed');
    expect(fresh.services.map((s: { service: string; database: string; exists: boolean; pending: string[] }) => [s.service, s.database, s.exists, s.pending.length])).toEqual(
      SERVICES.map((s) => [s, `${prefix}${s}`, false, MIGRATIONS[s]]),
    );

    const refused = await admin(['migrations', 'run'], { DATABASE_URL: env.DATABASE_URL });
    expect(refused.status).toBe(78);
    expect(refused.stderr).toMatch(/^admin: intake、reporting 的迁移会加密个人信息，需要与服务相同的 PII_KEY/);

    const run = await admin(['migrations', 'run'], env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('迁移完成');

    const after = await admin(['migrations', 'show'], env);
    expect(after.status).toBe(0);
    for (const s of SERVICES) expect(after.stdout).toContain(`${s}（${prefix}${s}）：已执行 ${MIGRATIONS[s]} 个，待执行 0 个`);
  }, 120000);
});

describe('admin commands (distributed: the five services and the gateway as processes)', () => {
  const cluster = new Cluster();
  const tokens: Record<string, string> = {};
  const http = () => request(cluster.url);
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const env = () => ({
    DATABASE_URL: `${base}${cluster.dbPrefix}`,
    INTERNAL_TOKEN: 'integration-internal-token',
    ...Object.fromEntries(['intake', 'assignment', 'deadline', 'closure', 'reporting'].map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${cluster.ports.get(s)}`])),
  });

  beforeAll(async () => {
    await requireInfrastructure();
    await cluster.startAll();
    tokens.admin = (await http().post('/api/v1/auth/login').send({ username: 'admin', password: cluster.adminPassword }).expect(200)).body.accessToken;
    await http().post('/api/v1/units').set(auth('admin')).send({ code: 'housing', name: '住房和城乡建设局' }).expect(201);
    for (const u of [
      { username: 'reception1', roles: ['reception'] },
      { username: 'office1', roles: ['office'] },
      { username: 'leader1', roles: ['leader'] },
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
  }, 180000);
  afterAll(async () => {
    await cluster.stopAll();
    await cluster.cleanup();
  }, 120000);

  it('dead letters over the internal ports: a planted one listed, replayed after the fix', async () => {
    const caseId = (await http().post('/api/v1/petitions').set(auth('reception1')).send(walkIn()).expect(201)).body.id;
    let facts: string | undefined;
    await waitUntil(async () => !!(facts = (await cluster.query<{ facts: string }>('deadline', 'SELECT facts FROM deadline_case WHERE caseId = ?', [caseId]))[0]?.facts));
    await cluster.query('deadline', 'UPDATE deadline_case SET facts = ? WHERE caseId = ?', ['not json', caseId]);
    await http().post(`/api/v1/petitions/${caseId}/route`).set(auth('office1')).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
    expect(await waitUntil(async () => (await cluster.query('deadline', 'SELECT 1 FROM dead_letter WHERE caseId = ?', [caseId])).length > 0, 60000)).toBe(true);

    const listed = await admin(['dead-letters', 'list', '--json'], env());
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    const body = JSON.parse(listed.stdout);
    expect(body).toMatchObject({ total: 1, unavailable: [], items: [expect.objectContaining({ service: 'deadline', caseId, status: 'open' })] });

    await cluster.query('deadline', 'UPDATE deadline_case SET facts = ? WHERE caseId = ?', [facts, caseId]);
    const r = await admin(['dead-letters', 'replay', 'deadline', body.items[0].id], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((await cluster.query('deadline', `SELECT 1 FROM deadline WHERE caseId = ? AND kind = 'acceptance-notice'`, [caseId])).length).toBe(1);
  }, 120000);

  it('annual export: the same rows as the gateway serves; migrations show: none pending', async () => {
    const year = officeYear();
    const file = join(tmpdir(), `admin-annual-${cluster.runId}.xlsx`);
    const r = await admin(['annual', 'export', String(year), '--out', file], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const served = await http().get('/api/v1/reports/annual').query({ year, format: 'xlsx' }).set(auth('leader1')).buffer(true).parse(binary).expect(200);
    const rows = await sheetRows(readFileSync(file));
    expect(rows).toEqual(await sheetRows(served.body as Buffer));
    expect(rows).toContainEqual(['受理情况', '登记信访事项（件）', 1]);
    rmSync(file, { force: true });

    const shown = await admin(['migrations', 'show'], { DATABASE_URL: env().DATABASE_URL });
    expect(shown.status).toBe(0);
    for (const s of SERVICES) expect(shown.stdout).toContain(`${s}（${cluster.dbPrefix}${s}）：已执行 ${MIGRATIONS[s]} 个，待执行 0 个`);
  }, 120000);

  it('reporting rebuild over the internal port on MariaDB: the read model again from the event log, figures identical, rows back', async () => {
    const year = officeYear();
    const summary = async () =>
      (
        await http()
          .get('/api/v1/reports/summary')
          .query({ from: `${year}-01-01`, to: `${year}-12-31` })
          .set(auth('leader1'))
          .expect(200)
      ).body;
    const before = await summary();
    const cases = async () => Number((await cluster.query<{ n: number }>('reporting', 'SELECT COUNT(*) AS n FROM rpt_case'))[0].n);
    const n = await cases();
    expect(n).toBeGreaterThan(0);
    const r = await admin(['reporting', 'rebuild'], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('各年度汇总、分组统计和交办积案与重建前完全一致。');
    expect(await cases()).toBe(n);
    expect(await summary()).toEqual(before);
  }, 120000);
});
