import { describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import { DistributedConfig, EmbeddedConfig, type CommonConfig } from '#libs/runtime';
import { ConfigError, loadConfig, SECRET_VARIABLES } from './config.js';

/**
 * The real configuration of both modes (libs/runtime/src/settings.ts), loaded as the processes
 * load it: every variable that can be wrong is refused with one line naming it and what it got.
 */

/** A bad value for every variable that has one. */
const BAD: Record<string, string> = {
  LOG_LEVEL: 'verbose',
  TZ: 'Asia Shanghai',
  GROUP_VISIT_THRESHOLD: '1',
  DEADLINE_WARN_DAYS: '5,soon',
  DEADLINE_WINDOW_DAYS: '0',
  RECONCILE_INTERVAL_MS: '999',
  ESCALATE_AFTER_HOURS: '721',
  LATE_ENTRY_SETTLE_MINUTES: '-1',
  EVALUATION_WINDOW_DAYS: '0',
  CALENDAR_UNCOVERED_YEAR: 'guess',
  HOLIDAY_ROLLOVER: 'handling,lunch',
  READ_YOUR_WRITES_TIMEOUT_MS: '9',
  CATCH_UP_TIMEOUT_MS: '60001',
  CLOCK_OFFSET_MS: 'later',
  CATEGORIES_FILE: '/nonexistent/categories.json',
  PORT: '65536',
  METRICS_PORT: '0',
  ADMIN_PASSWORD: 'short',
  JWT_SECRET: 'not-32-characters-long',
  SERVICE: 'billing',
  DATABASE_URL: 'postgres://user:pass@db:5432/petition_',
  KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
  REDIS_URL: 'localhost:6379',
  INTERNAL_TOKEN: 'too-short',
  RELAY_POLL_MS: '5',
  KAFKA_TOPIC: 'case events',
  BULLMQ_PREFIX: 'petition:timers',
  TIMER_LEAD_MS: '25001',
  TIMER_PREFETCH: '0',
  OUTBOX_RELAY: 'paused',
  ACCESS_TOKEN_MINUTES: '0',
  REFRESH_TOKEN_HOURS: '721',
  LOGIN_MAX_FAILURES: '0',
  LOGIN_FAILURE_WINDOW_MINUTES: '0',
  LOGIN_LOCKOUT_MINUTES: 'forever',
  LOGIN_RATE_PER_USERNAME: '0',
  LOGIN_RATE_PER_ADDRESS: 'many',
  LOGIN_RATE_WINDOW_SECONDS: '3601',
  TRUST_PROXY: 'true',
  PASSWORD_MIN_LENGTH: '8',
  TRACK_MAX_FAILURES: '0',
  TRACK_FAILURE_WINDOW_MINUTES: '1441',
  TRACK_LOCKOUT_MINUTES: 'a while',
  PUBLIC_RATE_PER_ADDRESS: '0',
  PUBLIC_RATE_WINDOW_SECONDS: '3601',
  PII_KEY: Buffer.alloc(31, 7).toString('base64'),
  PII_KEY_ID: 'K-2024',
  PII_OLD_KEYS: `k0=${Buffer.alloc(32, 1).toString('base64')}`,
};

/** Free text: any value the environment can hold is a valid one (a path, a host, a URL checked on use). */
const ANY_STRING = new Set(['HOST', 'DATA_DIR', 'CALENDAR_FILE', 'INTAKE_URL', 'ASSIGNMENT_URL', 'DEADLINE_URL', 'CLOSURE_URL', 'REPORTING_URL']);

/** What a distributed process needs besides the variable under test. */
const DISTRIBUTED_BASE = {
  SERVICE: 'intake',
  DATABASE_URL: 'mysql://petition:secret@db:3306/petition_',
  INTERNAL_TOKEN: 'internal-token-of-sixteen+',
  PII_KEY: Buffer.alloc(32, 9).toString('base64'),
};

const variablesOf = (cls: Function) =>
  [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(cls, '', true, false)
        .map((m) => m.propertyName),
    ),
  ].sort();

const MODES: [string, new () => CommonConfig & { PORT: number }, Record<string, string>][] = [
  ['EmbeddedConfig', EmbeddedConfig, {}],
  ['DistributedConfig', DistributedConfig, DISTRIBUTED_BASE],
];

