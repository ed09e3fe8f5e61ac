import { describe, expect, it } from '@jest/globals';
import JSZip from 'jszip';
import { applicableKinds, documentDate, DocumentDataError, issuerSource, notApplicableReason, type DocumentCase } from './case.js';
import { documentFacts, type DocumentContext } from './facts.js';
import { DOCUMENT_KINDS } from './kinds.js';
import { escapeHtml, renderHtml } from './render-html.js';
import { renderDocx } from './render-docx.js';

const TZ = 'Asia/Shanghai';

/** A walk-in registered on 2024-09-18, as the case view shows it. */
function registered(): DocumentCase {
  return {
    id: 'c1',
    trackingNo: 'XF20240918A1B2C3D4',
    status: 'registered',
    channel: 'visit',
    purpose: 'appeal',
    category: 'urban-rural-construction',
    summary: '小区加装电梯补贴未发放',
    unitCode: null,
    routeMode: null,
    receivedAt: '2024-09-18T10:00:00+08:00',
    routedAt: null,
    acceptedAt: null,
    closedAt: null,
    closure: null,
    extension: null,
    decline: null,
    review: null,
    reReview: null,
    supervisions: [],
    priorFinalCase: null,
    deadlines: [
      {
        kind: 'route',
        lastDay: '2024-10-03',
        state: 'pending',
        basis: '收到 2024-09-18，自次日起 15 日内转送（《信访工作条例》第二十二条）：至 2024-10-03 24 时止',
        article: '第二十二条',
        revision: 1,
      },
    ],
    timeline: [{ type: 'registered', at: '2024-09-18T10:00:00+08:00', actor: 'reception1' }],
  };
}

const step = (c: DocumentCase, type: string, at: string, actor: string, more: Partial<DocumentCase> = {}): DocumentCase => ({ ...c, ...more, timeline: [...c.timeline, { type, at, actor }] });
const ARTICLES: Record<string, string> = { route: '第二十二条', 'acceptance-notice': '第二十三条', handling: '第三十四条', 'review-request': '第三十五条', 're-review-request': '第三十六条' };
const deadline = (kind: string, lastDay: string, basis = `…（《信访工作条例》${ARTICLES[kind]}）：至 ${lastDay} 24 时止`, more: Partial<DocumentCase['deadlines'][number]> = {}) => ({
  kind,
  lastDay,
  state: 'pending',
  basis,
  article: ARTICLES[kind],
  revision: 1,
  ...more,
});
const met = (c: DocumentCase, kind: string, at: string): DocumentCase => ({ ...c, deadlines: c.deadlines.map((d) => (d.kind === kind ? { ...d, state: 'met', metAt: at } : d)) });
const withDeadline = (c: DocumentCase, d: DocumentCase['deadlines'][number]): DocumentCase => ({ ...c, deadlines: [...c.deadlines.filter((x) => x.kind !== d.kind), d] });

const routed = () =>
  withDeadline(
    step(met(registered(), 'route', '2024-09-19T09:00:00+08:00'), 'routed', '2024-09-19T09:00:00+08:00', 'office1', {
      status: 'routed',
      unitCode: 'housing',
      routeMode: 'transfer',
      routedAt: '2024-09-19T09:00:00+08:00',
    }),
    deadline('acceptance-notice', '2024-10-04'),
  );
const accepted = () =>
  withDeadline(
    step(met(routed(), 'acceptance-notice', '2024-09-20T09:00:00+08:00'), 'accepted', '2024-09-20T09:00:00+08:00', 'housing1', { status: 'accepted', acceptedAt: '2024-09-20T09:00:00+08:00' }),
    deadline('handling', '2024-11-19'),
  );
const extended = () =>
  withDeadline(
    step(accepted(), 'extended', '2024-11-01T09:00:00+08:00', 'housing1', { extension: { days: 15, reason: '需现场核查并协调多个部门，无法在期限内办结', approvedBy: '住建局局长 陈明' } }),
    deadline('handling', '2024-12-04', '受理 2024-09-20，自次日起计算 60 日，经批准延长 15 日，共 75 日（《信访工作条例》第三十四条）：至 2024-12-04 24 时止', { revision: 2 }),
  );
