import { addDays, type LocalDate } from '#libs/regulation';
import { chineseDate } from './chinese.js';
import { applies, documentDate, DocumentDataError, localDay, notApplicableReason, type DocumentCase } from './case.js';
import { DOCUMENT_TITLES, type DocumentKind } from './kinds.js';

/** A petitioner as the document names them: complete (the document goes to the petitioner). */
export interface DocumentPetitioner {
  name: string;
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
}

/**
 * Everything a document states, already resolved: the renderers only lay it out. Dates are
 * office days (YYYY-MM-DD); the renderers write them in Chinese.
 */
export interface DocumentFacts {
  kind: DocumentKind;
  title: string;
  /** 发文字号, e.g. 〔2024〕3号. */
  number: string;
  /** The issuing unit's name (落款). */
  issuer: string;
  date: LocalDate;
  /** Whom it is addressed to (主送): the petitioners, or the responsible unit for a supervision order. */
  addressee: string;
  trackingNo: string;
  petitioners: DocumentPetitioner[];
  /** The case's particulars as a table: label → value. */
  particulars: { label: string; value: string }[];
  /** The body: paragraphs, some under a heading (黑体). */
  sections: { heading?: string; paragraphs: string[] }[];
  /** What the law gives the addressee next: the sentence, its article and its last day (null when no period applies). */
  nextStep: { heading: string; text: string; article: string; lastDay: LocalDate | null };
}

/** What the case view does not hold and the document states. */
export interface DocumentContext {
  number: string;
  issuer: string;
  /** Complete personal data, from the intake service. */
  petitioners: DocumentPetitioner[];
  timeZone: string;
  unitName(code: string): string;
  categoryName(code: string): string;
  /**
   * The handling opinion as the closure wrote it: once a review opinion is issued the case view
   * shows that one as the opinion in force. Absent: the case view's closure (no review yet).
   */
  handlingOpinion?: { kind: string; outcome: string; opinion: string } | null;
}

const CHANNELS: Record<string, string> = { visit: '走访', letter: '来信', online: '网上信访', phone: '来电', fax: '传真' };
const PURPOSES: Record<string, string> = { accusation: '检举控告', suggestion: '意见建议', appeal: '申诉求决' };
const OUTCOMES: Record<string, string> = { support: '支持', explain: '解释说明', 'not-support': '不予支持', mediated: '调解' };
const LAW = '《信访工作条例》';

/** A sentence of free text ends with its own punctuation, or gets a full stop. */
const sentence = (s: string) => (/[。！？；…”）)]$/.test(s.trim()) ? s.trim() : `${s.trim()}。`);
/** Free text as paragraphs (one per line typed). */
const paragraphsOf = (s: string) =>
  s
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);

type Deadline = DocumentCase['deadlines'][number];

/** The deadline of a kind, when the case view gives it a last day. */
const deadlineOf = (c: DocumentCase, kind: string): Deadline | undefined => c.deadlines.find((d) => d.kind === kind && !!d.lastDay);
/** A last day the regulation moved off a holiday says so in its basis (libs/regulation: "…顺延至 …"). */
const rolledOver = (d: Deadline | undefined) => !!d && /顺延至/.test(d.basis);

/** "（至二〇二四年十二月四日止）", or nothing when the last day is not known. */
const until = (d: LocalDate | null) => (d ? `（至${chineseDate(d)}止）` : '');

/**
 * The handling period as the acceptance set it (60 days): the first revision of the deadline,
 * or, after an extension, the extended last day less the days added when no holiday roll-over
 * moved it; null when that cannot be known from the view.
 */
function handlingAsAccepted(c: DocumentCase): LocalDate | null {
  const d = deadlineOf(c, 'handling');
  if (!d) return null;
  if ((d.revision ?? 1) === 1 && !c.extension) return d.lastDay;
  if (c.extension && !rolledOver(d)) return addDays(d.lastDay!, -c.extension.days);
  return null;
}

