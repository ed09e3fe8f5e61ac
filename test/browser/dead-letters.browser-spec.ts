/**
 * 系统管理 › 死信事件 in the browser: two cases whose row in the deadline service cannot be read
 * are listed with their service, event type, reason and attempts; after the fix the
 * administrator replays one (重放) and discards the other (丢弃, confirmed with 确定); the list is
 * then empty. axe finds nothing serious on the tab.
 */
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { exclusive } from '#libs/persistence';
import { ADMIN_PASSWORD, bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';
import { axe, launch, login, newPage, problemsOf, pwExpect, screen } from './support/browser.js';

let t: TestPlatform;
let browser: Browser;
let admin: Page;
let tokens: Record<string, string>;
let db: DataSource;
const cases: { id: string; facts: string }[] = [];

const sql = <T = Record<string, unknown>[]>(q: string, params: unknown[] = []) => exclusive(db, () => db.query(q, params)) as Promise<T>;

beforeAll(async () => {
  t = await startTestPlatform();
  tokens = await seedOffice(t);
  db = t.platform.services.find((s) => s.name === 'deadline')!.app.get(DataSource);
  for (const n of [1, 2]) {
    const petitioners = [{ name: `申请人${n}`, idNumber: idNumberOf(`45030219800301${String(n).padStart(3, '0')}`), phone: '13812345678' }];
    const id = (await t.http().post('/api/v1/petitions').set(bearer(tokens.reception1)).send(walkIn({ petitioners })).expect(201)).body.id as string;
    let rows: { facts: string }[] = [];
    for (let i = 0; i < 200 && !rows.length; i++) {
      rows = await sql<{ facts: string }[]>('SELECT facts FROM deadline_case WHERE caseId = ?', [id]);
      if (!rows.length) await new Promise((r) => setTimeout(r, 25));
    }
    const [{ facts }] = rows;
    await sql('UPDATE deadline_case SET facts = ? WHERE caseId = ?', ['not json', id]);
    await t.http().post(`/api/v1/petitions/${id}/route`).set(bearer(tokens.office1)).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
    cases.push({ id, facts });
  }
  for (let i = 0; i < 100 && (await sql<unknown[]>('SELECT id FROM dead_letter')).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  browser = await launch();
  ({ page: admin } = await newPage(browser, t.platform.url));
  await login(admin, 'admin', ADMIN_PASSWORD);
  await pwExpect(admin).toHaveURL(/\/admin$/);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

afterEach(() => {
  if (admin) expect(problemsOf(admin)).toEqual([]);
});

describe('dead letters in the browser', () => {
  it('lists the open dead letters; 重放 after the fix and 丢弃 (with 确定) clear them', async () => {
    await admin.getByRole('tab', { name: '死信事件' }).click();
    const rows = admin.getByRole('row', { name: /期限服务/ });
    await pwExpect(rows).toHaveCount(2);
    await pwExpect(rows.first()).toContainText('转送/交办（case.routed）');
    await pwExpect(rows.first()).toContainText('handler failed 3 times');
    await pwExpect(rows.first()).toContainText(cases[0].id.slice(-8));
    await screen(admin, '40-admin-dead-letters');
    expect(await axe(admin, '40-admin-dead-letters')).toEqual([]);

    for (const c of cases) await sql('UPDATE deadline_case SET facts = ? WHERE caseId = ?', [c.facts, c.id]);
    await rows.first().getByRole('button', { name: '重放' }).click();
    await pwExpect(admin.getByText('已重放：转送/交办（case.routed）')).toBeVisible();
    await pwExpect(rows).toHaveCount(1);
    expect((await sql<{ kind: string }[]>('SELECT kind FROM deadline WHERE caseId = ?', [cases[0].id])).map((r) => r.kind)).toContain('acceptance-notice');

    await rows.first().getByRole('button', { name: '丢弃' }).click();
    await admin.getByRole('button', { name: '确定' }).click();
    await pwExpect(admin.getByText('没有待处理的死信事件')).toBeVisible();
    expect(await sql('SELECT status, resolvedBy FROM dead_letter ORDER BY firstFailedAt')).toEqual([
      { status: 'replayed', resolvedBy: 'admin' },
      { status: 'discarded', resolvedBy: 'admin' },
    ]);
    await screen(admin, '41-admin-dead-letters-cleared');
    expect(await axe(admin, '41-admin-dead-letters-cleared')).toEqual([]);
  });
});
