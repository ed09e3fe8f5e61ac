/** The registration form is filled and sent by keyboard alone: Tab, typing, Enter. */
import type { Browser, Page } from 'playwright-core';
import { seedOffice, startTestPlatform, type TestPlatform } from '../support/embedded.js';
import { launch, login, newPage, problemsOf, pwExpect, screen } from './support/browser.js';

let t: TestPlatform;
let browser: Browser;
let page: Page;
let tokens: Record<string, string>;

beforeAll(async () => {
  t = await startTestPlatform();
  tokens = await seedOffice(t);
  browser = await launch();
  ({ page } = await newPage(browser, t.platform.url));
  await login(page, 'reception1', 'reception1-pass');
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Tab until the field labelled `name` has the focus (at most `max` presses). */
async function tabTo(name: string, max = 30): Promise<void> {
  const target = page.getByLabel(name, { exact: true }).first();
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}`);
}

it('a clerk registers a letter without touching the mouse', async () => {
  await pwExpect(page.getByLabel('来源渠道')).toBeVisible();
  await tabTo('来源渠道');
  await page.keyboard.type('来信');
  await page.keyboard.press('Enter');
  await tabTo('信访人姓名');
  await page.keyboard.type('孙七');
  await page.keyboard.press('Tab');
  await page.keyboard.type('45030219900202123X');
  await page.keyboard.press('Tab');
  await page.keyboard.type('13700001111');
  await tabTo('信访目的');
  await page.keyboard.type('意见');
  await page.keyboard.press('Enter');
  await tabTo('内容分类');
  await page.keyboard.type('环境');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await tabTo('信访事项摘要');
  await page.keyboard.type('河道垃圾长期无人清理');
  await page.keyboard.press('Tab');
  await page.keyboard.type('来信反映幸福河下游垃圾堆积，建议定期清理。');
  await tabTo('信访事项摘要');
  await page.keyboard.press('Enter');
  const number = page.getByLabel('信访编号');
  await pwExpect(number).toHaveText(/^XF\d{8}[0-9A-F]{8}$/);
  await screen(page, '22-reception-keyboard');
  const found = await t
    .http()
    .get(`/api/v1/petitions?trackingNo=${(await number.textContent())!.trim()}`)
    .set({ Authorization: `Bearer ${tokens.admin}` });
  expect(found.body.items[0]).toMatchObject({ channel: 'letter', purpose: 'suggestion', summary: '河道垃圾长期无人清理' });
  expect(found.body.items[0].category.split('.')[0]).toBe('environment');
  expect(problemsOf(page)).toEqual([]);
});
