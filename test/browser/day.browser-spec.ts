/**
 * A whole day at the petition office, clicked and typed in a real browser. Only the units and the
 * users are set up through the API (an administrator's one-off work); everything else is done
 * as the staff do it, and every screen is photographed and checked with axe-core.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, seedOffice, startTestPlatform, bearer, type TestPlatform } from '../support/embedded.js';
import { axe, choose, pwExpect, chooseCascade, launch, login, logout, newPage, problemsOf, screen } from './support/browser.js';

const ID = '450302198001011238';
let t: TestPlatform;
let browser: Browser;
let page: Page;
let tokens: Record<string, string>;
let caseId = '';
let trackingNo = '';

async function check(name: string) {
  await screen(page, name);
  expect(await axe(page, name)).toEqual([]);
}

async function api<T>(path: string, token = tokens.admin): Promise<T> {
  const res = await t.http().get(path).set(bearer(token));
  expect(res.status).toBe(200);
  return res.body as T;
}

beforeAll(async () => {
  t = await startTestPlatform();
  tokens = await seedOffice(t);
  browser = await launch();
  ({ page } = await newPage(browser, t.platform.url));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

// The day is one story: once a step fails, the later ones fail at once (never skipped).
let broken: string | null = null;
beforeEach(() => {
  if (broken) throw new Error(`an earlier step failed: ${broken}`);
  broken = expect.getState().currentTestName ?? 'unknown step';
});
afterEach(async () => {
  // a step that did not reach its end leaves a picture of where it stopped
  if (broken) await page.screenshot({ path: `test-artifacts/screens/failed-${broken.replace(/[^\w\u4e00-\u9fff]+/g, '-').slice(-60)}.png`, fullPage: true }).catch(() => {});
  expect(problemsOf(page)).toEqual([]);
});
const passed = () => {
  broken = null;
};

describe('a day at the petition office, in the browser', () => {
  it('a wrong password is refused beside the form; the clerk then lands on the reception desk', async () => {
    await page.goto('/');
    await pwExpect(page).toHaveURL(/\/login$/);
    await page.getByLabel('用户名').fill('reception1');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await pwExpect(page.getByRole('alert')).toContainText('用户名或密码错误');
    await check('01-login-error');
    await page.getByLabel('密码').fill('reception1-pass');
    await page.getByRole('button', { name: '登录' }).click();
    await pwExpect(page).toHaveURL(/\/reception$/);
    await pwExpect(page.getByRole('link', { name: '接待登记' })).toBeVisible();
    await pwExpect(page.getByRole('link', { name: '案件列表' })).toBeVisible();
    await pwExpect(page.getByRole('link', { name: '系统管理' })).toHaveCount(0);
    await pwExpect(page.getByText('登记接待人员')).toBeVisible();
    passed();
  });

  it('the clerk registers a group visit handed down by the province and gets its tracking number', async () => {
    await check('02-reception-empty');
    await choose(page, page.getByLabel('来源渠道'), '走访');
    await page.getByLabel('信访人姓名').fill('王五');
    await page.getByLabel('身份证号').fill(ID);
    await page.getByLabel('联系电话').fill('13812345678');
    await page.getByLabel('住址').fill('阳和街道幸福小区 3 栋');
    await page.getByRole('button', { name: '添加信访人' }).click();
    await page.getByLabel('信访人姓名').nth(1).fill('李四');
    await page.getByLabel('联系电话').nth(1).fill('13987654321');
    await page.getByLabel('人数').fill('6');
    await choose(page, page.getByLabel('信访目的'), '申诉求决');
    await chooseCascade(page, page.getByLabel('内容分类'), ['城乡建设']);
    await page.getByLabel('信访事项摘要').fill('小区加装电梯补贴未发放');
    await page.getByLabel('主要诉求及事实').fill('六户居民反映，2023 年加装电梯的政府补贴至今未发放，请求尽快落实。');
    await choose(page, page.getByLabel('交办机关'), '省(自治区)');
    await page.getByLabel('交办文号').fill('桂信交〔2026〕12 号');
    await page.getByLabel('积案').check();
    // the person's record shows beside the form as soon as the identity number is complete
    await pwExpect(page.getByRole('heading', { name: '该信访人的信访记录' })).toBeVisible();
    await pwExpect(page.getByText('没有此人的信访记录')).toBeVisible();
    await check('03-reception-filled');
    await page.getByRole('button', { name: '登记' }).click();
    const number = page.getByLabel('信访编号');
    await pwExpect(number).toHaveText(/^XF\d{8}[0-9A-F]{8}$/);
    trackingNo = (await number.textContent())!.trim();
    await pwExpect(page.getByRole('button', { name: '打印回执' })).toBeVisible();
    await check('04-reception-registered');
    const found = await api<{ items: { id: string; headcount: number; groupVisit: boolean; assignedBy: { authority: string } }[] }>(`/api/v1/petitions?trackingNo=${trackingNo}`);
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ headcount: 6, groupVisit: true, assignedBy: { authority: 'provincial' } });
    caseId = found.items[0].id;
    passed();
  });

  it('the receipt prints alone, with the tracking number', async () => {
    await page.emulateMedia({ media: 'print' });
    await pwExpect(page.getByRole('region', { name: '登记回执' })).toBeVisible();
    await pwExpect(page.getByRole('region', { name: '登记回执' })).toContainText(trackingNo);
    await pwExpect(page.getByRole('button', { name: '打印回执' })).toBeHidden();
    await page.screenshot({ path: 'test-artifacts/screens/05-receipt-print.png', fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    passed();
  });

  it('the same person on the same matter again is a repeat contact linked to the open case', async () => {
    await page.getByRole('button', { name: '继续登记' }).click();
    await choose(page, page.getByLabel('来源渠道'), '来电');
    await page.getByLabel('信访人姓名').fill('王五');
    await page.getByLabel('身份证号').fill(ID);
    await pwExpect(page.getByRole('link', { name: trackingNo })).toBeVisible();
    await choose(page, page.getByLabel('信访目的'), '申诉求决');
    await chooseCascade(page, page.getByLabel('内容分类'), ['城乡建设']);
    await page.getByLabel('信访事项摘要').fill('再次反映电梯补贴');
    await page.getByLabel('主要诉求及事实').fill('来电催问补贴发放进度。');
    await check('06-reception-history');
    await page.getByRole('button', { name: '登记' }).click();
    await pwExpect(page.getByText('重复信访', { exact: true })).toBeVisible();
    const link = page.getByRole('link', { name: new RegExp(`查看在办案件 ${trackingNo}`) });
    await pwExpect(link).toHaveAttribute('href', `/cases/${caseId}`);
    await check('07-reception-repeat');
    const view = await api<{ repeatContacts: number }>(`/api/v1/petitions/${caseId}`);
    expect(view.repeatContacts).toBe(1);
    passed();
  });

  it('field errors from the API appear beside their fields, and nothing typed is lost', async () => {
    await page.getByRole('button', { name: '继续登记' }).click();
    await page.getByLabel('信访人姓名').fill('赵六');
    await page.getByLabel('身份证号').fill('12345');
    await choose(page, page.getByLabel('信访目的'), '意见建议');
    await chooseCascade(page, page.getByLabel('内容分类'), ['交通运输']);
    await page.getByLabel('信访事项摘要').fill('建议增设公交站点');
    await page.getByLabel('主要诉求及事实').fill('建议在幸福小区门口增设公交站点。');
    await page.getByRole('button', { name: '登记' }).click();
    const idItem = page.locator('.ant-form-item').filter({ has: page.getByLabel('身份证号') });
    await pwExpect(idItem.locator('.ant-form-item-explain-error')).toContainText('身份证号');
    await pwExpect(page.getByLabel('信访事项摘要')).toHaveValue('建议增设公交站点');
    await pwExpect(page.getByLabel('信访人姓名')).toHaveValue('赵六');
    await check('08-reception-field-error');
    passed();
  });

  it('the office routes the case (交办) to the housing bureau from its case page', async () => {
    await logout(page);
    await login(page, 'office1', 'office1-pass');
    await pwExpect(page).toHaveURL(/\/cases$/);
    await pwExpect(page.getByRole('link', { name: trackingNo })).toBeVisible();
    await check('09-cases-office');
    await page.getByRole('link', { name: trackingNo }).click();
    await pwExpect(page.getByRole('heading', { name: '基本信息' })).toBeVisible();
    await pwExpect(page.getByRole('heading', { name: '办理期限' })).toBeVisible();
    await pwExpect(page.getByRole('heading', { name: '办理过程' })).toBeVisible();
    await pwExpect(page.getByRole('button', { name: '受理', exact: true })).toHaveCount(0);
    await check('10-case-registered');
    await page.getByRole('button', { name: '交办' }).click();
    const dialog = page.getByRole('dialog', { name: '交办' });
    await choose(page, dialog.getByLabel('责任单位'), '住房和城乡建设局');
    await pwExpect(dialog.getByText('对办理期限的影响')).toBeVisible();
    await check('11-dialog-route');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toBeHidden();
    await pwExpect(page.getByText('已转送交办').first()).toBeVisible();
    const view = await api<{ status: string; unitCode: string; routeMode: string }>(`/api/v1/petitions/${caseId}`);
    expect(view).toMatchObject({ status: 'routed', unitCode: 'housing', routeMode: 'assign' });
    passed();
  });

  it('the leader sees the assigned backlog and supervises the case from it', async () => {
    await logout(page);
    await login(page, 'leader1', 'leader1-pass');
    await pwExpect(page).toHaveURL(/\/dashboard$/);
    const backlog = page.locator('.backlog');
    await pwExpect(page.getByRole('heading', { name: '交办积案' })).toBeVisible();
    await pwExpect(backlog.getByRole('link', { name: trackingNo })).toBeVisible();
    await pwExpect(page.getByRole('heading', { name: '办结率', exact: true })).toBeVisible();
    await check('12-dashboard-before');
    await backlog.getByRole('button', { name: `督办 ${trackingNo}` }).click();
    const dialog = page.getByRole('dialog', { name: '督办' });
    await dialog.getByLabel('督办意见').fill('请住建局 5 日内报告补贴发放进度。');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toBeHidden();
    await pwExpect(backlog.getByText('已督办').first()).toBeVisible();
    const view = await api<{ supervised: boolean }>(`/api/v1/petitions/${caseId}`);
    expect(view.supervised).toBe(true);
    passed();
  });

  it('the handler accepts, extends (and sees the new due date) and closes', async () => {
    await logout(page);
    await login(page, 'housing1', 'housing1-pass');
    await pwExpect(page).toHaveURL(/\/cases$/);
    await pwExpect(page.getByText('超期')).not.toHaveCount(0);
    await check('13-cases-handler');
    await page.getByRole('link', { name: trackingNo }).click();
    await page.getByRole('button', { name: '受理', exact: true }).click();
    let dialog = page.getByRole('dialog', { name: '受理' });
    await pwExpect(dialog.getByText(/办理期限 60 日/)).toBeVisible();
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toBeHidden();
    await pwExpect(page.getByText('已受理').first()).toBeVisible();
    const accepted = await api<{ deadlines: { kind: string; lastDay: string }[] }>(`/api/v1/petitions/${caseId}`);
    const handling = accepted.deadlines.find((d) => d.kind === 'handling')!;

    await page.getByRole('button', { name: '延期' }).click();
    dialog = page.getByRole('dialog', { name: '延期' });
    await dialog.getByLabel('延期天数').fill('10');
    await dialog.getByLabel('延期理由').fill('需会同财政部门核实补贴资金');
    await dialog.getByLabel('批准人').fill('住建局局长 陈明');
    const extendedLastDay = addDays(handling.lastDay, 10);
    await pwExpect(dialog.getByText(new RegExp(extendedLastDay))).toBeVisible();
    await check('14-dialog-extend');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toBeHidden();
    const deadlines = page.locator('.panel').filter({ has: page.getByRole('heading', { name: '办理期限' }) });
    await pwExpect(deadlines.getByText(`${extendedLastDay} 24:00`)).toBeVisible();

    // 10 + 25 days passes the 30 of Art. 34: the dialog says so and keeps what was typed
    await page.getByRole('button', { name: '延期' }).click();
    await dialog.getByLabel('延期天数').fill('25');
    await dialog.getByLabel('延期理由').fill('资金仍未到位');
    await dialog.getByLabel('批准人').fill('住建局局长 陈明');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog.locator('.ant-alert-error')).toContainText('第三十四条');
    await pwExpect(dialog).toBeVisible();
    await pwExpect(dialog.getByLabel('延期理由')).toHaveValue('资金仍未到位');
    await pwExpect(dialog.getByLabel('延期天数')).toHaveValue('25');
    await check('15-dialog-extend-refused');
    await dialog.getByRole('button', { name: '取消' }).click();

    await page.getByRole('button', { name: '办结' }).click();
    dialog = page.getByRole('dialog', { name: '办结' });
    await choose(page, dialog.getByLabel('办结类型'), '实体性办结');
    await choose(page, dialog.getByLabel('处理结果'), '支持');
    await dialog.getByLabel('处理意见').fill('经核实，补贴已于本月拨付到户，申请人诉求合理，予以支持。');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toBeHidden();
    await pwExpect(page.getByText('已办结').first()).toBeVisible();
    await check('16-case-closed');
    passed();
  });

  it('another unit’s handler cannot open the case', async () => {
    await logout(page);
    await login(page, 'labour1', 'labour1-pass');
    await pwExpect(page.getByRole('link', { name: trackingNo })).toHaveCount(0);
    await page.goto(`/cases/${caseId}`);
    await pwExpect(page.getByText('无权查看此案件')).toBeVisible();
    await check('17-case-other-unit');
    passed();
  });

  it('the reception records the petitioner’s rating', async () => {
    await logout(page);
    await login(page, 'reception1', 'reception1-pass');
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('button', { name: '满意度评价' }).click();
    const dialog = page.getByRole('dialog', { name: '满意度评价' });
    await choose(page, dialog.getByLabel('评价结果'), '满意');
    await dialog.getByRole('button', { name: '确定' }).click();
    await pwExpect(dialog).toBeHidden();
    const view = await api<{ evaluation: { rating: string } }>(`/api/v1/petitions/${caseId}`);
    expect(view.evaluation.rating).toBe('satisfied');
    passed();
  });

  it('the leader sees the counts and rates change and the backlog emptied', async () => {
    await logout(page);
    await login(page, 'leader1', 'leader1-pass');
    const closure = page.locator('.rate-card').filter({ has: page.getByRole('heading', { name: '办结率', exact: true }) });
    await pwExpect(closure).toContainText('1 / 1');
    const satisfaction = page.locator('.rate-card').filter({ has: page.getByRole('heading', { name: '满意率', exact: true }) });
    await pwExpect(satisfaction).toContainText('100.0%');
    await pwExpect(page.locator('.backlog').getByRole('link', { name: trackingNo })).toHaveCount(0);
    await check('18-dashboard-after');
    // Clicking a card lists the cases behind it: the closed case in 办结率's numerator, then its denominator.
    await closure.click();
    const drawer = page.getByRole('dialog', { name: '办结率：涉及案件' });
    await pwExpect(drawer.getByRole('link', { name: trackingNo })).toBeVisible();
    await pwExpect(drawer).toContainText('共 1 件');
    await drawer.getByText('分母案件').click();
    await pwExpect(drawer.getByRole('link', { name: trackingNo })).toBeVisible();
    await check('18b-dashboard-drill-down');
    await drawer.getByRole('link', { name: trackingNo }).click();
    await pwExpect(page).toHaveURL(new RegExp(`/cases/${caseId}$`));
    await page.goBack();
    await page.getByRole('link', { name: '年度报告' }).click();
    await pwExpect(page.getByRole('button', { name: '下载 Excel' })).toBeVisible();
    await check('19-annual');
    passed();
  });

  it('the administrator manages users and units', async () => {
    await logout(page);
    await login(page, 'admin', ADMIN_PASSWORD);
    await pwExpect(page).toHaveURL(/\/admin$/);
    await pwExpect(page.getByRole('tab', { name: '用户' })).toBeVisible();
    await page.getByLabel('用户名').fill('civil1');
    await page.getByLabel('姓名').fill('民政局经办人');
    await page.getByLabel('初始密码').fill('civil1-pass');
    await choose(page, page.getByLabel('角色'), '责任单位经办人', { keepOpen: true });
    await page.keyboard.press('Escape');
    await choose(page, page.getByLabel('所属单位'), '人力资源和社会保障局');
    await page.getByRole('button', { name: '新增用户' }).click();
    await pwExpect(page.getByRole('cell', { name: 'civil1' })).toBeVisible();
    await check('20-admin-users');
    await page.getByRole('tab', { name: '单位' }).click();
    await page.getByLabel('单位代码').fill('civil');
    await page.getByLabel('单位名称').fill('民政局');
    await page.getByRole('button', { name: '新增单位' }).click();
    await pwExpect(page.getByRole('cell', { name: '民政局', exact: true })).toBeVisible();
    await check('21-admin-units');
    passed();
  });
});

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
