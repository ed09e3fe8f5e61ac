import { describe, expect, it } from '@jest/globals';
import { COMMON_PASSWORDS_TEXT } from './common-passwords.data.js';
import { isCommonPassword, passwordProblem } from './password-policy.js';

describe('password policy', () => {
  it('bundles a few thousand common passwords, Chinese-typical ones among them', () => {
    const list = COMMON_PASSWORDS_TEXT.split('\n').filter(Boolean);
    expect(list.length).toBeGreaterThan(4000);
    for (const p of ['woaini1314', 'a123456789', 'qq123456789', '5201314520', '1qaz2wsx3edc', 'zhongguo123']) expect(list).toContain(p);
  });

  it.each([
    ['password123'],
    ['PASSWORD123'],
    ['Password2024!'],
    ['2024monkey'],
    ['!!basketball!!'],
    ['aaaaaaaaaa'],
    ['abababababab'],
    ['12345678901'],
    ['9876543210'],
    ['qwertyuiopq'],
    ['abcdefghijkl'],
  ])('%s is common', (p) => expect(isCommonPassword(p)).toBe(true));

  it.each([['reception1-pass'], ['admin-e2e-password'], ['integration-admin-pw'], ['handler-password'], ['正确的马电池订书钉'], ['Tr0ub4dor&3-horse']])('%s is not', (p) =>
    expect(isCommonPassword(p)).toBe(false),
  );

  it('names the field and the rule, in Chinese', () => {
    expect(passwordProblem('short', 'zhang')).toBe('密码不得少于 10 个字符');
    expect(passwordProblem('Zhang.San.01', 'zhang.san.01', '新密码')).toBe('新密码不能与用户名相同');
    expect(passwordProblem('10.nas.gnahz', 'zhang.san.01')).toBe('密码不能是用户名倒过来写');
    expect(passwordProblem('woaini1314', 'zhang')).toBe('密码过于常见，容易被猜中，请换一个不常见的密码');
    expect(passwordProblem('好记又难猜的一句话', 'zhang', '密码', { minLength: 10 })).toBe('密码不得少于 10 个字符');
    expect(passwordProblem('好记又难猜的一句长话啊', 'zhang')).toBeNull();
    expect(passwordProblem('a-long-enough-pass', 'zhang', '密码', { minLength: 20 })).toBe('密码不得少于 20 个字符');
  });
});
