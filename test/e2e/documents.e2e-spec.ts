import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import JSZip from 'jszip';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, login, type TestPlatform } from '../support/embedded.js';

/**
 * Issue 13, documents (文书): a case scripted through registration, routing, acceptance, extension,
 * closure, review and re-review (every act back-dated by the administrator, so every date is fixed),
 * a declined case, a case declined as exhausted and a supervised one; every document rendered in
 * both formats, the .docx unzipped and its text read, and checked for the facts and computed
 * dates it must carry; each rendering on the case's timeline.
 */

type Res = { status: number; body: unknown; text?: string; headers: Record<string, string> };
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** supertest: the answer's bytes as they came. */
const bytes = (res: NodeJS.ReadableStream, done: (e: Error | null, b: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');

/** The text of a .docx as Word shows it: word/document.xml, one line per paragraph. */
async function docxText(file: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(file);
  const xml = await zip.file('word/document.xml')!.async('string');
  return xml
    .split('</w:p>')
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1])).join(''))
    .filter(Boolean)
    .join('\n');
}

/** The text of the HTML page, tags taken away. */
const htmlText = (html: string) =>
  decode(
    html
      .replace(/<br>/g, '\n')
      .replace(/<style>[^]*?<\/style>/, '')
      .replace(/<[^>]+>/g, '\n'),
  ).replace(/\n+/g, '\n');

/** The Chinese file name of a Content-Disposition (RFC 5987 filename*). */
const fileNameOf = (cd: string) => decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(cd)![1]);

