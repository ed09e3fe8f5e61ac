/**
 * 领导驾驶舱's filters (责任单位, 交办机关, 来源渠道, 内容分类) and its 责任单位排名, in the browser.
 * Six cases are entered through the API (two units, two categories, one assigned from the
 * province, one not yet routed); the leader then filters the page by a unit, by the authority and
 * by a second-level category: every report request carries the filter, the figure cards, the
 * ranking and the charts show what the API answers for it, the drill-down lists the card's
 * numerator; the ranking is the breakdown by unit without 待转送. axe finds nothing serious.
 */
import type { Browser, Locator, Page, Request } from 'playwright-core';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';
import { axe, choose, launch, login, newPage, problemsOf, pwExpect, screen } from './support/browser.js';

interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}
interface Summary {
  received: { cases: number; contacts: number };
  closed: { total: number };
  rates: Record<string, Rate>;
}
interface BreakdownItem {
  key: string;
  received: number;
  closed: number;
  rates: { onTimeClosure: Rate; resolution: Rate; satisfaction: Rate };
}
interface Breakdown {
  filters: Record<string, string | null>;
  items: BreakdownItem[];
}

const UNITS: Record<string, string> = { housing: '住房和城乡建设局', labour: '人力资源和社会保障局' };

let t: TestPlatform;
let browser: Browser;
let page: Page;
let tokens: Record<string, string>;
/** The report requests the page sent (path and query). */
const sent: URL[] = [];

// the dashboard's default period: this year up to today, in office time (the browser's zone too)
const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
const period = { from: `${today.slice(0, 4)}-01-01`, to: today };

async function api<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const res = await t.http().get(path).query(query).set(bearer(tokens.leader1));
  expect(res.status).toBe(200);
  return res.body as T;
}
const summaryOf = (filters: Record<string, string> = {}) => api<Summary>('/api/v1/reports/summary', { ...period, ...filters });
const breakdownOf = (by: string, filters: Record<string, string> = {}) => api<Breakdown>('/api/v1/reports/breakdown', { by, ...period, ...filters });

