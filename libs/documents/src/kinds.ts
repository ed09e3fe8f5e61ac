/**
 * The documents (文书) a case gives rise to: one slug per kind (English, kebab-case, as the API
 * paths name them) and the title printed on it.
 */
export const DOCUMENT_KINDS = [
  'receipt',
  'acceptance-notice',
  'decline-notice',
  'no-further-acceptance-notice',
  'extension-notice',
  'handling-opinion',
  'review-opinion',
  're-review-opinion',
  'supervision-order',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_TITLES: Readonly<Record<DocumentKind, string>> = {
  receipt: '信访事项登记回执',
  'acceptance-notice': '信访事项受理告知书',
  'decline-notice': '信访事项不予受理告知书',
  'no-further-acceptance-notice': '信访事项不再受理告知书',
  'extension-notice': '信访事项延期办理告知书',
  'handling-opinion': '信访事项处理意见书',
  'review-opinion': '信访事项复查意见书',
  're-review-opinion': '信访事项复核意见书',
  'supervision-order': '信访事项督办单',
};

export const isDocumentKind = (k: unknown): k is DocumentKind => typeof k === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(k);

export const DOCUMENT_FORMATS = ['docx', 'html'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];
export const isDocumentFormat = (f: unknown): f is DocumentFormat => f === 'docx' || f === 'html';
