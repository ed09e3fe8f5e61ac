import { describe, expect, it } from '@jest/globals';
import { maskIdNumber, maskPhone, maskText } from './mask.js';

describe('personal data masking', () => {
  it('keeps the first 6 and last 4 characters of an identity number', () => {
    expect(maskIdNumber('45030219800101123X')).toBe('450302********123X');
    expect(maskIdNumber('450302800101123')).toBe('450302*****1123');
  });
  it('keeps the first 3 and last 4 digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0771-1234567')).toBe('077*****4567');
  });
  it('hides short values entirely and passes empty ones through', () => {
    expect(maskIdNumber('12345')).toBe('*****');
    expect(maskPhone(null)).toBeNull();
    expect(maskIdNumber(undefined)).toBeNull();
  });
  it('scrubs identity and mobile numbers out of free text for logs', () => {
    expect(maskText('王五 45030219800101123X 电话 13812345678 已登记')).toBe('王五 450302********123X 电话 138****5678 已登记');
  });
});