/** What the unit (or office) owes next, for the supervision order. */
const OWED: Record<string, string> = {
  route: '转送、交办',
  'acceptance-notice': '书面告知信访人受理情况',
  'unit-feedback': '报送办理结果',
  feedback: '报送办结报告',
  handling: '办结并书面答复信访人',
  'review-opinion': '提出复查意见',
  're-review-opinion': '提出复核意见',
};

/** Builds the facts of a document of `kind` for the case; throws DocumentDataError when the kind does not apply. */
export function documentFacts(kind: DocumentKind, c: DocumentCase, ctx: DocumentContext): DocumentFacts {
  const why = notApplicableReason(kind, c);
  if (why || !applies(kind, c)) throw new DocumentDataError(why ?? DOCUMENT_TITLES[kind]);
  const tz = ctx.timeZone;
  const day = (at: string | null | undefined) => (at ? chineseDate(localDay(at, tz)) : '');
  const names = ctx.petitioners.map((p) => p.name).join('、') || '信访人';
  const received = day(c.receivedAt);
  const ref = `（信访编号：${c.trackingNo}；事项摘要：${c.summary.trim().replace(/[。；]$/, '')}）`;
  const unit = c.unitCode ? ctx.unitName(c.unitCode) : null;

  const particulars = [
    { label: '信访编号', value: c.trackingNo },
    { label: '登记日期', value: received },
    { label: '来源渠道', value: CHANNELS[c.channel] ?? c.channel },
    { label: '信访目的', value: PURPOSES[c.purpose] ?? c.purpose },
    { label: '内容分类', value: ctx.categoryName(c.category) },
    ...(unit && kind !== 'receipt' ? [{ label: '责任单位', value: unit }] : []),
  ];
  const base = {
    kind,
    title: DOCUMENT_TITLES[kind],
    number: ctx.number,
    issuer: ctx.issuer,
    date: documentDate(kind, c, tz),
    addressee: names,
    trackingNo: c.trackingNo,
    petitioners: ctx.petitioners,
    particulars,
  };

  switch (kind) {
    case 'receipt': {
      const route = deadlineOf(c, 'route');
      // After an objection the route period is counted again from it: the receipt keeps the first one.
      const lastDay = route && (route.revision ?? 1) === 1 ? route.lastDay : null;
      return {
        ...base,
        sections: [
          {
            paragraphs: [
              `您于${received}以${CHANNELS[c.channel] ?? c.channel}方式提出的信访事项已收到，本机关已予登记，信访编号为 ${c.trackingNo}。`,
              `信访事项摘要：${sentence(c.summary)}`,
              '请妥善保管本回执，凭信访编号查询信访事项的办理情况。',
            ],
          },
        ],
        nextStep: {
          heading: '告知事项',
          text: `依照${LAW}第二十二条，本机关将自收到信访事项之日起15日内${until(lastDay)}区分情况予以转送、交办或者告知；有权处理的机关、单位应当自收到转送、交办的信访事项之日起15日内书面告知您受理情况（第二十三条）。`,
          article: '第二十二条',
          lastDay,
        },
      };
    }
    case 'acceptance-notice': {
      const lastDay = handlingAsAccepted(c);
      return {
        ...base,
        sections: [{ paragraphs: [`您于${received}提出的信访事项${ref}，本机关已于${day(c.acceptedAt)}依法受理。`, '本机关将依照有关法律、法规和政策调查核实，依法作出处理。'] }],
        nextStep: {
          heading: '告知事项',
          text: `依照${LAW}第三十四条，本机关将自受理之日起60日内${until(lastDay)}办结，并书面答复您处理意见；情况复杂的，经本机关负责人批准，可以适当延长办理期限，延长期限不得超过30日，并告知您延期理由。`,
          article: '第三十四条',
          lastDay,
        },
      };
    }
    case 'decline-notice': {
      const d = c.decline!;
      const elsewhere = d.reason === 'pending-elsewhere';
      const because = elsewhere ? '您反映的事项已由有关机关、单位受理，正在法定期限内办理' : '您反映的事项不属于本机关职权范围';
      return {
        ...base,
        sections: [{ paragraphs: [`您于${received}提出的信访事项${ref}，经审查，${because}，本机关决定不予受理。`, ...(d.note ? [`说明：${sentence(d.note)}`] : [])] }],
        nextStep: elsewhere
          ? {
              heading: '告知事项',
              text: `依照${LAW}第十九条第三款，信访事项已经受理或者正在办理的，在法定期限内不重复受理；请您等待正在办理的机关、单位依法作出处理意见。`,
              article: '第十九条第三款',
              lastDay: null,
            }
          : {
              heading: '告知事项',
              text: `依照${LAW}第二十三条，请您向有权处理的机关、单位提出；依法应当通过诉讼、仲裁、行政复议等法定途径解决的，请依照有关法律、行政法规规定的程序提出（第三十一条）。`,
              article: '第二十三条',
              lastDay: null,
            },
      };
    }
    case 'no-further-acceptance-notice': {
      const prior = c.priorFinalCase ? `（原信访编号：${c.priorFinalCase.trackingNo}）` : '';
      return {
        ...base,
        sections: [
          {
            paragraphs: [`您于${received}提出的信访事项${ref}，经审查，该事项已经复核终结${prior}，您以同一事实和理由再次提出。`, ...(c.decline!.note ? [`说明：${sentence(c.decline!.note)}`] : [])],
          },
        ],
        nextStep: {
          heading: '告知事项',
          text: `依照${LAW}第三十六条第三款，信访人对复核意见不服，仍然以同一事实和理由提出信访事项的，不再受理。本机关对该信访事项不再受理。`,
          article: '第三十六条第三款',
          lastDay: null,
        },
      };
    }
    case 'extension-notice': {
      const x = c.extension!;
      const lastDay = deadlineOf(c, 'handling')?.lastDay ?? null;
      return {
        ...base,
        sections: [
          {
            paragraphs: [
              `您于${received}提出的信访事项${ref}，本机关已于${day(c.acceptedAt)}受理。经${x.approvedBy.trim()}批准，该信访事项的办理期限延长${x.days}日。`,
              `延期理由：${sentence(x.reason)}`,
            ],
          },
        ],
        nextStep: {
          heading: '告知事项',
          text: `依照${LAW}第三十四条，延长后的办理期限${lastDay ? `至${chineseDate(lastDay)}止` : '以本机关另行告知为准'}，本机关将在此期限内办结，并书面答复您处理意见。`,
          article: '第三十四条',
          lastDay,
        },
      };
    }
    case 'handling-opinion': {
      const opinion = ctx.handlingOpinion ?? (!c.review?.opinion && !c.reReview?.opinion ? c.closure : null);
      if (!opinion?.opinion) throw new DocumentDataError(`案件 ${c.trackingNo} 的原处理意见未能读取，不能出具「${DOCUMENT_TITLES[kind]}」，请系统管理员核查`);
      const window = deadlineOf(c, 'review-request');
      const lastDay = window?.lastDay ?? null;
      return {
        ...base,
        sections: [
          { paragraphs: [`您于${received}提出的信访事项${ref}，本机关${c.acceptedAt ? `已于${day(c.acceptedAt)}受理` : '已受理'}。经调查核实，现提出处理意见如下：`] },
          { heading: '处理意见', paragraphs: [...paragraphsOf(opinion.opinion), `处理结果：${OUTCOMES[opinion.outcome ?? ''] ?? opinion.outcome ?? ''}。`] },
        ],
        nextStep: {
          heading: '告知事项',
          text:
            `如不服本处理意见，可自收到本意见书之日起30日内${until(lastDay)}向原办理机关、单位的上一级机关、单位申请复查（${LAW}第三十五条）。` +
            (rolledOver(window) ? '期限的最后一日为法定节假日的，已顺延至节假日后的第一日。' : ''),
          article: '第三十五条',
          lastDay,
        },
      };
    }
    case 'review-opinion': {
      const r = c.review!;
      const window = deadlineOf(c, 're-review-request');
      const lastDay = window?.lastDay ?? null;
      return {
        ...base,
        sections: [
          { paragraphs: [`您不服${unit ?? '原办理机关、单位'}对信访事项${ref}作出的处理意见，于${day(r.requestedAt)}提出复查请求。本机关经复查，提出复查意见如下：`] },
          { heading: '复查意见', paragraphs: [...paragraphsOf(r.opinion!.opinion), `复查结果：${OUTCOMES[r.opinion!.outcome] ?? r.opinion!.outcome}。`] },
        ],
        nextStep: {
          heading: '告知事项',
          text:
            `如不服本复查意见，可自收到本意见书之日起30日内${until(lastDay)}向复查机关、单位的上一级机关、单位申请复核（${LAW}第三十六条）。` +
            (rolledOver(window) ? '期限的最后一日为法定节假日的，已顺延至节假日后的第一日。' : ''),
          article: '第三十六条',
          lastDay,
        },
      };
    }
    case 're-review-opinion': {
      const r = c.reReview!;
      const hearing = r.opinion!.hearingDays ? [`本机关依法举行了听证，听证所需时间（${r.opinion!.hearingDays}日）不计算在复核期限内。`] : [];
      return {
        ...base,
        sections: [
          { paragraphs: [`您不服信访事项${ref}的复查意见，于${day(r.requestedAt)}提出复核请求。本机关经复核，提出复核意见如下：`, ...hearing] },
          { heading: '复核意见', paragraphs: [...paragraphsOf(r.opinion!.opinion), `复核结果：${OUTCOMES[r.opinion!.outcome] ?? r.opinion!.outcome}。`] },
        ],
        nextStep: {
          heading: '告知事项',
          text: `本复核意见为该信访事项的最终处理意见。依照${LAW}第三十六条第三款，您对复核意见不服，仍然以同一事实和理由提出信访事项的，不再受理。`,
          article: '第三十六条第三款',
          lastDay: null,
        },
      };
    }
    case 'supervision-order': {
      const open = c.deadlines
        .filter((d) => d.kind in OWED && d.lastDay && !d.metAt && !d.lapsed && !d.withheld && (d.state === 'pending' || d.state === 'breached'))
        .sort((a, b) => (a.lastDay! < b.lastDay! ? -1 : a.lastDay! > b.lastDay! ? 1 : 0))[0];
      const where = c.acceptedAt ? `，你单位已于${day(c.acceptedAt)}受理` : c.routedAt && unit ? `，已于${day(c.routedAt)}${c.routeMode === 'assign' ? '交办' : '转送'}你单位` : '';
      const article = open?.article ?? '';
      const cite = article ? `（${LAW}${article}）` : '';
      const owed = open ? OWED[open.kind] : '';
      return {
        ...base,
        addressee: unit ?? '有关单位',
        sections: [
          { paragraphs: [`信访人${names}于${received}提出的信访事项${ref}${where}。依照${LAW}第三十九条、第四十条，现予督办。`] },
          {
            heading: '督办意见',
            paragraphs: c.supervisions.map((s) => `${day(s.at)}：${s.note ? sentence(s.note) : ''}${s.automatic ? '（办理期限届满未履行，系统自动督办）' : ''}`),
          },
        ],
        nextStep: open
          ? open.state === 'breached'
            ? { heading: '办理要求', text: `${owed}的期限已于${chineseDate(open.lastDay!)}届满${cite}，请立即办理，并将办理情况及逾期原因书面报送本机关。`, article, lastDay: open.lastDay }
            : { heading: '办理要求', text: `${owed}的期限至${chineseDate(open.lastDay!)}止${cite}，请在期限内办理，并将办理情况书面报送本机关。`, article, lastDay: open.lastDay }
          : { heading: '办理要求', text: `请你单位及时办理，并将办理情况书面报送本机关（${LAW}第三十九条）。`, article: '第三十九条', lastDay: null },
      };
    }
  }
}