const OPINION = '经核实，该小区加装电梯补贴符合条件，已于本月拨付到位。';
const closed = () =>
  withDeadline(
    step(extended(), 'closed', '2024-11-04T15:00:00+08:00', 'housing1', {
      status: 'closed',
      closedAt: '2024-11-04T15:00:00+08:00',
      closure: { kind: 'substantive', outcome: 'support', opinion: OPINION },
    }),
    deadline('review-request', '2024-12-04'),
  );
const reviewed = () => {
  const c = step(closed(), 'review-requested', '2024-11-20T09:00:00+08:00', 'office1', { status: 'under-review', review: { requestedAt: '2024-11-20T09:00:00+08:00' } });
  const r = step(c, 'review-opinion', '2024-12-10T09:00:00+08:00', 'office1', {
    status: 'closed',
    closure: { kind: 'substantive', outcome: 'explain', opinion: '经复查，原处理意见认定事实清楚，予以维持。' },
    review: { requestedAt: '2024-11-20T09:00:00+08:00', opinion: { kind: 'substantive', outcome: 'explain', opinion: '经复查，原处理意见认定事实清楚，予以维持。', at: '2024-12-10T09:00:00+08:00' } },
  });
  return withDeadline(r, deadline('re-review-request', '2025-01-09'));
};
const reReviewed = () => {
  const c = step(reviewed(), 're-review-requested', '2024-12-20T09:00:00+08:00', 'office1', { status: 'under-re-review', reReview: { requestedAt: '2024-12-20T09:00:00+08:00' } });
  return step(c, 're-review-opinion', '2025-01-10T09:00:00+08:00', 'office1', {
    status: 'final',
    reReview: {
      requestedAt: '2024-12-20T09:00:00+08:00',
      opinion: { kind: 'substantive', outcome: 'explain', opinion: '经复核，复查意见正确，予以维持。', at: '2025-01-10T09:00:00+08:00', hearingDays: 5 },
    },
  });
};

const PETITIONER = { name: '王五', idNumber: '45030219800101122X', phone: '13812345678', address: '阳和街道幸福小区 3 栋' };
const ctx = (more: Partial<DocumentContext> = {}): DocumentContext => ({
  number: '〔2024〕1号',
  issuer: '住房和城乡建设局',
  petitioners: [PETITIONER],
  timeZone: TZ,
  unitName: (code) => ({ housing: '住房和城乡建设局' })[code] ?? code,
  categoryName: (code) => ({ 'urban-rural-construction': '城乡建设' })[code] ?? code,
  ...more,
});
const text = (f: ReturnType<typeof documentFacts>) => [f.addressee, ...f.sections.flatMap((s) => [s.heading ?? '', ...s.paragraphs]), f.nextStep.text].join('\n');

