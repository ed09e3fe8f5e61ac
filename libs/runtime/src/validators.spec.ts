import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { IsOptional, MaxLength, validateSync } from 'class-validator';
import { chinaToday, forbiddenCharIn, gb11643CheckDigit, idNumberProblem, instantProblem, isRealDate, normalisePhone, phoneKind } from '#libs/common';
import { Label } from './http-errors.js';
import { IsCalendarDate, IsCleanText, IsIdNumber, IsInstant, IsPhone } from './validators.js';

/**
 * The GB 11643 check character computed the other way the standard writes it:
 * a_1 = (12 − (Σ a_i·W_i mod 11)) mod 11 with W_i = 2^(i−1) mod 11 counted from the right, 10 → X.
 * Independent of the table in input-checks.ts, so a wrong weight or a wrong table shows.
 */
function checkByFormula(first17: string): string {
  let s = 0;
  for (let k = 0; k < 17; k++) s += Number(first17[k]) * (2 ** (17 - k) % 11);
  const a1 = (12 - (s % 11)) % 11;
  return a1 === 10 ? 'X' : String(a1);
}

describe('GB 11643 identity numbers', () => {
  it('the standard’s own examples carry a correct check character', () => {
    // GB 11643-1999 Appendix: 11010519491231002X (Beijing, Chaoyang) and 440524188001010014 (Guangdong, Shantou)
    expect(gb11643CheckDigit('11010519491231002')).toBe('X');
    expect(gb11643CheckDigit('44052418800101001')).toBe('4');
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('440524188001010014')).toBeNull();
  });

  it('the table agrees with the formula on every body the tests use and on a sweep of sequences', () => {
    for (const body of ['45030219800101122', '45030219800101123', '45030219900202123', '11010519491231002', '44052418800101001']) {
      expect(gb11643CheckDigit(body)).toBe(checkByFormula(body));
    }
    for (let seq = 0; seq < 1000; seq += 7) {
      const body = `110105194912310${String(seq).padStart(3, '0')}`.slice(0, 17);
      expect(gb11643CheckDigit(body)).toBe(checkByFormula(body));
    }
  });

  it('refuses a wrong check character, an impossible or future birth date, a bad shape', () => {
    expect(idNumberProblem('45030219800101123X')).toBe('check-digit'); // the old README example: its check character is 8
    expect(idNumberProblem(`45030219800101123${checkByFormula('45030219800101123')}`)).toBeNull();
    expect(idNumberProblem('45030219800101122X')).toBeNull();
    const withCheck = (b: string) => b + checkByFormula(b);
    expect(idNumberProblem(withCheck('45030219800230123'))).toBe('birth-date'); // 1980-02-30
    expect(idNumberProblem(withCheck('45030219801301123'))).toBe('birth-date'); // month 13
    expect(idNumberProblem(withCheck('45030217991231123'))).toBe('birth-date'); // before 1800
    expect(idNumberProblem(withCheck('45030220990101123'), '2024-06-01')).toBe('future');
    expect(idNumberProblem(withCheck('45030220240601123'), '2024-06-01')).toBeNull(); // born today
    expect(idNumberProblem(withCheck('45030220240602123'), '2024-06-01')).toBe('future');
    expect(idNumberProblem('4503021980010112')).toBe('format');
    expect(idNumberProblem('45030219800101122x')).toBe('format'); // normalised (x → X) before the check
    expect(idNumberProblem('12345')).toBe('format');
  });

  it('15-digit numbers of the old cards: a real 19YYMMDD birth date', () => {
    expect(idNumberProblem('450302800101123')).toBeNull();
    expect(idNumberProblem('450302960229123')).toBeNull(); // 1996-02-29
    expect(idNumberProblem('450302000229123')).toBe('birth-date'); // 1900-02-29: 1900 was no leap year
    expect(idNumberProblem('450302801301123')).toBe('birth-date'); // month 13
  });
});