describe('documents (文书) rendered from the case', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const view = async (id: string, who = 'office1') => (await t.http().get(`/api/v1/petitions/${id}`).set(as(who)).expect(200)).body;
  const lastDay = (c: { deadlines: { kind: string; lastDay: string }[] }, kind: string) => c.deadlines.find((d) => d.kind === kind)!.lastDay;

  /** One document in one format, as `who`: its text (docx unzipped, html without tags) and the answer. */
  async function render(id: string, kind: string, format: 'docx' | 'html', who = 'office1'): Promise<{ text: string; res: Res; number: string }> {
    const res = (await t
      .http()
      .get(`/api/v1/petitions/${id}/documents/${kind}`)
      .query({ format })
      .set(as(who))
      .buffer(true)
      .parse(bytes as never)) as unknown as Res & { body: Buffer };
    expect([kind, format, res.status]).toEqual([kind, format, 200]);
    const text = format === 'docx' ? await docxText(res.body) : htmlText(res.body.toString('utf8'));
    if (format === 'html') expect(res.body.toString('utf8')).not.toMatch(/<script/i);
    return { text, res, number: decodeURIComponent(res.headers['x-document-number']) };
  }

  /** Both formats: the same text facts, the same number; the docx as a Word attachment with its Chinese name, the page as HTML. */
  async function renderBoth(id: string, kind: string, title: string, trackingNo: string, who = 'office1') {
    const docx = await render(id, kind, 'docx', who);
    const html = await render(id, kind, 'html', who);
    expect(docx.res.headers['content-type']).toBe(DOCX);
    expect(docx.res.headers['content-disposition']).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(fileNameOf(docx.res.headers['content-disposition'])).toBe(`${title}-${trackingNo}.docx`);
    expect(html.res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(fileNameOf(html.res.headers['content-disposition'])).toBe(`${title}-${trackingNo}.html`);
    expect(html.number).toBe(docx.number);
    for (const text of [docx.text, html.text]) {
      expect(text).toContain(title);
      expect(text).toContain(docx.number);
    }
    // The signature (落款) closes both: the issuing unit, then the date in Chinese.
    const signature = (text: string) => text.trim().split('\n').slice(-2);
    expect(signature(html.text)).toEqual(signature(docx.text));
    const [issuer, date] = signature(docx.text);
    return { docx: docx.text, html: html.text, number: docx.number, issuer, date };
  }

  const WANG = { name: '王五', idNumber: '45030219800101122X', phone: '13812345678', address: '阳和街道幸福小区 3 栋' };
  let main: { id: string; trackingNo: string };

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    // The petition office as a unit of its own: its name heads what its clerk issues.
    await post('/api/v1/units', 'admin', { code: 'xfj', name: '阳和县信访局' }).expect(201);
    await post('/api/v1/users', 'admin', { username: 'office2', displayName: '信访局办事员', roles: ['office'], unitCode: 'xfj', password: 'office2-pass' }).expect(201);
    tk.office2 = await login(t, 'office2', 'office2-pass');

    // The scripted case, every act back-dated (paper records): fixed dates.
    const reg = await post('/api/v1/petitions', 'reception1', walkIn({ receivedAt: '2024-08-01T10:00:00+08:00', petitioners: [WANG] })).expect(201);
    main = { id: reg.body.id, trackingNo: reg.body.trackingNo };
    const act = (action: string, body: object) => post(`/api/v1/petitions/${main.id}/${action}`, 'admin', body).expect(200);
    await act('route', { mode: 'transfer', unitCode: 'housing', at: '2024-08-02T10:00:00+08:00' });
    await act('accept', { at: '2024-08-05T10:00:00+08:00' });
    await act('extend', { days: 15, reason: '需现场核查并协调多个部门', approvedBy: '住建局局长 陈明', at: '2024-08-20T10:00:00+08:00' });
    await act('close', { kind: 'substantive', outcome: 'support', opinion: '经核实，该小区加装电梯补贴符合条件，已于本月拨付到位。', at: '2024-09-02T10:00:00+08:00' });
    await act('review-request', { at: '2024-09-20T10:00:00+08:00' });
    await act('review-opinion', { kind: 'substantive', outcome: 'explain', opinion: '经复查，原处理意见认定事实清楚，予以维持。', at: '2024-10-15T10:00:00+08:00' });
    await act('re-review-request', { at: '2024-11-01T10:00:00+08:00' });
    await act('re-review-opinion', { kind: 'substantive', outcome: 'explain', opinion: '经复核，复查意见正确，予以维持。', hearingDays: 3, at: '2024-11-20T10:00:00+08:00' });
  }, 60000);
  afterAll(() => t.stop());

  it('lists what the scripted case’s history gives rise to, in order, each with its links', async () => {
    const list = await t.http().get(`/api/v1/petitions/${main.id}/documents`).set(as('housing1')).expect(200);
    expect(list.body).toMatchObject({ caseId: main.id, trackingNo: main.trackingNo });
    expect(list.body.items.map((i: { kind: string }) => i.kind)).toEqual(['receipt', 'acceptance-notice', 'extension-notice', 'handling-opinion', 'review-opinion', 're-review-opinion']);
    expect(list.body.items[3]).toEqual({
      kind: 'handling-opinion',
      title: '信访事项处理意见书',
      number: null,
      renderings: 0,
      lastRenderedAt: null,
      served: null,
      links: { docx: `/api/v1/petitions/${main.id}/documents/handling-opinion?format=docx`, html: `/api/v1/petitions/${main.id}/documents/handling-opinion?format=html` },
    });
  });

  it('the receipt (登记回执): the petition office as issuer, the petitioner in full, the day received, the 15 days to route (Art. 22)', async () => {
    const r = await renderBoth(main.id, 'receipt', '信访事项登记回执', main.trackingNo, 'reception1');
    expect(r).toMatchObject({ number: '〔2024〕1号', issuer: '信访工作机构', date: '二〇二四年八月一日' });
    for (const text of [r.docx, r.html]) {
      for (const s of ['信访工作机构', '王五', '45030219800101122X', '13812345678', '阳和街道幸福小区 3 栋', main.trackingNo, '二〇二四年八月一日', '第二十二条', '（至二〇二四年八月十六日止）'])
        expect([s, text.includes(s)]).toEqual([s, true]);
    }
  });

  it('the acceptance notice (受理告知书): the unit as issuer, accepted 2024-08-05, 60 days to 2024-10-04 (Art. 34) though extended since', async () => {
    const c = await view(main.id);
    expect(lastDay(c, 'handling')).toBe('2024-10-19');
    const r = await renderBoth(main.id, 'acceptance-notice', '信访事项受理告知书', main.trackingNo, 'housing1');
    expect(r).toMatchObject({ number: '〔2024〕1号', issuer: '住房和城乡建设局', date: '二〇二四年八月五日' });
    for (const text of [r.docx, r.html]) {
      for (const s of ['住房和城乡建设局', '45030219800101122X', '二〇二四年八月五日', '自受理之日起60日内（至二〇二四年十月四日止）办结', '第三十四条'])
        expect([s, text.includes(s)]).toEqual([s, true]);
    }
  });

  it('the extension notice (延期告知书): 15 days, the reason, the approver and the extended last day, the case view’s', async () => {
    const r = await renderBoth(main.id, 'extension-notice', '信访事项延期办理告知书', main.trackingNo, 'housing1');
    expect(r).toMatchObject({ number: '〔2024〕1号', issuer: '住房和城乡建设局', date: '二〇二四年八月二十日' });
    for (const text of [r.docx, r.html]) {
      for (const s of ['住房和城乡建设局', '王五', '延长15日', '需现场核查并协调多个部门', '住建局局长 陈明', '至二〇二四年十月十九日止', '二〇二四年八月二十日'])
        expect([s, text.includes(s)]).toEqual([s, true]);
    }
  });

  it('the handling opinion (信访处理意见书): the closure’s own opinion and the review window to its rolled-over last day, the case view’s (2024-10-02 is National Day: 2024-10-08)', async () => {
    const c = await view(main.id);
    expect(lastDay(c, 'review-request')).toBe('2024-10-08');
    const r = await renderBoth(main.id, 'handling-opinion', '信访事项处理意见书', main.trackingNo, 'housing1');
    expect(r).toMatchObject({ number: '〔2024〕1号', issuer: '住房和城乡建设局', date: '二〇二四年九月二日' });
    for (const text of [r.docx, r.html]) {
      for (const s of [
        '住房和城乡建设局',
        '45030219800101122X',
        '经核实，该小区加装电梯补贴符合条件，已于本月拨付到位。',
        '处理结果：支持。',
        '二〇二四年九月二日',
        '如不服本处理意见，可自收到本意见书之日起30日内（至二〇二四年十月八日止）向原办理机关、单位的上一级机关、单位申请复查（《信访工作条例》第三十五条）。',
        '已顺延至节假日后的第一日',
      ])
        expect([s, text.includes(s)]).toEqual([s, true]);
      // the opinion in force since is the review's: not this document's
      expect(text).not.toContain('经复查');
    }
  });

  it('the review and re-review opinions (复查 / 复核意见书): the re-review window to the case view’s last day (Art. 36); the re-review final, its hearing days named', async () => {
    const c = await view(main.id);
    expect(lastDay(c, 're-review-request')).toBe('2024-11-14');
    const review = await renderBoth(main.id, 'review-opinion', '信访事项复查意见书', main.trackingNo);
    // back-dated by the administrator, who has no unit: the petition office issues
    expect(review).toMatchObject({ number: '〔2024〕1号', issuer: '信访工作机构', date: '二〇二四年十月十五日' });
    for (const text of [review.docx, review.html]) {
      for (const s of [
        '信访工作机构',
        '王五',
        '45030219800101122X',
        '经复查，原处理意见认定事实清楚，予以维持。',
        '二〇二四年十月十五日',
        '二〇二四年九月二十日提出复查请求',
        '（至二〇二四年十一月十四日止）',
        '申请复核',
        '第三十六条',
      ])
        expect([s, text.includes(s)]).toEqual([s, true]);
    }
    const final = await renderBoth(main.id, 're-review-opinion', '信访事项复核意见书', main.trackingNo);
    expect(final).toMatchObject({ number: '〔2024〕1号', issuer: '信访工作机构', date: '二〇二四年十一月二十日' });
    for (const text of [final.docx, final.html]) {
      for (const s of ['经复核，复查意见正确，予以维持。', '二〇二四年十一月二十日', '听证所需时间（3日）', '第三十六条第三款', '不再受理']) expect([s, text.includes(s)]).toEqual([s, true]);
    }
  });

  it('records each rendering on the case’s timeline: who, which document (number, format), when', async () => {
    const c = await view(main.id);
    const rendered = c.timeline.filter((e: { type: string }) => e.type === 'document-rendered');
    expect(rendered.map((e: { actor: string; detail: { kind: string; format: string } }) => [e.actor, e.detail.kind, e.detail.format])).toEqual([
      ['reception1', 'receipt', 'docx'],
      ['reception1', 'receipt', 'html'],
      ['housing1', 'acceptance-notice', 'docx'],
      ['housing1', 'acceptance-notice', 'html'],
      ['housing1', 'extension-notice', 'docx'],
      ['housing1', 'extension-notice', 'html'],
      ['housing1', 'handling-opinion', 'docx'],
      ['housing1', 'handling-opinion', 'html'],
      ['office1', 'review-opinion', 'docx'],
      ['office1', 'review-opinion', 'html'],
      ['office1', 're-review-opinion', 'docx'],
      ['office1', 're-review-opinion', 'html'],
    ]);
    for (const e of rendered) expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/);
    expect(rendered[0].detail.number).toBe('〔2024〕1号');
    // no personal data on the timeline
    expect(JSON.stringify(rendered)).not.toMatch(/45030219800101122X|13812345678/);
    const list = await t.http().get(`/api/v1/petitions/${main.id}/documents`).set(as('office1')).expect(200);
    expect(list.body.items.find((i: { kind: string }) => i.kind === 'handling-opinion')).toMatchObject({ number: '〔2024〕1号', renderings: 2 });
    // and each in the security log (an export of personal data), without it
    const log = await t.http().get('/api/v1/admin/security-events').query({ event: 'document-export', pageSize: 100 }).set(as('admin')).expect(200);
    const exports = log.body.items.filter((e: { event: string }) => e.event === 'document-export');
    expect(exports).toHaveLength(12);
    expect(exports[0]).toMatchObject({ target: `petitions/${main.id}/documents/re-review-opinion`, actor: 'office1', detail: { kind: 're-review-opinion', format: 'html' } });
  });

  it('rendering again keeps the number; two cases of one unit and kind are 1 and 2', async () => {
    expect((await render(main.id, 'acceptance-notice', 'docx', 'admin')).number).toBe('〔2024〕1号');
    const other = await post(
      '/api/v1/petitions',
      'reception1',
      walkIn({ receivedAt: '2024-08-10T10:00:00+08:00', petitioners: [{ name: '孙八', idNumber: idNumberOf('45030219750505123') }], category: 'labour-social-security' }),
    ).expect(201);
    await post(`/api/v1/petitions/${other.body.id}/route`, 'admin', { mode: 'transfer', unitCode: 'housing', at: '2024-08-11T10:00:00+08:00' }).expect(200);
    await post(`/api/v1/petitions/${other.body.id}/accept`, 'admin', { at: '2024-08-12T10:00:00+08:00' }).expect(200);
    const second = await render(other.body.id, 'acceptance-notice', 'docx', 'housing1');
    expect(second.number).toBe('〔2024〕2号');
    expect(second.text).toContain('孙八');
    // the receipts of two new cases rendered at once: the next two numbers, one each
    const ids = await Promise.all(
      ['甲', '乙'].map(
        async (n) => (await post('/api/v1/petitions', 'reception1', walkIn({ receivedAt: '2024-12-02T10:00:00+08:00', petitioners: [{ name: `钱${n}` }], summary: `事项${n}` })).expect(201)).body.id,
      ),
    );
    const numbers = await Promise.all(ids.map((id) => render(id, 'receipt', 'html').then((r) => r.number)));
    expect(numbers.sort()).toEqual(['〔2024〕2号', '〔2024〕3号']);
  });

  it('a declined case: the 不予受理告知书 from the petition office (the administrator who declined has no unit), with the article; no handling opinion (409 naming the state)', async () => {
    const reg = await post(
      '/api/v1/petitions',
      'reception1',
      walkIn({ receivedAt: '2024-10-09T10:00:00+08:00', petitioners: [{ name: '赵六', idNumber: idNumberOf('45030219900101123'), phone: '13907712345' }], category: 'politics-law' }),
    ).expect(201);
    await post(`/api/v1/petitions/${reg.body.id}/decline`, 'admin', { reason: 'out-of-scope', note: '请依法向人民法院提起诉讼', at: '2024-10-10T10:00:00+08:00' }).expect(200);
    // issued by whoever declined: the administrator has no unit, the petition office issues
    const r = await renderBoth(reg.body.id, 'decline-notice', '信访事项不予受理告知书', reg.body.trackingNo, 'office2');
    expect(r).toMatchObject({ number: '〔2024〕1号', issuer: '信访工作机构', date: '二〇二四年十月十日' });
    for (const text of [r.docx, r.html]) {
      for (const s of ['信访工作机构', '赵六', idNumberOf('45030219900101123'), '13907712345', '二〇二四年十月十日', '本机关决定不予受理', '请依法向人民法院提起诉讼', '第二十三条'])
        expect([s, text.includes(s)]).toEqual([s, true]);
    }
    const refused = await t.http().get(`/api/v1/petitions/${reg.body.id}/documents/handling-opinion`).query({ format: 'docx' }).set(as('office1')).expect(409);
    expect(refused.body).toMatchObject({ statusCode: 409, code: 'CASE_STATE', message: '该案件当前状态为「不予受理」，尚未办结，没有书面处理意见，不能出具「信访事项处理意见书」' });
    const notice = await t.http().get(`/api/v1/petitions/${reg.body.id}/documents/no-further-acceptance-notice`).query({ format: 'html' }).set(as('office1')).expect(409);
    expect(notice.body.message).toContain('应出具「信访事项不予受理告知书」');
  });

  it('the same matter again after re-review: the 不再受理告知书 (Art. 36(3)), issued by the office’s unit that declined it', async () => {
    const reg = await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [WANG] })).expect(201);
    await post(`/api/v1/petitions/${reg.body.id}/decline`, 'office2', { reason: 'exhausted' }).expect(200);
    const r = await renderBoth(reg.body.id, 'no-further-acceptance-notice', '信访事项不再受理告知书', reg.body.trackingNo, 'office2');
    expect(r.issuer).toBe('阳和县信访局');
    for (const text of [r.docx, r.html]) {
      for (const s of ['阳和县信访局', '王五', '45030219800101122X', `（原信访编号：${main.trackingNo}）`, '第三十六条第三款', '不再受理']) expect([s, text.includes(s)]).toEqual([s, true]);
    }
    expect(r.number).toMatch(/^〔\d{4}〕1号$/);
  });

  it('a supervised case: the 督办单 to the responsible unit from the supervising office, with the unit’s duty still open and its last day', async () => {
    const reg = await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '周九', idNumber: idNumberOf('45030219850303123') }], category: 'environment' })).expect(201);
    await post(`/api/v1/petitions/${reg.body.id}/route`, 'office1', { mode: 'transfer', unitCode: 'labour' }).expect(200);
    await post(`/api/v1/petitions/${reg.body.id}/supervise`, 'office2', { note: '请于三日内反馈办理进展' }).expect(200);
    const c = await view(reg.body.id);
    const due = lastDay(c, 'acceptance-notice');
    const r = await renderBoth(reg.body.id, 'supervision-order', '信访事项督办单', reg.body.trackingNo, 'office2');
    expect(r.issuer).toBe('阳和县信访局');
    const chinese = (d: string) => {
      const digits = '〇一二三四五六七八九';
      const small = (n: number) => (n < 10 ? digits[n] : `${n >= 20 ? digits[Math.floor(n / 10)] : ''}十${n % 10 ? digits[n % 10] : ''}`);
      return `${[...d.slice(0, 4)].map((x) => digits[Number(x)]).join('')}年${small(Number(d.slice(5, 7)))}月${small(Number(d.slice(8, 10)))}日`;
    };
    for (const text of [r.docx, r.html]) {
      for (const s of ['人力资源和社会保障局：', '阳和县信访局', '周九', idNumberOf('45030219850303123'), '请于三日内反馈办理进展', `书面告知信访人受理情况的期限至${chinese(due)}止`, '第二十三条'])
        expect([s, text.includes(s)]).toEqual([s, true]);
    }
  });

  it('refuses an unknown kind (404), a bad or missing format (400 naming format), a kind not reached yet (409), another unit’s case (403)', async () => {
    const url = `/api/v1/petitions/${main.id}/documents`;
    const unknown = await t.http().get(`${url}/letter`).query({ format: 'docx' }).set(as('office1')).expect(404);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('没有「letter」这种文书') });
    for (const q of [{ format: 'pdf' }, {}]) {
      const bad = await t.http().get(`${url}/receipt`).query(q).set(as('office1')).expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['format']);
      expect(bad.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    const fresh = await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '吴十' }], summary: '新事项' })).expect(201);
    const early = await t.http().get(`/api/v1/petitions/${fresh.body.id}/documents/acceptance-notice`).query({ format: 'docx' }).set(as('office1')).expect(409);
    expect(early.body.message).toBe('该案件当前状态为「已登记」，尚未受理，不能出具「信访事项受理告知书」');
    // nothing numbered or recorded for a refusal
    expect((await view(fresh.body.id)).timeline.filter((e: { type: string }) => e.type === 'document-rendered')).toEqual([]);
    await t.http().get(url).set(as('labour1')).expect(403);
    await t.http().get(`${url}/receipt`).query({ format: 'html' }).set(as('labour1')).expect(403);
    await t.http().get(url).expect(401);
  });
});
