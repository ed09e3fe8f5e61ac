import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/**
 * Passwords are hashed with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 * Argon2 takes the whole password, so nothing after byte 72 is dropped (bcrypt's limit).
 * Hashes written before (bcrypt, `$2a$`/`$2b$`) still verify; `needsRehash` tells the caller to
 * store a new argon2id hash once the password is known to be right (the next login).
 */
const ARGON2ID = 2 as Algorithm; // Algorithm.Argon2id (a const enum: not importable as a value here)
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (plain: string): Promise<string> => hash(plain, OPTIONS);

export interface PasswordCheck {
  ok: boolean;
  /** The hash is bcrypt, or argon2 with weaker parameters than today's: store hashPassword(plain). */
  needsRehash: boolean;
}

const isBcrypt = (h: string) => /^\$2[aby]\$\d\d\$/.test(h);

export async function verifyPassword(plain: string, stored: string): Promise<PasswordCheck> {
  if (isBcrypt(stored)) return { ok: await bcrypt.compare(plain, stored), needsRehash: true };
  if (!stored.startsWith('$argon2')) return { ok: false, needsRehash: false };
  let ok: boolean;
  try {
    ok = await verify(stored, plain);
  } catch {
    return { ok: false, needsRehash: false };
  }
  return { ok, needsRehash: ok && weaker(stored) };
}

function weaker(stored: string): boolean {
  try {
    const p = parseOptions(stored);
    return p.algorithm !== ARGON2ID || p.memoryCost < OPTIONS.memoryCost! || p.timeCost < OPTIONS.timeCost!;
  } catch {
    return true;
  }
}

/**
 * A hash to compare against when the username is unknown, so that answering takes as long as
 * for a real account (timing does not tell which usernames exist). Made once, lazily.
 */
let dummy: Promise<string> | undefined;
export const dummyPasswordHash = (): Promise<string> => (dummy ??= hashPassword(`no-such-user-${Math.random()}`));
