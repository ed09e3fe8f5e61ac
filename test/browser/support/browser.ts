import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect as playwrightExpect } from '@playwright/test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's package (global-setup.mjs checks it is there). */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Playwright's auto-waiting locator assertions; a busy 2-core CI machine gets 10 s. */
export const pwExpect = playwrightExpect.configure({ timeout: 10_000 });

export const SCREENS = join(process.cwd(), 'test-artifacts/screens');
export const VIEWPORT = { width: 1366, height: 768 };

/** Debian's Chromium with the flags the machine documents; playwright-core never downloads one. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A phone (iPhone 6/7/8 size, 375×667 CSS pixels), for the pages people open on one (/track). */
export const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export async function newPage(
  browser: Browser,
  baseURL: string,
  device: { viewport: { width: number; height: number }; isMobile?: boolean; hasTouch?: boolean; deviceScaleFactor?: number } = { viewport: VIEWPORT },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, ...device, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  return { context, page };
}

/** Uncaught errors and console errors of the page (a CSP refusal shows up here too). */
export const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await pwExpect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await pwExpect(page.getByLabel('用户名')).toBeVisible();
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Picks an option of an Ant Design select (or cascader level) by its visible text. */
export async function choose(page: Page, field: Locator, option: string, opts: { keepOpen?: boolean } = {}): Promise<void> {
  await field.click();
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await open
    .locator('.ant-select-item-option')
    .filter({ hasText: exactly(option) })
    .first()
    .click();
  // a single select closes on the click; a multiple one stays open until Escape
  if (!opts.keepOpen) await pwExpect(open).toHaveCount(0);
}

export async function chooseCascade(page: Page, field: Locator, path: string[]): Promise<void> {
  await field.click();
  for (const [i, name] of path.entries()) {
    const menu = page.locator('.ant-cascader-dropdown:not(.ant-select-dropdown-hidden) .ant-cascader-menu').nth(i);
    await menu
      .locator('.ant-cascader-menu-item')
      .filter({ hasText: exactly(name) })
      .click();
  }
  await page.keyboard.press('Escape');
  await pwExpect(page.locator('.ant-cascader-dropdown:not(.ant-select-dropdown-hidden)')).toHaveCount(0);
}

/** Writes test-artifacts/screens/<name>.png at the page's viewport (1366×768 unless a phone's; the full page). */
export async function screen(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.waitForLoadState('networkidle');
  // a lazily loaded page or a loading table shows a spinner: photograph what people then see
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
}

/** axe-core: no serious or critical violation on the screen as it is now. */
export async function axe(page: Page, name: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  mkdirSync(SCREENS, { recursive: true });
  writeFileSync(
    join(SCREENS, `${name}.axe.json`),
    JSON.stringify(
      result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) })),
      null,
      2,
    ),
  );
  return bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
