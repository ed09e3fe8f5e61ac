/**
 * Issue 11 in the browser: a registration saved while the case view cannot show it yet (the read
 * model's consumer held) is a success for the clerk — 登记已保存, the tracking number and the
 * message, a link to the case — not an error; the case opens once the read model has applied it.
 */
import type { Browser, Page } from 'playwright-core';
import type { EventGate } from '#libs/messaging';
import { REPORTING_EVENT_GATE } from '../../apps/reporting/src/rebuild.service.js';
import { bearer, seedOffice, startTestPlatform, type TestPlatform } from '../support/embedded.js';
import { axe, choose, chooseCascade, launch, login, logout, newPage, problemsOf, pwExpect, screen } from './support/browser.js';

let t: TestPlatform;
let browser: Browser;
let page: Page;
let gate: EventGate;
let tokens: Record<string, string>;

beforeAll(async () => {
  t = await startTestPlatform({ READ_YOUR_WRITES_TIMEOUT_MS: '300' });
  tokens = await seedOffice(t);
  gate = t.platform.services.find((s) => s.name === 'reporting')!.app.get(REPORTING_EVENT_GATE);
  browser = await launch();
  ({ page } = await newPage(browser, t.platform.url));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Holds the read model's consumer until `release` is called. */
async function holdReadModel(): Promise<{ release(): void; held: Promise<void> }> {
  let release!: () => void;
  let engaged!: () => void;
  const holding = new Promise<void>((r) => (engaged = r));
  const held = gate.hold(() => (engaged(), new Promise<void>((r) => (release = r))));
  await holding;
  return { release, held };
}

describe('a registration the case view does not show yet, in the browser', () => {
  it('is saved for the clerk: 登记已保存 with the tracking number and the message; the case opens once the view follows', async () => {
    await login(page, 'reception1', 'reception1-pass');
    const { release, held } = await holdReadModel();
    try {
      await choose(page, page.getByLabel('来源渠道'), '来信');
      await page.getByLabel('信访人姓名').fill('赵六');
      await page.getByLabel('联系电话').fill('13812340000');
      await choose(page, page.getByLabel('信访目的'), '意见建议');
      await chooseCascade(page, page.getByLabel('内容分类'), ['城乡建设']);
      await page.getByLabel('信访事项摘要').fill('建议增设公交站');
      await page.getByLabel('主要诉求及事实').fill('来信建议在幸福小区门口增设公交站点。');
      await page.getByRole('button', { name: '登记' }).click();
      await pwExpect(page.getByText('登记已保存', { exact: true })).toBeVisible();
      await pwExpect(page.getByRole('status').filter({ hasText: '已保存，案件视图稍后更新' })).toBeVisible();
      await pwExpect(page.getByLabel('信访编号')).toHaveText(/^XF\d{8}[0-9A-F]{8}$/);
      await screen(page, 'write-path-registration-pending-view');
      expect(await axe(page, 'write-path-registration-pending-view')).toEqual([]);
    } finally {
      release();
      await held;
    }
    const trackingNo = (await page.getByLabel('信访编号').textContent())!.trim();
    // Once the read model has applied it (what 稍后 asks the clerk to wait for), the case opens.
    const href = (await page.getByRole('link', { name: '查看案件' }).getAttribute('href'))!;
    await pwExpect
      .poll(
        async () =>
          (
            await t
              .http()
              .get(`/api/v1${href.replace('/cases/', '/petitions/')}`)
              .set(bearer(tokens.office1))
          ).status,
      )
      .toBe(200);
    await page.getByRole('link', { name: '查看案件' }).click();
    await pwExpect(page).toHaveURL(/\/cases\/[0-9a-f-]{36}$/);
    await pwExpect(page.getByText(trackingNo).first()).toBeVisible();
    expect(problemsOf(page)).toEqual([]);
  });

  it('an action saved while the view lags closes its dialog with the message, and the case page shows it once the view follows', async () => {
    await logout(page);
    await login(page, 'office1', 'office1-pass');
    await page.getByRole('link', { name: /^XF/ }).first().click();
    await pwExpect(page.getByRole('heading', { name: '基本信息' })).toBeVisible();
    const { release, held } = await holdReadModel();
    try {
      await page.getByRole('button', { name: '转送' }).click();
      const dialog = page.getByRole('dialog', { name: '转送' });
      await choose(page, dialog.getByLabel('责任单位'), '住房和城乡建设局');
      await dialog.getByRole('button', { name: '确定' }).click();
      await pwExpect(dialog).toBeHidden();
      await pwExpect(page.getByText('转送：已保存，案件视图稍后更新')).toBeVisible();
      await screen(page, 'write-path-action-pending-view');
    } finally {
      release();
      await held;
    }
    // The case page refetches (TanStack Query) and shows the routing.
    await page.reload();
    await pwExpect(page.getByText('已转送交办').first()).toBeVisible();
    expect(problemsOf(page)).toEqual([]);
  });
});
