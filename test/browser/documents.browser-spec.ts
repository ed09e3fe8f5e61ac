/**
 * Issue 13 in the browser: the case page's panel 文书 lists the documents the case has given rise
 * to; 下载 Word saves the .docx (its number and the petitioner's complete data inside), 打印 opens
 * the print page in a new tab; each rendering then shows on the timeline (出具文书).
 */
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';
import { axe, launch, login, newPage, problemsOf, pwExpect, screen } from './support/browser.js';

let t: TestPlatform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let caseId: string;
let tokens: Record<string, string>;

beforeAll(async () => {
  t = await startTestPlatform();
  tokens = await seedOffice(t);
  const reg = await t
    .http()
    .post('/api/v1/petitions')
    .set(bearer(tokens.reception1))
    .send(walkIn({ petitioners: [{ name: '王五', idNumber: '45030219800101122X', phone: '13812345678', address: '阳和街道幸福小区 3 栋' }] }))
    .expect(201);
  caseId = reg.body.id;
  await t.http().post(`/api/v1/petitions/${caseId}/route`).set(bearer(tokens.office1)).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
  await t.http().post(`/api/v1/petitions/${caseId}/accept`).set(bearer(tokens.housing1)).send({}).expect(200);
  browser = await launch();
  ({ context, page } = await newPage(browser, t.platform.url));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('the case page’s documents (文书)', () => {
  it('lists the receipt and the acceptance notice; 下载 Word saves the .docx, 打印 opens the print page; the timeline records both', async () => {
    await login(page, 'housing1', 'housing1-pass');
    await page.goto(`/cases/${caseId}`);
    const panel = page.locator('.panel').filter({ has: page.getByRole('heading', { name: '文书' }) });
    await pwExpect(panel.getByText('信访事项登记回执')).toBeVisible();
    await pwExpect(panel.getByText('信访事项受理告知书')).toBeVisible();
    await pwExpect(panel.getByText('信访事项处理意见书')).toHaveCount(0);
    await pwExpect(panel.getByText('尚未出具（首次出具时编号）')).toHaveCount(2);
    // the documents' buttons keep their own names: the case page's actions (受理, 延期 …) are still found by theirs
    await pwExpect(page.getByRole('button', { name: '延期' })).toHaveCount(1);
    await pwExpect(page.getByRole('button', { name: '受理' })).toHaveCount(0);

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('group', { name: '信访事项受理告知书' }).getByRole('button', { name: '下载 Word' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^信访事项受理告知书-XF\d{8}[0-9A-F]{8}\.docx$/);
    const zip = await JSZip.loadAsync(readFileSync((await download.path())!));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toMatch(/〔\d{4}〕1号/);
    for (const s of ['信访事项受理告知书', '住房和城乡建设局', '45030219800101122X', '13812345678']) expect([s, xml.includes(s)]).toEqual([s, true]);
    // the number is in the list now, and the rendering on the timeline
    await pwExpect(panel.getByText(/^〔\d{4}〕1号 · 已出具 1 次/)).toBeVisible();
    const timeline = page.locator('.timeline-panel');
    await pwExpect(timeline.getByText(/^信访事项受理告知书〔\d{4}〕1号 · Word$/)).toBeVisible();

    const [tab] = await Promise.all([context.waitForEvent('page'), panel.getByRole('group', { name: '信访事项受理告知书' }).getByRole('button', { name: '打印' }).click()]);
    await pwExpect(tab.getByRole('heading', { name: '信访事项受理告知书' })).toBeVisible();
    await pwExpect(tab.getByText('45030219800101122X')).toBeVisible();
    await pwExpect(tab.getByText(/自受理之日起60日内（至二〇\S+止）办结/)).toBeVisible();
    await tab.screenshot({ path: 'test-artifacts/screens/documents-print-page.png', fullPage: true });
    await tab.close();
    await pwExpect(timeline.getByText(/^信访事项受理告知书〔\d{4}〕1号 · 打印页面$/)).toBeVisible();
    await pwExpect(panel.getByText(/^〔\d{4}〕1号 · 已出具 2 次/)).toBeVisible();

    await screen(page, 'documents-case-page');
    expect(await axe(page, 'documents-case-page')).toEqual([]);
    expect(problemsOf(page)).toEqual([]);
  });

  it('已送达 records the acceptance notice served (today, 直接送达): the list and the timeline say so, and the deadline to tell the petitioner is met', async () => {
    const notice = async () =>
      (await t.http().get(`/api/v1/petitions/${caseId}`).set(bearer(tokens.housing1)).expect(200)).body.deadlines.find((d: { kind: string }) => d.kind === 'acceptance-notice');
    expect((await notice()).state).toBe('pending');
    const panel = page.locator('.panel').filter({ has: page.getByRole('heading', { name: '文书' }) });
    const group = panel.getByRole('group', { name: '信访事项受理告知书' });
    await pwExpect(group.getByText('尚未登记送达（告知受理期限以送达为准）')).toBeVisible();
    // The receipt was never rendered: nothing to serve yet.
    await pwExpect(panel.getByRole('group', { name: '信访事项登记回执' }).getByRole('button', { name: '已送达' })).toHaveCount(0);
    await group.getByRole('button', { name: '已送达' }).click();
    const dialog = page.getByRole('dialog', { name: '登记送达：信访事项受理告知书' });
    await pwExpect(dialog.getByLabel('送达日期')).toBeVisible();
    await pwExpect(dialog.getByText('直接送达')).toBeVisible();
    await screen(page, 'documents-serve-dialog');
    expect(await axe(page, 'documents-serve-dialog')).toEqual([]);
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toBeHidden();
    const today = (await notice()).metAt?.slice(0, 10);
    expect((await notice()).state).toBe('met');
    await pwExpect(group.getByText(`已送达：${today}，直接送达`)).toBeVisible();
    await pwExpect(group.getByRole('button', { name: '已送达' })).toHaveCount(0);
    await pwExpect(page.locator('.timeline-panel').getByText(new RegExp(`^信访事项受理告知书〔\\d{4}〕1号 · ${today} 直接送达$`))).toBeVisible();
    expect(problemsOf(page)).toEqual([]);
  });
});