describe('which documents a case’s history gives rise to', () => {
  it('a registration gives the receipt; acceptance, extension, closure, review and re-review each add theirs, in order', () => {
    expect(applicableKinds(registered())).toEqual(['receipt']);
    expect(applicableKinds(accepted())).toEqual(['receipt', 'acceptance-notice']);
    expect(applicableKinds(extended())).toEqual(['receipt', 'acceptance-notice', 'extension-notice']);
    expect(applicableKinds(closed())).toEqual(['receipt', 'acceptance-notice', 'extension-notice', 'handling-opinion']);
    expect(applicableKinds(reReviewed())).toEqual(['receipt', 'acceptance-notice', 'extension-notice', 'handling-opinion', 'review-opinion', 're-review-opinion']);
  });

  it('a decline gives the 不予受理告知书, one as exhausted (Art. 36(3)) the 不再受理告知书 instead; a supervision the 督办单', () => {
    const declined = (reason: string) =>
      step(registered(), 'declined', '2024-09-20T09:00:00+08:00', 'office1', { status: 'declined', decline: { reason, note: null, at: '2024-09-20T09:00:00+08:00' } });
    expect(applicableKinds(declined('out-of-scope'))).toEqual(['receipt', 'decline-notice']);
    expect(applicableKinds(declined('pending-elsewhere'))).toEqual(['receipt', 'decline-notice']);
    expect(applicableKinds(declined('exhausted'))).toEqual(['receipt', 'no-further-acceptance-notice']);
    expect(notApplicableReason('decline-notice', declined('exhausted'))).toBe(
      '该案件当前状态为「不予受理」，系以已复核终结为由不再受理，应出具「信访事项不再受理告知书」，不能出具「信访事项不予受理告知书」',
    );
    const supervised = step(registered(), 'supervised', '2024-09-25T09:00:00+08:00', 'leader1', {
      supervised: true,
      supervisions: [{ note: '请尽快转送。', automatic: false, at: '2024-09-25T09:00:00+08:00', by: 'leader1' }],
    } as Partial<DocumentCase>);
    expect(applicableKinds(supervised)).toEqual(['receipt', 'supervision-order']);
  });

  it('a diverted case has no handling opinion (Art. 31): the refusal names the state and the article', () => {
    const diverted = step(accepted(), 'diverted', '2024-09-25T09:00:00+08:00', 'housing1', {
      status: 'diverted',
      closedAt: '2024-09-25T09:00:00+08:00',
      closure: { kind: 'procedural', outcome: null, opinion: null },
    });
    expect(applicableKinds(diverted)).not.toContain('handling-opinion');
    expect(notApplicableReason('handling-opinion', diverted)).toBe(
      '该案件当前状态为「已导入相应程序」，已导入相应程序，不出具处理意见书（《信访工作条例》第三十一条），不能出具「信访事项处理意见书」',
    );
  });

  it('a kind the history has not reached yet is refused naming the state: no acceptance notice before acceptance', () => {
    expect(notApplicableReason('acceptance-notice', registered())).toBe('该案件当前状态为「已登记」，尚未受理，不能出具「信访事项受理告知书」');
    expect(notApplicableReason('handling-opinion', extended())).toBe('该案件当前状态为「已受理」，尚未办结，没有书面处理意见，不能出具「信访事项处理意见书」');
    expect(notApplicableReason('receipt', registered())).toBeNull();
    expect(() => documentFacts('review-opinion', closed(), ctx())).toThrow(DocumentDataError);
  });

  it('the responsible unit issues what it does with the case; the office what the acting person did', () => {
    const c = reReviewed();
    expect(issuerSource('receipt', c)).toEqual({ actor: 'reception1' });
    expect(issuerSource('acceptance-notice', c)).toEqual({ unitCode: 'housing' });
    expect(issuerSource('extension-notice', c)).toEqual({ unitCode: 'housing' });
    expect(issuerSource('handling-opinion', c)).toEqual({ unitCode: 'housing' });
    expect(issuerSource('review-opinion', c)).toEqual({ actor: 'office1' });
    expect(issuerSource('supervision-order', { ...c, supervisions: [{ note: null, automatic: true, at: '2024-12-01T00:00:00+08:00', by: null }] })).toEqual({ actor: null });
  });

  it('a document bears the office day of the act it records (23:30 is still that day, 16:30 UTC the next one)', () => {
    const c = reReviewed();
    expect(DOCUMENT_KINDS.filter((k) => applicableKinds(c).includes(k)).map((k) => documentDate(k, c, TZ))).toEqual([
      '2024-09-18',
      '2024-09-20',
      '2024-11-01',
      '2024-11-04',
      '2024-12-10',
      '2025-01-10',
    ]);
    expect(documentDate('receipt', { ...c, receivedAt: '2024-09-18T23:30:00+08:00' }, TZ)).toBe('2024-09-18');
    expect(documentDate('receipt', { ...c, receivedAt: '2024-09-18T16:30:00Z' }, TZ)).toBe('2024-09-19');
  });
});

