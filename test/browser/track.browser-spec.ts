/**
 * Issue 13 in the browser, 信访查询 (/track): the clerk registers a walk-in and sees the query code
 * with the tracking number; the petitioner, without an account, follows the case with the two
 * values on a PC (1366×768) and on a phone (375×667), rates it and asks for review. Screenshots
 * of each screen, axe on each.
 */
import type { Browser, Page } from 'playwright-core';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';
import { axe, choose, chooseCascade, launch, login, logout, newPage, PHONE, problemsOf, pwExpect, screen } from './support/browser.js';

let t: TestPlatform;
let browser: Browser;
let tokens: Record<string, string>;

beforeAll(async () => {
  t = await startTestPlatform({ PUBLIC_RATE_PER_ADDRESS: '10000' });
  tokens = await seedOffice(t);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const staff = (path: string, who: string, body: object = {}) => t.http().post(path).set(bearer(tokens[who])).send(body);

/** The office routes the case to the housing bureau, which accepts and closes it. */
async function handle(id: string): Promise<void> {
  await staff(`/api/v1/petitions/${id}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
  await staff(`/api/v1/petitions/${id}/accept`, 'housing1').expect(200);
  await staff(`/api/v1/petitions/${id}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '经核实，电梯补贴已拨付到位。' }).expect(200);
}

/** The petitioner types the receipt's two values and asks. */
async function follow(page: Page, trackingNo: string, queryCode: string): Promise<void> {
  await page.goto('/track');
  await pwExpect(page.getByRole('heading', { name: '信访查询' })).toBeVisible();
  await page.getByLabel('信访编号').fill(trackingNo);
  await page.getByLabel('查询码').fill(queryCode);
  await page.getByRole('button', { name: '查询' }).click();
  await pwExpect(page.getByRole('heading', { name: '办理情况' })).toBeVisible();
}

/** Rates 满意 with a comment, then asks for review and confirms in the dialog. */
async function rateAndAskForReview(page: Page, name: string): Promise<void> {
  const rating = page.locator('.panel').filter({ has: page.getByRole('heading', { name: '满意度评价' }) });
  await rating.getByRole('radio', { name: '满意', exact: true }).check();
  await rating.getByLabel('评价意见（选填）').fill('办理及时，答复清楚。');
  await rating.getByRole('button', { name: '提交评价' }).click();
  await pwExpect(page.getByRole('heading', { name: '满意度评价' })).toHaveCount(0);
  await pwExpect(page.getByText('满意（', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: '申请复查' }).click();
  const dialog = page.getByRole('dialog', { name: '申请复查' });
  await pwExpect(dialog).toContainText('第三十五条');
  await screen(page, `${name}-review-dialog`);
  expect(await axe(page, `${name}-review-dialog`)).toEqual([]);
  await dialog.getByRole('button', { name: '确定' }).click();
  await pwExpect(dialog).toBeHidden();
  await pwExpect(page.getByText('已申请复查，正在复查')).toBeVisible();
  await pwExpect(page.getByRole('button', { name: '申请复查' })).toHaveCount(0);
  await pwExpect(page.getByRole('heading', { name: '复查', exact: true })).toBeVisible();
  await screen(page, `${name}-under-review`);
  expect(await axe(page, `${name}-under-review`)).toEqual([]);
}

describe('信访查询 on a PC (1366×768)', () => {
  it('the clerk’s registration shows the query code with the tracking number; the petitioner follows, rates and asks for review without an account', async () => {
    const { page, context } = await newPage(browser, t.platform.url);
    await login(page, 'reception1', 'reception1-pass');
    await choose(page, page.getByLabel('来源渠道'), '走访');
    await page.getByLabel('信访人姓名').fill('覃志远');
    await page.getByLabel('身份证号').fill(idNumberOf('45030219750612003'));
    await choose(page, page.getByLabel('信访目的'), '申诉求决');
    await chooseCascade(page, page.getByLabel('内容分类'), ['城乡建设']);
    await page.getByLabel('信访事项摘要').fill('小区加装电梯补贴未发放');
    await page.getByLabel('主要诉求及事实').fill('反映小区加装电梯已完工验收，政府补贴至今未发放。');
    await page.getByRole('button', { name: '登记' }).click();
    await pwExpect(page.getByText('登记成功', { exact: true })).toBeVisible();
    const trackingNo = (await page.getByLabel('信访编号').textContent())!.trim();
    const queryCode = (await page.getByLabel('查询码').textContent())!.trim();
    expect(trackingNo).toMatch(/^XF\d{8}[0-9A-F]{8}$/);
    expect(queryCode).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
    await pwExpect(page.locator('.track-hint')).toContainText(/可在“信访查询”页面（http:\/\/[^）]+\/track）查询办理进展/);
    // The printed receipt carries both values and says how to follow the case.
    // (shown only when printed: the print stylesheet)
    const receipt = page.locator('section.receipt');
    await pwExpect(receipt).toContainText(queryCode);
    await pwExpect(receipt).toContainText('凭信访编号和查询码');
    await screen(page, 'track-reception-query-code');
    expect(await axe(page, 'track-reception-query-code')).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    await pwExpect(receipt).toBeVisible();
    await screen(page, 'track-reception-receipt-print');
    // Printing it (Chromium's own PDF of the print media): one A4 page, holding the two values.
    const pdf = (await page.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).toHaveLength(1);
    const mediaBox = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf);
    // A4 is 595.3 × 841.9 points; Chromium writes whole points, rounded up.
    expect(mediaBox).not.toBeNull();
    expect(Math.abs(Number(mediaBox![1]) - 595.3)).toBeLessThan(1.5);
    expect(Math.abs(Number(mediaBox![2]) - 841.9)).toBeLessThan(1.5);
    await page.emulateMedia({ media: 'screen' });
    const id = (await page.getByRole('link', { name: '查看案件' }).getAttribute('href'))!.split('/').pop()!;
    await logout(page);

    // Not signed in: the page opens, with no staff navigation.
    await page.goto('/track');
    await pwExpect(page.getByRole('heading', { name: '信访查询' })).toBeVisible();
    await pwExpect(page.getByRole('navigation', { name: '主导航' })).toHaveCount(0);
    await pwExpect(page.getByRole('button', { name: '退出登录' })).toHaveCount(0);
    await screen(page, 'track-pc-form');
    expect(await axe(page, 'track-pc-form')).toEqual([]);

    // A wrong code: said beside the form, and nothing else.
    await page.getByLabel('信访编号').fill(trackingNo);
    await page.getByLabel('查询码').fill(queryCode === '222222' ? '333333' : '222222');
    await page.getByRole('button', { name: '查询' }).click();
    await pwExpect(page.getByRole('alert')).toContainText('信访编号或查询码不正确');
    await screen(page, 'track-pc-wrong-code');
    expect(await axe(page, 'track-pc-wrong-code')).toEqual([]);

    await follow(page, trackingNo, queryCode);
    await pwExpect(page.getByText('已登记，等待信访部门转送或交办责任单位')).toBeVisible();
    await pwExpect(page.getByRole('heading', { name: '满意度评价' })).toHaveCount(0);

    await handle(id);
    await follow(page, trackingNo.toLowerCase(), queryCode.toLowerCase());
    await pwExpect(page.getByText('已办结，已出具处理意见')).toBeVisible();
    await pwExpect(page.locator('.track-facts')).toContainText('住房和城乡建设局');
    await pwExpect(page.getByRole('heading', { name: '处理意见', exact: true })).toBeVisible();
    await pwExpect(page.getByText('经核实，电梯补贴已拨付到位。')).toBeVisible();
    for (const h of ['满意度评价', '申请复查', '办理过程', '办理期限']) await pwExpect(page.getByRole('heading', { name: h, exact: true })).toBeVisible();
    await pwExpect(page.getByText('转送至住房和城乡建设局办理')).toBeVisible();
    await pwExpect(page.getByText(/第三十五条/).first()).toBeVisible();
    // No staff name on the page.
    for (const name of ['接待员', '住建局经办人', 'reception1', 'housing1']) await pwExpect(page.getByText(name)).toHaveCount(0);
    await screen(page, 'track-pc-closed');
    expect(await axe(page, 'track-pc-closed')).toEqual([]);

    await rateAndAskForReview(page, 'track-pc');

    // The petitioner lost the receipt: the desk issues a new code on the case page (重新生成查询码).
    await login(page, 'reception1', 'reception1-pass');
    await page.goto(`/cases/${id}`);
    await page.getByRole('button', { name: '重新生成查询码' }).click();
    const reissue = page.getByRole('dialog', { name: '重新生成查询码' });
    await pwExpect(reissue).toContainText('原查询码立即失效');
    await reissue.getByRole('button', { name: '确定' }).click();
    const shown = reissue.locator('.reissued-code');
    await pwExpect(shown).toHaveText(/^[2-9A-HJ-NP-Z]{6}$/);
    const newCode = (await shown.textContent())!.trim();
    expect(newCode).not.toBe(queryCode);
    await screen(page, 'track-pc-query-code-reissued');
    expect(await axe(page, 'track-pc-query-code-reissued')).toEqual([]);
    await reissue.getByRole('button', { name: '完成' }).click();
    await pwExpect(reissue).toBeHidden();
    await logout(page);
    // The old code no longer opens the case; the new one does.
    await page.goto('/track');
    await page.getByLabel('信访编号').fill(trackingNo);
    await page.getByLabel('查询码').fill(queryCode);
    await page.getByRole('button', { name: '查询' }).click();
    await pwExpect(page.getByRole('alert')).toContainText('信访编号或查询码不正确');
    await follow(page, trackingNo, newCode);
    await pwExpect(page.getByText('已申请复查，正在复查')).toBeVisible();
    expect(problemsOf(page)).toEqual([]);
    await context.close();
  });
});

describe('信访查询 on a phone (375×667)', () => {
  it('fits the screen (nothing wider than it) and does the same', async () => {
    const reg = (await staff('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '黎秀英', idNumber: idNumberOf('45030219780301004') }], summary: '小区路灯损坏多日未修' })).expect(201))
      .body;
    await handle(reg.id);
    const { page, context } = await newPage(browser, t.platform.url, PHONE);
    const fits = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);

    await page.goto('/track');
    await pwExpect(page.getByRole('button', { name: '查询' })).toBeVisible();
    await fits();
    await screen(page, 'track-phone-form');
    expect(await axe(page, 'track-phone-form')).toEqual([]);

    await follow(page, reg.trackingNo, reg.queryCode);
    await pwExpect(page.getByText('已办结，已出具处理意见')).toBeVisible();
    await pwExpect(page.getByRole('button', { name: '申请复查' })).toBeVisible();
    await fits();
    await screen(page, 'track-phone-closed');
    expect(await axe(page, 'track-phone-closed')).toEqual([]);

    await rateAndAskForReview(page, 'track-phone');
    await fits();
    expect(problemsOf(page)).toEqual([]);
    await context.close();
  });
});
