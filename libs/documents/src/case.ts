import { STATUS_NAMES, toLocalDate, type CaseStatus, type LocalDate } from '#libs/regulation';
import { DOCUMENT_KINDS, DOCUMENT_TITLES, type DocumentKind } from './kinds.js';

/**
 * What a document is made from: the case as the reporting service's case view shows it to staff
 * (its facts, its deadlines with their last day and basis, its timeline) — only the fields read
 * here. Instants are ISO 8601 with the office's offset.
 */
export interface DocumentCase {
  id: string;
  trackingNo: string;
  status: string;
  channel: string;
  purpose: string;
  category: string;
  summary: string;
  unitCode: string | null;
  routeMode?: string | null;
  receivedAt: string;
  routedAt?: string | null;
  acceptedAt: string | null;
  closedAt: string | null;
  /** The opinion in force: the closure's, then the latest review's. */
  closure: { kind: string; outcome: string | null; opinion: string | null } | null;
  extension: { days: number; reason: string; approvedBy: string } | null;
  decline: { reason: string; note: string | null; at: string | null } | null;
  review: { requestedAt: string; opinion?: { kind: string; outcome: string; opinion: string; at: string } } | null;
  reReview: { requestedAt: string; opinion?: { kind: string; outcome: string; opinion: string; at: string; hearingDays?: number } } | null;
  supervisions: { note: string | null; automatic: boolean; at: string | null; by: string | null }[];
  priorFinalCase?: { id: string; trackingNo: string } | null;
  deadlines: { kind: string; lastDay: string | null; state: string; basis: string; article?: string; metAt?: string | null; lapsed?: boolean; withheld?: boolean; revision?: number }[];
  timeline: { type: string; at: string; actor: string | null; detail?: Record<string, unknown> }[];
}

/** Thrown when the case's data does not carry what a document must state. */
export class DocumentDataError extends Error {}

const lastEntry = (c: DocumentCase, type: string) => c.timeline.filter((t) => t.type === type).at(-1);

/** The office's calendar day of an instant of the case view. */
export function localDay(at: string, timeZone: string): LocalDate {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new DocumentDataError(`案件数据中的时间「${at}」无法识别`);
  return toLocalDate(d, timeZone);
}

/** What is missing in the case's history for each kind (the part of the 409 message after the state). */
const NOT_YET: Readonly<Record<DocumentKind, string>> = {
  receipt: '',
  'acceptance-notice': '尚未受理',
  'decline-notice': '未作出不予受理决定',
  'no-further-acceptance-notice': '未以已复核终结为由作出不再受理决定',
  'extension-notice': '办理期限未经批准延长',
  'handling-opinion': '尚未办结，没有书面处理意见',
  'review-opinion': '尚未作出复查意见',
  're-review-opinion': '尚未作出复核意见',
  'supervision-order': '尚未督办',
};

/** Whether the case's history has given rise to a document of this kind. */
export function applies(kind: DocumentKind, c: DocumentCase): boolean {
  switch (kind) {
    case 'receipt':
      return true;
    case 'acceptance-notice':
      return !!c.acceptedAt;
    case 'decline-notice':
      return !!c.decline && c.decline.reason !== 'exhausted';
    case 'no-further-acceptance-notice':
      return c.decline?.reason === 'exhausted';
    case 'extension-notice':
      return !!c.extension;
    case 'handling-opinion':
      // A diverted case is closed procedurally without an opinion (Art. 31): only a closure writes one.
      return !!lastEntry(c, 'closed');
    case 'review-opinion':
      return !!c.review?.opinion;
    case 're-review-opinion':
      return !!c.reReview?.opinion;
    case 'supervision-order':
      return c.supervisions.length > 0;
  }
}

/** The documents the case's history has given rise to, in the order of DOCUMENT_KINDS. */
export function applicableKinds(c: DocumentCase): DocumentKind[] {
  return DOCUMENT_KINDS.filter((k) => applies(k, c));
}

/**
 * Why a kind does not apply yet, naming the case's state (zh-CN, for the 409); null when it does.
 */
export function notApplicableReason(kind: DocumentKind, c: DocumentCase): string | null {
  if (applies(kind, c)) return null;
  const state = STATUS_NAMES[c.status as CaseStatus] ?? c.status;
  let why = NOT_YET[kind];
  if (kind === 'handling-opinion' && c.status === 'diverted') why = '已导入相应程序，不出具处理意见书（《信访工作条例》第三十一条）';
  if (kind === 'decline-notice' && c.decline?.reason === 'exhausted') why = `系以已复核终结为由不再受理，应出具「${DOCUMENT_TITLES['no-further-acceptance-notice']}」`;
  if (kind === 'no-further-acceptance-notice' && c.decline) why = `系不予受理而非不再受理，应出具「${DOCUMENT_TITLES['decline-notice']}」`;
  return `该案件当前状态为「${state}」，${why}，不能出具「${DOCUMENT_TITLES[kind]}」`;
}

/**
 * Who issues the document: the responsible unit for what it does with the case (acceptance,
 * extension, the handling opinion), otherwise the unit of the person who acted (the office that
 * registered, declined, reviewed or supervised; null for an automatic supervision).
 */
export type IssuerSource = { unitCode: string } | { actor: string | null };

export function issuerSource(kind: DocumentKind, c: DocumentCase): IssuerSource {
  const actorOf = (type: string): IssuerSource => ({ actor: lastEntry(c, type)?.actor ?? null });
  switch (kind) {
    case 'receipt':
      return actorOf('registered');
    case 'acceptance-notice':
      return c.unitCode ? { unitCode: c.unitCode } : actorOf('accepted');
    case 'extension-notice':
      return c.unitCode ? { unitCode: c.unitCode } : actorOf('extended');
    case 'handling-opinion':
      return c.unitCode ? { unitCode: c.unitCode } : actorOf('closed');
    case 'decline-notice':
    case 'no-further-acceptance-notice':
      return actorOf('declined');
    case 'review-opinion':
      return actorOf('review-opinion');
    case 're-review-opinion':
      return actorOf('re-review-opinion');
    case 'supervision-order':
      return { actor: c.supervisions.at(-1)?.by ?? null };
  }
}

/** The date the document bears: the day of the act it records (office calendar). */
export function documentDate(kind: DocumentKind, c: DocumentCase, timeZone: string): LocalDate {
  const at = ((): string | null | undefined => {
    switch (kind) {
      case 'receipt':
        return c.receivedAt;
      case 'acceptance-notice':
        return c.acceptedAt;
      case 'decline-notice':
      case 'no-further-acceptance-notice':
        return c.decline?.at ?? lastEntry(c, 'declined')?.at;
      case 'extension-notice':
        return lastEntry(c, 'extended')?.at;
      case 'handling-opinion':
        return lastEntry(c, 'closed')?.at;
      case 'review-opinion':
        return c.review?.opinion?.at;
      case 're-review-opinion':
        return c.reReview?.opinion?.at;
      case 'supervision-order':
        return c.supervisions.at(-1)?.at ?? lastEntry(c, 'supervised')?.at;
    }
  })();
  if (!at) throw new DocumentDataError(`案件 ${c.trackingNo} 的办理记录中缺少「${DOCUMENT_TITLES[kind]}」所记载行为的时间`);
  return localDay(at, timeZone);
}

/**
 * The issuer when the person who acted belongs to no unit (a clerk of the petition office without
 * one, an automatic supervision): the petition office by its role's name. Give the office's users
 * their unit (e.g. 阳和县信访局) and its name heads their documents.
 */
export const OFFICE_ISSUER = { code: 'petition-office', name: '信访工作机构' } as const;
