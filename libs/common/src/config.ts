import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {}

/** Variables holding keys, passwords or URLs that may carry one: a refusal names them and says why, without their value. */
export const SECRET_VARIABLES = new Set(['PII_KEY', 'PII_OLD_KEYS', 'JWT_SECRET', 'INTERNAL_TOKEN', 'ADMIN_PASSWORD', 'DATABASE_URL', 'REDIS_URL']);

/**
 * Builds one validated configuration object from the environment. The first bad or
 * missing variable is reported in one line naming it; callers at the edge exit on it.
 */
export function loadConfig<T extends object>(cls: new () => T, env: Record<string, string | undefined> = process.env): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const instance = plainToInstance(cls, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: false, skipMissingProperties: false });
  if (errors.length) {
    const e = errors[0];
    const why = Object.values(e.constraints ?? {})[0] ?? 'is invalid';
    const got = env[e.property];
    // A secret is not repeated into the log: a near-miss of the real key is still the key.
    const shown = got !== undefined && SECRET_VARIABLES.has(e.property) ? `a value of ${got.length} characters, not shown` : JSON.stringify(got ?? null);
    throw new ConfigError(`configuration: ${e.property} ${why.replace(new RegExp(`^${e.property}\\s*`), '')} (got ${shown})`);
  }
  return instance;
}

/** At a process edge: load or print the one-line reason and stop. */
export function loadConfigOrExit<T extends object>(cls: new () => T, defaults: Record<string, string> = {}): T {
  try {
    return loadConfig(cls, { ...defaults, ...process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      process.exit(78);
    }
    throw e;
  }
}