describe('what each document states', () => {
  it('the handling opinion: the opinion, and "如不服本处理意见，可自收到本意见书之日起30日内" with the review window’s last day (Art. 35)', () => {
    const f = documentFacts('handling-opinion', closed(), ctx());
    expect(f).toMatchObject({ title: '信访事项处理意见书', number: '〔2024〕1号', issuer: '住房和城乡建设局', date: '2024-11-04', addressee: '王五' });
    expect(text(f)).toContain(OPINION);
    expect(text(f)).toContain('处理结果：支持。');
    expect(f.nextStep).toEqual({
      heading: '告知事项',
      text: '如不服本处理意见，可自收到本意见书之日起30日内（至二〇二四年十二月四日止）向原办理机关、单位的上一级机关、单位申请复查（《信访工作条例》第三十五条）。',
      article: '第三十五条',
      lastDay: '2024-12-04',
    });
  });

  it('a review window whose last day fell on a holiday and was rolled over says so, with the later day', () => {
    const c = withDeadline(
      closed(),
      deadline(
        'review-request',
        '2024-10-08',
        '收到处理意见 2024-09-01，自次日起 30 日内可请求复查（《信访工作条例》第三十五条）：末日 2024-10-01 为法定节假日，顺延至 2024-10-08（《民法典》第二百零三条），至 2024-10-08 24 时止',
      ),
    );
    const f = documentFacts('handling-opinion', c, ctx());
    expect(f.nextStep.lastDay).toBe('2024-10-08');
    expect(f.nextStep.text).toContain('（至二〇二四年十月八日止）');
    expect(f.nextStep.text).toContain('已顺延至节假日后的第一日');
  });

  it('after a review opinion the handling opinion is the closure’s own, not the opinion in force; without it the document is refused', () => {
    const f = documentFacts('handling-opinion', reviewed(), ctx({ handlingOpinion: { kind: 'substantive', outcome: 'support', opinion: OPINION } }));
    expect(text(f)).toContain(OPINION);
    expect(text(f)).not.toContain('经复查');
    expect(() => documentFacts('handling-opinion', reviewed(), ctx())).toThrow(DocumentDataError);
  });

  it('the review opinion gives the re-review window (Art. 36); the re-review opinion says it is final and names the hearing days', () => {
    const r = documentFacts('review-opinion', reviewed(), ctx({ issuer: '信访局' }));
    expect(r.nextStep).toMatchObject({ article: '第三十六条', lastDay: '2025-01-09' });
    expect(r.nextStep.text).toBe('如不服本复查意见，可自收到本意见书之日起30日内（至二〇二五年一月九日止）向复查机关、单位的上一级机关、单位申请复核（《信访工作条例》第三十六条）。');
    expect(text(r)).toContain('您不服住房和城乡建设局对信访事项');
    const rr = documentFacts('re-review-opinion', reReviewed(), ctx());
    expect(rr.nextStep).toMatchObject({ article: '第三十六条第三款', lastDay: null });
    expect(text(rr)).toContain('听证所需时间（5日）不计算在复核期限内');
  });

  it('the acceptance notice keeps the 60 days from acceptance (2024-09-20 → 2024-11-19) even after an extension moved the deadline', () => {
    expect(documentFacts('acceptance-notice', accepted(), ctx()).nextStep).toMatchObject({ article: '第三十四条', lastDay: '2024-11-19' });
    const f = documentFacts('acceptance-notice', extended(), ctx());
    expect(f.nextStep.lastDay).toBe('2024-11-19');
    expect(f.nextStep.text).toContain('自受理之日起60日内（至二〇二四年十一月十九日止）办结');
    expect(text(f)).toContain('本机关已于二〇二四年九月二十日依法受理');
  });

  it('the extension notice: the days, the reason, who approved it, and the extended last day (Art. 34)', () => {
    const f = documentFacts('extension-notice', extended(), ctx());
    expect(text(f)).toContain('经住建局局长 陈明批准，该信访事项的办理期限延长15日。');
    expect(text(f)).toContain('延期理由：需现场核查并协调多个部门，无法在期限内办结。');
    expect(f.nextStep).toMatchObject({ article: '第三十四条', lastDay: '2024-12-04' });
    expect(f.nextStep.text).toContain('至二〇二四年十二月四日止');
  });

  it('the receipt: the tracking number, the day and channel, and the 15 days to route (Art. 22)', () => {
    const f = documentFacts('receipt', registered(), ctx({ issuer: '信访工作机构' }));
    expect(text(f)).toContain('您于二〇二四年九月十八日以走访方式提出的信访事项已收到，本机关已予登记，信访编号为 XF20240918A1B2C3D4。');
    expect(f.nextStep).toMatchObject({ article: '第二十二条', lastDay: '2024-10-03' });
    expect(f.particulars).toContainEqual({ label: '内容分类', value: '城乡建设' });
  });

  it('the decline notices cite the article that applies and set no period', () => {
    const declined = (reason: string, note: string | null = null) =>
      step(registered(), 'declined', '2024-09-20T09:00:00+08:00', 'office1', { status: 'declined', decline: { reason, note, at: '2024-09-20T09:00:00+08:00' } });
    expect(documentFacts('decline-notice', declined('out-of-scope', '请向区人民法院起诉'), ctx()).nextStep).toMatchObject({ article: '第二十三条', lastDay: null });
    expect(text(documentFacts('decline-notice', declined('out-of-scope', '请向区人民法院起诉'), ctx()))).toContain('说明：请向区人民法院起诉。');
    expect(documentFacts('decline-notice', declined('pending-elsewhere'), ctx()).nextStep.article).toBe('第十九条第三款');
    const exhausted = { ...declined('exhausted'), priorFinalCase: { id: 'c0', trackingNo: 'XF20230101AAAAAAAA' } };
    const f = documentFacts('no-further-acceptance-notice', exhausted, ctx());
    expect(f.nextStep.article).toBe('第三十六条第三款');
    expect(text(f)).toContain('（原信访编号：XF20230101AAAAAAAA）');
  });

  it('the supervision order goes to the unit and names its earliest duty still open: in time, or already past its last day', () => {
    const sup = (c: DocumentCase) =>
      step(c, 'supervised', '2024-11-10T09:00:00+08:00', 'leader1', { supervisions: [{ note: '请加快办理', automatic: false, at: '2024-11-10T09:00:00+08:00', by: 'leader1' }] });
    const open = documentFacts('supervision-order', sup(accepted()), ctx());
    expect(open.addressee).toBe('住房和城乡建设局');
    expect(open.nextStep).toEqual({
      heading: '办理要求',
      text: '办结并书面答复信访人的期限至二〇二四年十一月十九日止（《信访工作条例》第三十四条），请在期限内办理，并将办理情况书面报送本机关。',
      article: '第三十四条',
      lastDay: '2024-11-19',
    });
    const late = withDeadline(sup(accepted()), deadline('handling', '2024-11-19', '…', { state: 'breached', article: '第三十四条' }));
    expect(documentFacts('supervision-order', late, ctx()).nextStep.text).toBe(
      '办结并书面答复信访人的期限已于二〇二四年十一月十九日届满（《信访工作条例》第三十四条），请立即办理，并将办理情况及逾期原因书面报送本机关。',
    );
    expect(text(open)).toContain('二〇二四年十一月十日：请加快办理。');
  });

  it('the petitioner’s personal data is complete in every document: it goes to the petitioner', () => {
    const c = reReviewed();
    for (const kind of applicableKinds(c)) {
      const f = documentFacts(kind, c, ctx({ handlingOpinion: { kind: 'substantive', outcome: 'support', opinion: OPINION } }));
      expect([kind, f.petitioners]).toEqual([kind, [PETITIONER]]);
      expect(renderHtml(f)).toContain('45030219800101122X');
    }
  });
});

