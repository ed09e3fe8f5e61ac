import 'reflect-metadata';
import { createServer } from 'node:net';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';

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
    const why = rangeMessage(cls, e.property, Object.keys(e.constraints ?? {})) ?? Object.values(e.constraints ?? {})[0] ?? 'is invalid';
    const got = env[e.property];
    // A secret is not repeated into the log: a near-miss of the real key is still the key.
    const shown = got !== undefined && SECRET_VARIABLES.has(e.property) ? `a value of ${got.length} characters, not shown` : JSON.stringify(got ?? null);
    throw new ConfigError(`configuration: ${e.property} ${why.replace(new RegExp(`^${e.property}\\s*`), '')} (got ${shown})`);
  }
  return instance;
}

/**
 * A whole number with a range (ports, counts, intervals) gets one message saying both, whichever
 * check failed first: `PORT=abc` is "must be a whole number from 0 to 65535", not "must not be
 * greater than 65535".
 */
function rangeMessage(cls: new () => object, property: string, failed: string[]): string | null {
  if (!failed.some((k) => k === 'isInt' || k === 'min' || k === 'max')) return null;
  const metas = getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .filter((m) => m.propertyName === property);
  const bound = (name: string) => metas.find((m) => m.name === name)?.constraints?.[0] as number | undefined;
  const [min, max] = [bound('min'), bound('max')];
  if (!metas.some((m) => m.name === 'isInt') || min === undefined || max === undefined) return null;
  return `must be a whole number from ${min} to ${max}`;
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

/**
 * At a process edge: a start that fails for a reason the operator fixes (a busy port) prints its
 * one line and stops with 78, like a bad variable; anything else is thrown as it is.
 */
export async function startOrExit<T>(start: Promise<T>): Promise<T> {
  try {
    return await start;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      process.exit(78);
    }
    throw e;
  }
}

/** Listens, and says a busy or forbidden port in one line naming PORT (a ConfigError). */
export async function listenOrExplain(listen: () => Promise<unknown>, port: number, host: string, variable = 'PORT'): Promise<void> {
  try {
    // Tried first on a bare socket: the framework would log its own stack before rejecting.
    if (port !== 0) await probePort(port, host);
    await listen();
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (code === 'EADDRINUSE') throw new ConfigError(`configuration: ${variable} ${port} is already in use on ${host} (another process listens there: stop it or choose another ${variable})`);
    if (code === 'EACCES') throw new ConfigError(`configuration: ${variable} ${port} may not be opened by this user on ${host} (ports below 1024 need privileges: choose another ${variable})`);
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(`configuration: HOST ${host} is not an address of this machine`);
    throw e;
  }
}

function probePort(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
