import { assertLocalDate, type LocalDate } from '#libs/regulation';

const DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–31 as a date writes it: 一 … 十, 十一 … 十九, 二十, 二十一 … 三十一. */
function smallNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

/**
 * A date as an official document writes it (GB/T 9704: the year digit by digit, 〇 for zero;
 * month and day in words): 2024-11-04 → 二〇二四年十一月四日.
 */
export function chineseDate(d: LocalDate): string {
  assertLocalDate(d, 'document date');
  const year = [...d.slice(0, 4)].map((c) => DIGITS[Number(c)]).join('');
  return `${year}年${smallNumber(Number(d.slice(5, 7)))}月${smallNumber(Number(d.slice(8, 10)))}日`;
}

/** The document number (发文字号) of the `sequence`-th document of its kind a unit issued in `year`: 〔2024〕3号. */
export function documentNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`document year must have four digits, got ${year}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`document sequence must be a positive integer, got ${sequence}`);
  return `〔${year}〕${sequence}号`;
}

/** What a document number looks like (the event contract checks it too). */
export const DOCUMENT_NUMBER_RE = /^〔\d{4}〕[1-9]\d*号$/;