describe('the renderings', () => {
  const hostile = { ...closed(), summary: '<script>alert("x")</script> & \'引号\'' };
  const facts = () => documentFacts('handling-opinion', hostile, ctx({ petitioners: [{ ...PETITIONER, address: '幸福路 <b>3</b> 号' }] }));

  it('HTML escapes everything it states: no markup of the case’s text gets through', () => {
    const html = renderHtml(facts());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>3</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;引号&#39;');
    expect(escapeHtml('a`b')).toBe('a&#96;b');
  });

  it('HTML is a print page: A4, 仿宋 body, the title in 方正小标宋, the issuer and the date in Chinese last', () => {
    const html = renderHtml(facts());
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).toMatch(/body \{ font-family: "仿宋"/);
    expect(html).toMatch(/h1 \{ font-family: "方正小标宋简体"/);
    expect(html).toContain('<h1>信访事项处理意见书</h1>');
    expect(html).toContain('<p class="signature">住房和城乡建设局<br>二〇二四年十一月四日</p>');
    expect(html).not.toMatch(/<script/i);
  });

  it('Word: A4, fonts by name, and the text read back from word/document.xml', async () => {
    const zip = await JSZip.loadAsync(await renderDocx(facts()));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(xml).toContain('w:eastAsia="黑体"');
    const styles = await zip.file('word/styles.xml')!.async('string');
    expect(styles).toContain('w:eastAsia="仿宋"');
    const texts = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('\n');
    const decoded = texts
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
    for (const s of [
      '信访事项处理意见书',
      '〔2024〕1号',
      '王五',
      '45030219800101122X',
      '13812345678',
      '幸福路 <b>3</b> 号',
      OPINION,
      '二〇二四年十一月四日',
      '（至二〇二四年十二月四日止）',
      '<script>alert("x")</script>',
    ]) {
      expect([s, decoded.includes(s)]).toEqual([s, true]);
    }
    // the case's markup is text in the XML, never elements
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<b>');
  });
});
