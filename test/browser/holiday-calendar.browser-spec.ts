/**
 * 系统管理 › 节假日安排 in the browser, the office's clock at 2026-12-28 (the bundled calendar ends
 * with 2026): a case routed today has its objection window withheld. The administrator sees the
 * years (内置), pastes a 2027 notice that leaves 春节（正月初一） out — refused, the date named,
 * nothing loaded —, then chooses the right notice as a JSON file: loaded at once, the answer says
 * one deadline was computed for that case, the year is listed as 上传 by admin, and the case page
 * shows the objection window's last day. axe finds nothing serious on the tab.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EXAMPLE_NOTICE_2027 } from '../../apps/gateway/src/calendar.js';
import { ADMIN_PASSWORD, bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';
import { axe, launch, login, newPage, problemsOf, pwExpect, screen } from './support/browser.js';

let t: TestPlatform;
let browser: Browser;
let admin: Page;
let tokens: Record<string, string>;
let caseId: string;
/** The table row of a year (its first cell the year itself). */
const yearRow = (year: number) => admin.getByRole('row').filter({ has: admin.getByRole('cell', { name: String(year), exact: true }) });
const work = mkdtempSync(join(tmpdir(), 'calendar-browser-'));

beforeAll(async () => {
  const officeNow = Date.parse('2026-12-28T10:00:00+08:00');
  t = await startTestPlatform({ CLOCK_OFFSET_MS: String(officeNow - Date.now()) });
  tokens = await seedOffice(t);
  caseId = (await t.http().post('/api/v1/petitions').set(bearer(tokens.reception1)).send(walkIn()).expect(201)).body.id as string;
  const routed = await t.http().post(`/api/v1/petitions/${caseId}/route`).set(bearer(tokens.office1)).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
  expect(routed.body.deadlines.find((d: { kind: string }) => d.kind === 'objection')).toMatchObject({ dueAt: null, withheld: true });
  browser = await launch();
  ({ page: admin } = await newPage(browser, t.platform.url));
  await login(admin, 'admin', ADMIN_PASSWORD);
  await pwExpect(admin).toHaveURL(/\/admin$/);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  if (admin) expect(problemsOf(admin)).toEqual([]);
});

describe('the holiday calendar in the browser', () => {
  it('lists the years, refuses a wrong notice naming the date, loads the right one from a file and says what it changed', async () => {
    await admin.getByRole('tab', { name: '节假日安排' }).click();
    const year2026 = yearRow(2026);
    await pwExpect(year2026).toContainText('内置');
    await pwExpect(year2026).toContainText('国务院办公厅关于2026年部分节假日安排的通知');
    await pwExpect(yearRow(2027)).toHaveCount(0);

    const broken = { ...EXAMPLE_NOTICE_2027, holidays: EXAMPLE_NOTICE_2027.holidays.filter((d) => d !== '2027-02-06') };
    await admin.getByRole('textbox', { name: '节假日安排（JSON）' }).fill(JSON.stringify(broken, null, 2));
    await admin.getByRole('button', { name: '检查并加载' }).click();
    const refused = admin.getByRole('alert').filter({ hasText: '未加载，未作任何更改' });
    await pwExpect(refused).toBeVisible();
    await pwExpect(refused).toContainText('2027-02-06：春节（正月初一）是法定节假日（《全国年节及纪念日放假办法》），但不在 2027 年的放假日期中');
    await pwExpect(yearRow(2027)).toHaveCount(0);
    await screen(admin, '42-admin-calendar-refused');
    expect(await axe(admin, '42-admin-calendar-refused')).toEqual([]);

    const file = join(work, '2027.json');
    writeFileSync(file, JSON.stringify(EXAMPLE_NOTICE_2027));
    await admin.locator('input[type=file]').setInputFiles(file);
    await pwExpect(admin.getByText('已选择：2027.json')).toBeVisible();
    await admin.getByRole('button', { name: '检查并加载' }).click();
    const loaded = admin.getByRole('region', { name: '加载结果' });
    await pwExpect(loaded).toContainText('立即生效：1 个期限得以计算（涉及 1 件信访事项）');
    await pwExpect(loaded).toContainText(`信访事项 …${caseId.slice(-8)}`);
    await pwExpect(loaded).toContainText('此前暂不计算，最后一日为 2027-01-05');
    const year2027 = yearRow(2027);
    await pwExpect(year2027).toContainText('上传');
    await pwExpect(year2027).toContainText('admin');
    await pwExpect(year2027).toContainText('2026-12-28');
    await pwExpect(year2027).toContainText('1 个期限得以计算');
    await screen(admin, '43-admin-calendar-loaded');
    expect(await axe(admin, '43-admin-calendar-loaded')).toEqual([]);

    // The case page computes the window at once (no restart).
    await loaded.getByRole('link', { name: `信访事项 …${caseId.slice(-8)}` }).click();
    await pwExpect(admin).toHaveURL(new RegExp(`/cases/${caseId}$`));
    await pwExpect(admin.getByText('2027-01-05').first()).toBeVisible();
    await screen(admin, '44-case-after-calendar');
  });
});