describe.each(MODES)('the %s the processes load', (_name, cls, base) => {
  const variables = variablesOf(cls);

  it('starts from the documented defaults with nothing else set', () => {
    const cfg = loadConfig(cls, { ...base });
    expect(cfg).toMatchObject({ TZ: 'Asia/Shanghai', PORT: 3000, GROUP_VISIT_THRESHOLD: 5, DEADLINE_WARN_DAYS: [5, 1], EVALUATION_WINDOW_DAYS: 30, CALENDAR_UNCOVERED_YEAR: 'refuse' });
    expect(cfg.LOG_LEVEL).toBe(cls === EmbeddedConfig ? 'warn' : 'log');
  });

  it('converts numbers and lists from their text', () => {
    expect(loadConfig(cls, { ...base, PORT: '8080', DEADLINE_WARN_DAYS: '7, 3,1' })).toMatchObject({ PORT: 8080, DEADLINE_WARN_DAYS: [7, 3, 1] });
  });

  it('has a bad value in this table for every variable that can be wrong', () => {
    expect(variables.filter((v) => !(v in BAD) && !ANY_STRING.has(v))).toEqual([]);
  });

  it.each(
    Object.keys(BAD)
      .filter((v) => variables.includes(v))
      .map((v) => [v]),
  )('refuses a bad %s in one line that names it and what it got', (variable) => {
    const env = { ...base, [variable]: BAD[variable] };
    let error: unknown;
    try {
      loadConfig(cls, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const line = (error as ConfigError).message;
    expect(line).not.toContain('\n');
    expect(line.startsWith(`configuration: ${variable} `)).toBe(true);
    // Keys are named, never repeated into the log.
    expect(line.endsWith(SECRET_VARIABLES.has(variable) ? `(got a value of ${BAD[variable].length} characters, not shown)` : `(got ${JSON.stringify(BAD[variable])})`)).toBe(true);
    if (SECRET_VARIABLES.has(variable)) expect(line).not.toContain(BAD[variable].slice(0, 8));
  });
});

describe('the distributed configuration', () => {
  it.each(Object.keys(DISTRIBUTED_BASE).map((v) => [v]))('refuses to start without %s, naming it', (variable) => {
    const env: Record<string, string> = { ...DISTRIBUTED_BASE };
    delete env[variable];
    expect(() => loadConfig(DistributedConfig, env)).toThrow(new RegExp(`^configuration: ${variable} .*\\(got null\\)$`));
  });
});

describe('PII_KEY in the distributed configuration', () => {
  const { PII_KEY: _k, ...withoutKey } = DISTRIBUTED_BASE;
  it('is required by the services that keep personal data, not by the others', () => {
    for (const service of ['intake', 'reporting'])
      expect(() => loadConfig(DistributedConfig, { ...withoutKey, SERVICE: service })).toThrow(/^configuration: PII_KEY must be 32 random bytes in base64.*\(got null\)$/);
    for (const service of ['gateway', 'assignment', 'deadline', 'closure']) expect(loadConfig(DistributedConfig, { ...withoutKey, SERVICE: service }).PII_KEY).toBeUndefined();
  });
});

describe('the time zone', () => {
  it.each([['Asia/Shanghia'], ['Mars/Olympus_Mons'], ['Asia Shanghai']])('refuses TZ=%s in one line naming it', (tz) => {
    expect(() => loadConfig(EmbeddedConfig, { DATA_DIR: '/tmp/x', TZ: tz })).toThrow(new RegExp(`^configuration: TZ .*\\(got "${tz}"\\)$`));
  });
  it('takes every IANA zone Intl knows', () => {
    for (const tz of ['Asia/Shanghai', 'Asia/Urumqi', 'UTC', 'America/Argentina/Buenos_Aires']) expect(loadConfig(EmbeddedConfig, { DATA_DIR: '/tmp/x', TZ: tz }).TZ).toBe(tz);
  });
});

describe('whole numbers with a range', () => {
  it.each([['abc'], ['70000'], ['-1'], ['3.5']])('PORT=%s is "a whole number from 0 to 65535"', (port) => {
    expect(() => loadConfig(EmbeddedConfig, { DATA_DIR: '/tmp/x', PORT: port })).toThrow(`configuration: PORT must be a whole number from 0 to 65535 (got "${port}")`);
  });
  it('and likewise for every ranged number, e.g. GROUP_VISIT_THRESHOLD', () => {
    expect(() => loadConfig(EmbeddedConfig, { DATA_DIR: '/tmp/x', GROUP_VISIT_THRESHOLD: 'many' })).toThrow('configuration: GROUP_VISIT_THRESHOLD must be a whole number from 2 to 1000 (got "many")');
  });
});

describe('secrets in a refusal', () => {
  it('never repeats a key, a password or a URL that may carry one', () => {
    expect([...SECRET_VARIABLES].sort()).toEqual(['ADMIN_PASSWORD', 'DATABASE_URL', 'INTERNAL_TOKEN', 'JWT_SECRET', 'PII_KEY', 'PII_OLD_KEYS', 'REDIS_URL']);
    const refusal = (cls: new () => CommonConfig, env: Record<string, string>) => {
      try {
        loadConfig(cls, env);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const line = refusal(EmbeddedConfig, { DATA_DIR: '/tmp/x', ADMIN_PASSWORD: 'short1' });
    expect(line).toBe('configuration: ADMIN_PASSWORD must be longer than or equal to 10 characters (got a value of 6 characters, not shown)');
    const url = refusal(DistributedConfig, { ...DISTRIBUTED_BASE, DATABASE_URL: 'postgres://petition:S3cretPw@db:5432/petition_' });
    expect(url).toContain('DATABASE_URL');
    expect(url).not.toContain('S3cretPw');
  });
});
