import { COMMON_PASSWORDS_TEXT } from './common-passwords.data.js';

export interface PasswordPolicy {
  /** Characters (code points), at least 10. */
  minLength: number;
}
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 10 };

const COMMON = new Set(
  COMMON_PASSWORDS_TEXT.split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean),
);

/**
 * True for a password on the list, also when only digits or signs were added before or after a
 * listed word ("Password2024!", "2024monkey") or when it is one or two characters repeated
 * ("aaaaaaaaaa", "abababababab"): the first guesses of any attacker.
 */
export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (COMMON.has(p)) return true;
  if (new Set(p).size <= 2 || isRun(p)) return true;
  const core = p.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
  return core.length >= 4 && core !== p && COMMON.has(core);
}

/** Rows people type along: a password that is a stretch of one of them (forwards or backwards, repeated) is no secret. */
const RUNS = ['01234567890123456789', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopqwertyuiop', 'asdfghjklasdfghjkl', 'zxcvbnmzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p'];
const reversed = (s: string) => [...s].reverse().join('');
function isRun(p: string): boolean {
  return RUNS.some((run) => run.includes(p) || run.includes(reversed(p)));
}

/**
 * Why `password` may not be used by `username`, in zh-CN naming the field by `label`
 * (密码, 新密码 …), or null when it may. Length in characters, not bytes: a Chinese passphrase
 * counts its characters.
 */
export function passwordProblem(password: string, username: string, label = '密码', policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string | null {
  if ([...password].length < policy.minLength) return `${label}不得少于 ${policy.minLength} 个字符`;
  const p = password.trim().toLowerCase();
  const u = username.trim().toLowerCase();
  if (u && p === u) return `${label}不能与用户名相同`;
  if (u && p === reversed(u)) return `${label}不能是用户名倒过来写`;
  if (isCommonPassword(password)) return `${label}过于常见，容易被猜中，请换一个不常见的${label}`;
  return null;
}
