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
});

/** Personal data in free text bound for a log line: [what, in, out]. */
const SCRUBBED: [string, string, string][] = [
  ['an 18-digit identity number', '王五 45030219800101123X 已登记', '王五 450302********123X 已登记'],
  ['an 18-digit identity number ending in a lower-case x', 'id=45030219800101123x;', 'id=450302********123x;'],
  ['an 18-digit identity number of digits only', "Duplicate entry '450302198001011234' for key", "Duplicate entry '450302********1234' for key"],
  ['a 15-digit identity number', '身份证号450302800101123，', '身份证号450302*****1123，'],
  ['a 15-digit identity number in JSON', '{"idNumber":"450302800101123"}', '{"idNumber":"450302*****1123"}'],
  ['a mobile', '电话 13812345678 已登记', '电话 138****5678 已登记'],
  ['a mobile with spaces', 'tel 138 1234 5678.', 'tel 138 **** 5678.'],
  ['a mobile with dashes', 'tel:138-1234-5678', 'tel:138-****-5678'],
  ['a mobile with +86', 'phone +8613812345678', 'phone +86138****5678'],
  ['a mobile with +86 and a space', 'phone +86 138 1234 5678', 'phone +86 138 **** 5678'],
  ['a mobile with 86', '手机8613912345678', '手机86139****5678'],
  ['a mobile with 0086', '手机 0086-15912345678', '手机 0086-159****5678'],
  ['a landline with a 4-digit area code and a dash', '座机 0771-1234567', '座机 0771-***4567'],
  ['a landline with a 3-digit area code and 8 digits', '座机 010-12345678', '座机 010-****5678'],
  ['a landline with the area code in brackets', '座机(0771)1234567', '座机(0771)***4567'],
  ['a landline written as one run of digits', '座机 07711234567', '座机 0771***4567'],
  ['a landline with a space', '座机 020 87654321', '座机 020 ****4321'],
  [
    'all of them in one error message',
    'insert failed: 45030219800101123X, 450302800101123, +86 138-1234-5678, (0771)1234567',
    'insert failed: 450302********123X, 450302*****1123, +86 138-****-5678, (0771)***4567',
  ],
];

/** What must come out of maskText exactly as it went in. */
const KEPT: [string, string][] = [
  ['an ISO timestamp', '2024-12-01T08:00:00.000Z'],
  ['an ISO timestamp with an offset', 'received 2024-12-01T08:00:00+08:00 at 24:00'],
  ['a UUID v7', 'case 01937a2b-0771-7123-8456-123456789012 not found'],
  ['a UUID v7 of digits where it can be', '01938123-0771-7123-8456-013812345678'],
  ['a UUID whose last part is a mobile-looking run', '0193a2b4-c5d6-7e8f-9012-138123456780'],
  ['a tracking number', 'XF20241201ABCDEF12'],
  ['a tracking number of digits', 'XF2024091800000001 registered'],
  ['a dash-joined tracking number', 'XF-20241201-07711234567'],
  ['a port and a count', 'listening on 127.0.0.1:3000, 1000000 deadlines, 65535'],
  ['an epoch in milliseconds', 'at 1733040000000 (13 digits)'],
  ['a Kafka offset and partition', 'petition.case-events.v1[0]@12345'],
  ['a date range', '2024-01-01 to 2024-12-31'],
];

describe('maskText scrubs personal data out of log lines', () => {
  it.each(SCRUBBED)('masks %s', (_what, input, output) => {
    expect(maskText(input)).toBe(output);
  });
  it.each(KEPT)('leaves %s alone', (_what, input) => {
    expect(maskText(input)).toBe(input);
  });
});