describe('calendar dates and instants', () => {
  it('a date is YYYY-MM-DD and real', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '2023-12-31', '1900-01-01', '2100-12-31']) expect(isRealDate(ok)).toBe(true);
    for (const bad of ['2023-02-29', '1900-02-29', '2024-02-30', '2024-13-45', '2024-04-31', '2024-00-10', '2024-01-00', '2024-1-5', '20240105', '1899-12-31', '2101-01-01', '', 20240101, null]) {
      expect(isRealDate(bad)).toBe(false);
    }
  });

  it('an instant has an offset and a real date and time', () => {
    for (const ok of ['2024-09-18T09:30:00+08:00', '2024-09-18T01:30:00Z', '2024-09-18T01:30:00.123Z', '2024-09-18T09:30+08:00', '2024-02-29T23:59:59-05:00']) {
      expect(instantProblem(ok)).toBeNull();
    }
    for (const noOffset of ['2024-09-18T09:30:00', '2024-09-18', '2024-09-18 09:30:00+08:00', '2024-09-18T09:30:00+0800', 'yesterday']) expect(instantProblem(noOffset)).toBe('format');
    for (const unreal of ['2024-02-30T09:30:00+08:00', '2024-13-45T09:30:00Z', '2024-09-18T24:00:00Z', '2024-09-18T09:60:00Z', '2024-09-18T09:30:00+15:00']) {
      expect(instantProblem(unreal)).toBe('date');
    }
  });

  it('the China date is UTC+8', () => {
    expect(chinaToday(Date.parse('2024-06-01T15:59:59Z'))).toBe('2024-06-01');
    expect(chinaToday(Date.parse('2024-06-01T16:00:00Z'))).toBe('2024-06-02');
  });
});

describe('phones a reception desk meets', () => {
  it('mobiles (stored as 11 digits), landlines with area code, service numbers', () => {
    const kinds: Record<string, string> = {
      '13812345678': 'mobile',
      '138 1234 5678': 'mobile',
      '138-1234-5678': 'mobile',
      '+86 138 1234 5678': 'mobile',
      '008613812345678': 'mobile',
      '0771-5812345': 'landline',
      '07715812345': 'landline',
      '010-62345678': 'landline',
      '(0771)5812345': 'landline',
      '0771 5812345': 'landline',
      '0771-5812345-8001': 'landline',
      '+86-771-5812345': 'landline',
      '12345': 'service',
      '110': 'service',
      '12315': 'service',
      '10086': 'service',
      '95588': 'service',
      '96110': 'service',
      '400-810-8888': 'service',
    };
    for (const [phone, kind] of Object.entries(kinds)) expect([phone, phoneKind(phone)]).toEqual([phone, kind]);
    expect(normalisePhone('+86 138 1234 5678')).toBe('13812345678');
    expect(normalisePhone(' 0771-5812345 ')).toBe('0771-5812345');
  });

  it('refuses what no one can call', () => {
    for (const bad of ['+++++', '123', '999', '5812345', '12', '1381234567', '138123456789', '23812345678', 'abc', '138-1234-567a', '0771--5812345', '13812345678 13912345678', '', '-12345']) {
      expect([bad, phoneKind(bad)]).toEqual([bad, null]);
    }
  });
});

describe('free text', () => {
  it('refuses NUL, C0/C1 controls, bidi overrides and isolates, lone surrogates; line breaks only in multi-line text', () => {
    expect(forbiddenCharIn('张三')).toBeNull();
    expect(forbiddenCharIn('😀 emoji')).toBeNull();
    expect(forbiddenCharIn('a\u0000b')).toBe('U+0000');
    expect(forbiddenCharIn('a\u0085b')).toBe('U+0085');
    expect(forbiddenCharIn('a\u007fb')).toBe('U+007F');
    expect(forbiddenCharIn('abc\u202Etxt.exe')).toBe('U+202E');
    expect(forbiddenCharIn('a\u2066b')).toBe('U+2066');
    expect(forbiddenCharIn('a\ud800b')).toBe('U+D800');
    expect(forbiddenCharIn('line\nline')).toBe('U+000A');
    expect(forbiddenCharIn('line\r\nline\tend', true)).toBeNull();
    expect(forbiddenCharIn('a\u0000b', true)).toBe('U+0000');
  });
});

