/**
 * The documents (文书) of a case, rendered from its data, never typed: which kinds its history
 * gives rise to, the facts each states (issuer, number, dates in Chinese, the petitioner's complete
 * data, the opinion, what the law gives the addressee next with its article and last day), and
 * the two renderings — a Word file (.docx, the `docx` library) and a print-ready HTML page.
 * Pure: no Nest, no database, no clock. Import as `#libs/documents`.
 */
export * from './kinds.js';
export * from './chinese.js';
export * from './case.js';
export * from './facts.js';
export * from './render-html.js';
export * from './render-docx.js';