const pct = (r: Rate) => (r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%`);
const rateText = (r: Rate) => (r.denominator === 0 ? '—' : `${pct(r)}（${r.numerator}/${r.denominator}）`);

/** One case as the staff enter it: registered, routed (转送, or 交办 when assigned from above), accepted, closed, rated. */
async function enter(o: { unit?: string; category: string; channel?: string; assignedBy?: object; accept?: boolean; close?: boolean; rating?: string }, n: number): Promise<string> {
  const post = (path: string, who: string, body: object) => t.http().post(path).set(bearer(tokens[who])).send(body);
  const body = walkIn({
    category: o.category,
    channel: o.channel ?? 'visit',
    petitioners: [{ name: `筛选${n}`, phone: '13812345678' }],
    summary: `驾驶舱筛选测试 ${n}`,
    ...(o.assignedBy ? { assignedBy: o.assignedBy } : {}),
  });
  const id = (await post('/api/v1/petitions', 'reception1', body).expect(201)).body.id as string;
  if (!o.unit) return id;
  await post(`/api/v1/petitions/${id}/route`, 'office1', { mode: o.assignedBy ? 'assign' : 'transfer', unitCode: o.unit }).expect(200);
  const handler = `${o.unit}1`;
  if (o.accept || o.close) await post(`/api/v1/petitions/${id}/accept`, handler, {}).expect(200);
  if (o.close) await post(`/api/v1/petitions/${id}/close`, handler, { kind: 'substantive', outcome: 'support', opinion: '经核实，予以支持。' }).expect(200);
  if (o.rating) await post(`/api/v1/petitions/${id}/evaluate`, 'reception1', { rating: o.rating }).expect(200);
  return id;
}

const card = (title: string): Locator => page.locator('.rate-card').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
const field = (name: string): Locator => page.getByLabel(name, { exact: true });
const rankingRows = (): Locator => page.locator('.unit-ranking tbody tr.ant-table-row');

/** The card shows the summary's rate and numerator / denominator. */
async function expectCard(title: string, r: Rate) {
  await pwExpect(card(title).getByLabel(`${title}分子/分母`)).toHaveText(`分子/分母：${r.numerator} / ${r.denominator}`);
  await pwExpect(card(title).locator('.ant-statistic-content')).toHaveText(pct(r));
}

/** The ranking table shows the breakdown by unit, 待转送 left out, in the API's order. */
async function expectRanking(b: Breakdown) {
  const expected = b.items
    .filter((i) => i.key !== 'unassigned')
    .map((i) => [UNITS[i.key], String(i.received), String(i.closed), rateText(i.rates.onTimeClosure), rateText(i.rates.resolution), rateText(i.rates.satisfaction)]);
  await pwExpect(rankingRows()).toHaveCount(expected.length);
  await pwExpect.poll(() => rankingRows().evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim())))).toEqual(expected);
}

/** Every report request since `mark` carried these filters (and no other). */
function expectSentWith(mark: number, filters: Record<string, string>) {
  const reports = sent.slice(mark).filter((u) => /\/reports\/(summary|breakdown|cases)$/.test(u.pathname));
  const keys = ['unitCode', 'authority', 'channel', 'purpose', 'category'];
  for (const u of reports)
    expect([u.pathname + u.search, Object.fromEntries(keys.filter((k) => u.searchParams.has(k)).map((k) => [k, u.searchParams.get(k)]))]).toEqual([u.pathname + u.search, filters]);
  return reports;
}

beforeAll(async () => {
  t = await startTestPlatform();
  tokens = await seedOffice(t);
  let n = 0;
  // 住建局: three cases about 城乡建设 (one closed, the petitioner dissatisfied)
  await enter({ unit: 'housing', category: 'urban-rural-construction.property-management', close: true, rating: 'dissatisfied' }, ++n);
  await enter({ unit: 'housing', category: 'urban-rural-construction', channel: 'phone', accept: true }, ++n);
  await enter({ unit: 'housing', category: 'urban-rural-construction.elevator-retrofit', channel: 'online' }, ++n);
  // 人社局: two about 劳动和社会保障, one assigned by the province, closed, the petitioner satisfied
  await enter({ unit: 'labour', category: 'labour-social-security.wage-arrears', assignedBy: { authority: 'provincial', reference: '桂信交〔2026〕7号' }, close: true, rating: 'satisfied' }, ++n);
  await enter({ unit: 'labour', category: 'labour-social-security', channel: 'phone', accept: true }, ++n);
  // not routed yet: 待转送
  await enter({ category: 'health' }, n + 1);
  // the reports are a read model fed by the events: wait until it has them all
  for (let i = 0; i < 200; i++) {
    const s = await summaryOf();
    if (s.received.cases === 6 && s.closed.total === 2 && s.rates.satisfaction.denominator === 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  browser = await launch();
  ({ page } = await newPage(browser, t.platform.url));
  page.on('request', (r: Request) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/v1/reports/')) sent.push(u);
  });
  await login(page, 'leader1', 'leader1-pass');
  await pwExpect(page).toHaveURL(/\/dashboard$/);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

afterEach(() => {
  if (page) expect(problemsOf(page)).toEqual([]);
});

describe('领导驾驶舱: filters and the unit ranking', () => {
  it('ranks the units as the breakdown by unit does, 待转送 left out; the rates sort', async () => {
    const all = await summaryOf();
    expect(all.received.cases).toBe(6);
    await expectCard('办结率', all.rates.closure);
    await expectCard('满意率', all.rates.satisfaction);
    const byUnit = await breakdownOf('unit');
    expect(byUnit.items.map((i) => i.key)).toEqual(['housing', 'labour', 'unassigned']);
    await pwExpect(page.getByRole('heading', { name: '责任单位排名' })).toBeVisible();
    await expectRanking(byUnit);
    await pwExpect(page.locator('.unit-ranking')).not.toContainText('待转送');
    // the chart still shows the cases not yet routed, by their name
    await pwExpect(page.getByRole('img', { name: /^按责任单位：/ })).toHaveAttribute('aria-label', `按责任单位：${UNITS.housing} 3 件；${UNITS.labour} 2 件；待转送 1 件`);
    // 满意率, highest first: 人社局 (1/1) before 住建局 (0/1)
    await page.locator('.unit-ranking th').filter({ hasText: '满意率' }).click();
    await pwExpect(rankingRows().first().locator('td').first()).toHaveText(UNITS.labour);
    await page.locator('.unit-ranking th').filter({ hasText: '满意率' }).click();
    await pwExpect(rankingRows().first().locator('td').first()).toHaveText(UNITS.housing);
    // a third click: back to the API's order
    await page.locator('.unit-ranking th').filter({ hasText: '满意率' }).click();
    await expectRanking(byUnit);
    await page.mouse.move(0, 0); // no sort tooltip in the picture
    await screen(page, '50-dashboard-ranking');
    expect(await axe(page, '50-dashboard-ranking')).toEqual([]);
  });

  it('责任单位 filters the cards, the charts, the ranking and the drill-down; cleared, all is back', async () => {
    const all = await summaryOf();
    const housing = await summaryOf({ unitCode: 'housing' });
    expect(housing.rates.closure.numerator).toBe(1);
    expect(housing.rates.closure).not.toEqual(all.rates.closure);

    let mark = sent.length;
    await choose(page, field('责任单位'), UNITS.housing);
    await expectCard('办结率', housing.rates.closure);
    await expectCard('满意率', housing.rates.satisfaction);
    await expectRanking(await breakdownOf('unit', { unitCode: 'housing' }));
    await pwExpect(page.getByRole('img', { name: /^按责任单位：/ })).toHaveAttribute('aria-label', `按责任单位：${UNITS.housing} 3 件`);
    await pwExpect(page.getByRole('img', { name: /^按内容分类：/ })).toHaveAttribute('aria-label', '按内容分类：城乡建设 3 件');
    const month = (await breakdownOf('month', { unitCode: 'housing' })).items.find((i) => i.key === today.slice(0, 7))!;
    await pwExpect(page.getByRole('img', { name: /^月度趋势：/ })).toHaveAttribute('aria-label', new RegExp(`${today.slice(0, 7)} 登记 ${month.received} 件、办结 ${month.closed} 件`));
    await pwExpect(page.getByText(`（筛选：责任单位 ${UNITS.housing}）`)).toBeVisible();
    // the backlog is every open assigned case, whatever the filters: the province's case is 人社局's and closed
    await pwExpect(page.locator('.backlog')).toContainText('没有在办的交办案件');
    const reports = expectSentWith(mark, { unitCode: 'housing' });
    expect(new Set(reports.map((u) => `${u.pathname}${u.searchParams.get('by') ? `?by=${u.searchParams.get('by')}` : ''}`))).toEqual(
      new Set(['/api/v1/reports/summary', '/api/v1/reports/breakdown?by=month', '/api/v1/reports/breakdown?by=unit', '/api/v1/reports/breakdown?by=category']),
    );
    await screen(page, '51-dashboard-filter-unit');
    expect(await axe(page, '51-dashboard-filter-unit')).toEqual([]);

    // the card's drill-down lists its numerator: the one housing case closed
    mark = sent.length;
    await card('办结率').getByRole('button', { name: '办结率：查看涉及案件' }).click();
    const drawer = page.getByRole('dialog', { name: '办结率：涉及案件' });
    await pwExpect(drawer).toContainText(`共 ${housing.rates.closure.numerator} 件`);
    await pwExpect(drawer.locator('tbody tr.ant-table-row')).toHaveCount(housing.rates.closure.numerator);
    await pwExpect(drawer.locator('tbody tr.ant-table-row').first()).toContainText(UNITS.housing);
    expect(expectSentWith(mark, { unitCode: 'housing' }).map((u) => u.pathname)).toContain('/api/v1/reports/cases');
    await screen(page, '52-dashboard-filter-drill-down');
    expect(await axe(page, '52-dashboard-filter-drill-down')).toEqual([]);
    await drawer.getByRole('button', { name: '关闭' }).click();
    await pwExpect(drawer).toBeHidden();

    // cleared (the select's own ×): every figure of every unit again
    mark = sent.length;
    const unitSelect = page.locator('.ant-select').filter({ has: field('责任单位') });
    await unitSelect.hover();
    await unitSelect.locator('.ant-select-clear').click();
    await expectCard('办结率', all.rates.closure);
    await expectRanking(await breakdownOf('unit'));
    await pwExpect(page.getByText(/（筛选：/)).toHaveCount(0);
    // Whatever was asked again carries no filter; whether anything was asked depends on the clock
    // (the unfiltered answers are served from the cache while fresher than the app's staleTime).
    expectSentWith(mark, {});
  });

  it('交办机关 and 内容分类 (a second level) filter the page the same way', async () => {
    // from no filter and no drawer (a failed step before may have left them)
    if (await page.getByRole('dialog').isVisible()) await page.keyboard.press('Escape');
    await pwExpect(page.getByRole('dialog')).toHaveCount(0);
    if (await page.getByRole('button', { name: '清除筛选' }).isVisible()) await page.getByRole('button', { name: '清除筛选' }).click();
    let mark = sent.length;
    await choose(page, field('交办机关'), '省(自治区)');
    const provincial = await summaryOf({ authority: 'provincial' });
    expect(provincial.received.cases).toBe(1);
    await expectCard('办结率', provincial.rates.closure);
    await expectCard('满意率', provincial.rates.satisfaction);
    await expectRanking(await breakdownOf('unit', { authority: 'provincial' }));
    expectSentWith(mark, { authority: 'provincial' });

    // 清除筛选 clears them all; then a second-level category from the tree
    await page.getByRole('button', { name: '清除筛选' }).click();
    await pwExpect(page.getByText(/（筛选：/)).toHaveCount(0);
    mark = sent.length;
    await field('内容分类').click();
    const tree = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    await field('内容分类').fill('物业管理');
    await tree
      .locator('.ant-select-tree-node-content-wrapper')
      .filter({ hasText: /^物业管理$/ })
      .click();
    await pwExpect(tree).toHaveCount(0);
    const property = await summaryOf({ category: 'urban-rural-construction.property-management' });
    expect(property.received.cases).toBe(1);
    await expectCard('办结率', property.rates.closure);
    await expectRanking(await breakdownOf('unit', { category: 'urban-rural-construction.property-management' }));
    await pwExpect(page.getByText('（筛选：内容分类 城乡建设 / 物业管理）')).toBeVisible();
    expectSentWith(mark, { category: 'urban-rural-construction.property-management' });
    await screen(page, '53-dashboard-filter-category');
    expect(await axe(page, '53-dashboard-filter-category')).toEqual([]);
  });
});