class Probe {
  @Label('接访日期') @IsCalendarDate() date: string;
  @Label('行为时间') @IsOptional() @IsInstant() at?: string;
  @Label('身份证号') @IsOptional() @IsIdNumber() idNumber?: string;
  @Label('联系电话') @IsOptional() @IsPhone() phone?: string;
  @Label('信访人姓名') @IsCleanText() @MaxLength(5) name: string;
  @Label('处理意见') @IsOptional() @IsCleanText({ multiline: true }) opinion?: string;
}

const check = (plain: Record<string, unknown>) => {
  const o = plainToInstance(Probe, { date: '2024-02-29', name: '张三', ...plain });
  return { o, errors: Object.fromEntries(validateSync(o).map((e) => [e.property, Object.values(e.constraints ?? {})])) };
};

describe('the decorators name the field in zh-CN', () => {
  it('dates and instants', () => {
    expect(check({}).errors).toEqual({});
    expect(check({ date: '2024-02-30' }).errors.date).toEqual(['接访日期不是真实存在的日期：2024-02-30']);
    expect(check({ date: '2024/02/01' }).errors.date).toEqual(['接访日期格式应为 YYYY-MM-DD']);
    expect(check({ date: '1066-10-14' }).errors.date).toEqual(['接访日期的年份应在 1900–2100 之间']);
    expect(check({ at: '2024-09-18T09:30:00' }).errors.at).toEqual(['行为时间必须是带时区的时间，如 2024-09-18T09:30:00+08:00']);
    expect(check({ at: '2024-02-30T09:30:00+08:00' }).errors.at).toEqual(['行为时间不是真实存在的日期或时间']);
  });

  it('identity numbers: normalised, each failure said', () => {
    const { o, errors } = check({ idNumber: ' 11010519491231002x ' });
    expect(errors).toEqual({});
    expect(o.idNumber).toBe('11010519491231002X');
    expect(check({ idNumber: '45030219800101123X' }).errors.idNumber).toEqual(['身份证号校验码不正确，请逐位核对（GB 11643）']);
    expect(check({ idNumber: '450302198002301238' }).errors.idNumber).toEqual(['身份证号中的出生日期不存在，请逐位核对']);
    const future = `450302${Number(chinaToday().slice(0, 4)) + 1}0101123`;
    expect(check({ idNumber: future + gb11643CheckDigit(future) }).errors.idNumber).toEqual(['身份证号中的出生日期晚于今天，请逐位核对']);
    expect(check({ idNumber: '450302801301123' }).errors.idNumber).toEqual(['身份证号中的出生日期不存在，请逐位核对']);
    expect(check({ idNumber: '12345' }).errors.idNumber).toEqual(['身份证号格式不正确（18 位，末位可为 X；或 15 位数字）']);
  });

  it('phones: a mobile is stored bare; garbage refused without echoing it', () => {
    const { o, errors } = check({ phone: '+86 138-1234-5678' });
    expect(errors).toEqual({});
    expect(o.phone).toBe('13812345678');
    expect(check({ phone: '+++++' }).errors.phone).toEqual(['联系电话应为手机号、带区号的固定电话（如 0771-5812345）或 12345 等服务号码']);
    expect(check({ phone: '12345' }).errors).toEqual({});
  });

  it('text: trimmed (the length counts after trimming), blank refused, bad characters named', () => {
    const { o, errors } = check({ name: '  张三丰  ', opinion: '第一段\n第二段\t完' });
    expect(errors).toEqual({});
    expect(o.name).toBe('张三丰');
    expect(check({ name: ' \u3000\t ' }).errors.name).toEqual(['信访人姓名不能为空']);
    expect(check({ name: '张\u0000三' }).errors.name).toEqual(['信访人姓名含有不允许的控制字符（U+0000）']);
    expect(check({ name: '张\u202E三' }).errors.name).toEqual(['信访人姓名含有不允许的文字方向控制字符（U+202E）']);
    expect(check({ name: '张\n三' }).errors.name).toEqual(['信访人姓名含有不允许的控制字符（U+000A）']);
    expect(check({ name: 42 }).errors.name).toContain('信访人姓名必须是文本');
    expect(check({ opinion: '意见\u0000' }).errors.opinion).toEqual(['处理意见含有不允许的控制字符（U+0000）']);
  });
});
