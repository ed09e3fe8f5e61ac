import { describe, expect, it } from '@jest/globals';
import { chineseDate, DOCUMENT_NUMBER_RE, documentNumber } from './chinese.js';

describe('dates as an official document writes them', () => {
  it('2024-11-04 is 二〇二四年十一月四日: the year digit by digit with 〇, month and day in words', () => {
    expect(chineseDate('2024-11-04')).toBe('二〇二四年十一月四日');
  });

  it('tens are 十, 二十, 三十 with the ones after them; a zero year digit is 〇', () => {
    expect(chineseDate('2020-01-10')).toBe('二〇二〇年一月十日');
    expect(chineseDate('2024-02-20')).toBe('二〇二四年二月二十日');
    expect(chineseDate('2024-10-21')).toBe('二〇二四年十月二十一日');
    expect(chineseDate('2023-12-31')).toBe('二〇二三年十二月三十一日');
    expect(chineseDate('2000-05-15')).toBe('二〇〇〇年五月十五日');
    expect(chineseDate('2019-09-30')).toBe('二〇一九年九月三十日');
  });

  it('refuses a date that does not exist', () => {
    expect(() => chineseDate('2023-02-29')).toThrow(RangeError);
    expect(() => chineseDate('2024-9-1')).toThrow(RangeError);
  });
});

describe('document numbers (发文字号)', () => {
  it('the third of its kind a unit issued in 2024 is 〔2024〕3号; the twelfth 〔2024〕12号', () => {
    expect(documentNumber(2024, 3)).toBe('〔2024〕3号');
    expect(documentNumber(2024, 12)).toBe('〔2024〕12号');
    expect(DOCUMENT_NUMBER_RE.test(documentNumber(2025, 1))).toBe(true);
  });

  it('has a four-digit year and a sequence from 1', () => {
    expect(() => documentNumber(2024, 0)).toThrow(RangeError);
    expect(() => documentNumber(2024, 1.5)).toThrow(RangeError);
    expect(() => documentNumber(24, 1)).toThrow(RangeError);
    expect(DOCUMENT_NUMBER_RE.test('〔2024〕0号')).toBe(false);
    expect(DOCUMENT_NUMBER_RE.test('[2024]1号')).toBe(false);
  });
});
