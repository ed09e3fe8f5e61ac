import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateBy,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { KEY_ID_RE, parsePiiKey, parsePiiKeyList, PiiKeyring } from '#libs/common';
import { CategoryDataError, loadCategoriesFile, useCategories } from '#libs/contracts';
import { DEADLINE_KINDS, DEFAULT_POLICY, mergeCalendarData, PRC_CALENDAR_DATA, PrcCalendar, type DeadlinePolicy } from '#libs/regulation';
import { loadCalendarFile } from './calendar-file.js';

const TRUST_PROXY_TERM = String.raw`(?:loopback|linklocal|uniquelocal|[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:/[0-9]{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:]*(?:/[0-9]{1,3})?)`;
const TRUST_PROXY_RE = new RegExp(String.raw`^(?:false|[1-9]|${TRUST_PROXY_TERM}(?:\s*,\s*${TRUST_PROXY_TERM})*)$`);

/** TRUST_PROXY as Express takes it: false, a hop count, or the list. */
export function trustProxyOf(value: string): boolean | number | string {
  if (value === 'false') return false;
  return /^[1-9]$/.test(value) ? Number(value) : value;
}

/** A time zone Intl accepts (a typo such as Asia/Shanghia matches the shape and is refused here). */
export function isKnownTimeZone(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

const intList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((s) => Number(s.trim())) : value);

/**
 * CATEGORIES_FILE: read and checked while the configuration is validated, so a bad file stops the
 * process with one line naming the problem; a good one (or none: the bundled tree) is put in force.
 */
@ValidatorConstraint({ name: 'categoriesFile' })
class CategoriesFileConstraint implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    try {
      useCategories(typeof value === 'string' && value ? loadCategoriesFile(value) : undefined);
      return true;
    } catch (e) {
      if (!(e instanceof CategoryDataError)) throw e;
      this.problem = e.message;
      return false;
    }
  }
  defaultMessage(): string {
    return this.problem;
  }
}

/** PII_KEY: base64 of 32 random bytes; PII_OLD_KEYS: kid:base64,… (the reason, never the key, in the message). */
@ValidatorConstraint({ name: 'piiKey' })
export class PiiKeyConstraint implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown, args?: ValidationArguments): boolean {
    try {
      if (typeof value !== 'string') throw new Error('is not text');
      if (args?.property === 'PII_OLD_KEYS') parsePiiKeyList(value);
      else parsePiiKey(value);
      return true;
    } catch (e) {
      this.problem = (e as Error).message;
      return false;
    }
  }
  defaultMessage(args?: ValidationArguments): string {
    return args?.property === 'PII_OLD_KEYS'
      ? `must be kid:base64 of 32 bytes, comma-separated (${this.problem})`
      : `must be 32 random bytes in base64, e.g. \`openssl rand -base64 32\` (${this.problem})`;
  }
}
const PII_KEY_ID_MESSAGE = { message: 'PII_KEY_ID must be lower-case letters, digits, . _ - (at most 32), e.g. k2' };

/** Settings every mode shares. Validated at start: one line naming a bad variable, then exit. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;

/** Nest's logger levels for a LOG_LEVEL setting (each level includes the ones above it). */
export function logLevels(level: string): ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const order = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const upTo = level === 'debug' ? order.length : order.indexOf(level as (typeof order)[number]) + 1;
  return order.slice(0, Math.max(2, upTo));
}

export class CommonConfig {
  @IsIn(LOG_LEVELS) LOG_LEVEL: string = 'log';
  /** The office's time zone: dates and 24:00 deadlines are in it; the database keeps UTC. */
  @IsString()
  @Matches(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, { message: 'TZ must be an IANA time zone such as Asia/Shanghai' })
  @ValidateBy({
    name: 'ianaTimeZone',
    validator: { validate: (v) => isKnownTimeZone(v), defaultMessage: () => 'TZ is not a time zone this Node.js knows (Intl); expected an IANA name such as Asia/Shanghai' },
  })
  TZ: string = 'Asia/Shanghai';
  @IsInt() @Min(2) @Max(1000) GROUP_VISIT_THRESHOLD: number = 5;
  /** An updated PRC holiday calendar (JSON); the bundled one is used when unset. */
  @IsOptional() @IsString() CALENDAR_FILE?: string;
  /** Two-level content categories (JSON, the shape of GET /api/v1/categories); the bundled ones when unset. */
  @ValidateIf(() => true) @Validate(CategoriesFileConstraint) CATEGORIES_FILE?: string;
  @Transform(intList) @IsInt({ each: true }) @Min(0, { each: true }) DEADLINE_WARN_DAYS: number[] = [5, 1];
  @IsInt() @Min(1) @Max(60) DEADLINE_WINDOW_DAYS: number = 7;
  @IsInt() @Min(1000) RECONCILE_INTERVAL_MS: number = 60000;
  /** A breach still unmet this many hours after its due time is escalated to supervision (督办). */
  @IsInt() @Min(0) @Max(720) ESCALATE_AFTER_HOURS: number = 24;
  /** A deadline found already past when first armed (late paper records) is announced after this many minutes. */
  @IsInt() @Min(0) @Max(1440) LATE_ENTRY_SETTLE_MINUTES: number = 10;
  @IsInt() @Min(1) @Max(3650) EVALUATION_WINDOW_DAYS: number = DEFAULT_POLICY.evaluationWindowDays;
  /**
   * A deadline reaching into a year the holiday calendar does not cover yet (a working-day count
   * or a holiday roll-over there): 'refuse' leaves that deadline uncomputed, shown as such, with
   * no timer, until the year's notice is loaded (CALENDAR_FILE, then restart), every other
   * deadline of the case as usual; 'provisional' computes it on ordinary weeks and flags it.
   * Either way the deadline service recomputes it at the start that brings the year's data.
   */
  @IsIn(['refuse', 'provisional']) CALENDAR_UNCOVERED_YEAR: string = 'refuse';
  /**
   * Deadline kinds whose last day moves past a statutory holiday (Civil Code Art. 203(1)); the
   * others must be met before the break. Default: the petitioner's own windows.
   */
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s: string) => s.trim())
          .filter(Boolean)
      : value,
  )
  @IsIn(DEADLINE_KINDS as unknown as string[], { each: true })
  HOLIDAY_ROLLOVER: string[] = DEADLINE_KINDS.filter((k) => DEFAULT_POLICY.rollOver[k]);
  @IsInt() @Min(10) @Max(60000) READ_YOUR_WRITES_TIMEOUT_MS: number = 10000;
  @IsInt() @Min(10) @Max(60000) CATCH_UP_TIMEOUT_MS: number = 10000;
  /** Shifts the process's clock by this many milliseconds: timer drills and tests only. Keep 0. */
  @IsInt() CLOCK_OFFSET_MS: number = 0;
  /** Gateway: sign-in and tokens (README, Configuration). */
  @IsInt() @Min(1) @Max(60) ACCESS_TOKEN_MINUTES: number = 15;
  @IsInt() @Min(1) @Max(720) REFRESH_TOKEN_HOURS: number = 12;
  @IsInt() @Min(1) @Max(100) LOGIN_MAX_FAILURES: number = 5;
  @IsInt() @Min(1) @Max(1440) LOGIN_FAILURE_WINDOW_MINUTES: number = 15;
  @IsInt() @Min(1) @Max(1440) LOGIN_LOCKOUT_MINUTES: number = 15;
  @IsInt() @Min(1) @Max(100000) LOGIN_RATE_PER_USERNAME: number = 10;
  @IsInt() @Min(1) @Max(100000) LOGIN_RATE_PER_ADDRESS: number = 30;
  @IsInt() @Min(1) @Max(3600) LOGIN_RATE_WINDOW_SECONDS: number = 60;
  @IsInt() @Min(10) @Max(128) PASSWORD_MIN_LENGTH: number = 10;
  /**
   * The public door (信访查询, /api/v1/public/*): intake locks a tracking number for
   * TRACK_LOCKOUT_MINUTES after TRACK_MAX_FAILURES wrong query codes within
   * TRACK_FAILURE_WINDOW_MINUTES (numbers that do not exist alike); the gateway allows
   * PUBLIC_RATE_PER_ADDRESS requests per client address per PUBLIC_RATE_WINDOW_SECONDS.
   */
  @IsInt() @Min(1) @Max(100) TRACK_MAX_FAILURES: number = 5;
  @IsInt() @Min(1) @Max(1440) TRACK_FAILURE_WINDOW_MINUTES: number = 15;
  @IsInt() @Min(1) @Max(1440) TRACK_LOCKOUT_MINUTES: number = 15;
  @IsInt() @Min(1) @Max(100000) PUBLIC_RATE_PER_ADDRESS: number = 30;
  @IsInt() @Min(1) @Max(3600) PUBLIC_RATE_WINDOW_SECONDS: number = 60;
  /**
   * Gateway: which proxies in front of it are trusted to say the client's address
   * (X-Forwarded-For), so that login throttling and the security log see the real client:
   * `false` (none, the default: the connection's address), a number of hops, or a comma list of
   * addresses / CIDR ranges / loopback, linklocal, uniquelocal (Express's `trust proxy`).
   */
  @Matches(TRUST_PROXY_RE, { message: 'TRUST_PROXY must be false, a number of proxy hops (1-9), or a comma list of addresses, CIDR ranges, loopback, linklocal or uniquelocal' })
  TRUST_PROXY: string = 'false';
  /**
   * Prometheus `/metrics` of the gateway (distributed, default 9464) or of the whole embedded
   * process (off unless set), on HOST, on a port of its own: the public port goes through the
   * ingress. The services serve `/metrics` on their internal port.
   */
  @IsOptional() @IsInt() @Min(1) @Max(65535) METRICS_PORT?: number;
}

export class EmbeddedConfig extends CommonConfig {
  /** One process, one console: only problems by default. */
  @IsIn(LOG_LEVELS) override LOG_LEVEL: string = 'warn';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '127.0.0.1';
  @IsString() DATA_DIR: string = './data';
  @IsOptional() @IsString() @MinLength(10) ADMIN_PASSWORD?: string;
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string;
  /** Seals identity numbers, phones and addresses; generated and kept in DATA_DIR (pii-keys) when unset. */
  @IsOptional() @Validate(PiiKeyConstraint) PII_KEY?: string;
  @IsOptional() @Matches(KEY_ID_RE, PII_KEY_ID_MESSAGE) PII_KEY_ID?: string;
  @IsOptional() @Validate(PiiKeyConstraint) PII_OLD_KEYS?: string;
}

/** One process of the distributed deployment (a service or the gateway). */
export class DistributedConfig extends CommonConfig {
  @IsIn(['gateway', 'intake', 'assignment', 'deadline', 'closure', 'reporting']) SERVICE: string;
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '0.0.0.0';
  @Matches(/^(mysql|mariadb):\/\//, { message: 'DATABASE_URL must look like mysql://user:password@host:3306/petition_ (mariadb:// for MariaDB)' }) DATABASE_URL: string;
  @IsString() @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' }) KAFKA_BROKERS: string = '127.0.0.1:9092';
  @IsString() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must look like redis://host:6379' }) REDIS_URL: string = 'redis://127.0.0.1:6379';
  @IsString() @MinLength(16) INTERNAL_TOKEN: string;
  /**
   * The outbox relay's fallback poll (one lock-free SELECT when it finds nothing): a commit that
   * wrote outbox rows wakes its relay at once, and a failed pass retries sooner by itself.
   */
  @IsInt() @Min(10) RELAY_POLL_MS: number = 5000;
  /** The case-events topic; its dead letters go to `<topic>.dlt`. */
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'KAFKA_TOPIC must be a Kafka topic name' }) KAFKA_TOPIC: string = 'petition.case-events.v1';
  /** Key prefix of the BullMQ queues in Redis. */
  @Matches(/^[A-Za-z0-9_-]{1,50}$/, { message: 'BULLMQ_PREFIX must be letters, digits, _ or -' }) BULLMQ_PREFIX: string = 'petition';
  /**
   * BullMQ hands a timer to the deadline service this long before it is due; the service holds
   * it (the job stays active and locked) and fires it at the exact instant. Thousands of
   * deadlines end at the same 24:00, and BullMQ delivers a few thousand jobs a second: the lead
   * lets a whole midnight arrive first, so none of it is late.
   */
  @IsInt() @Min(0) @Max(25000) TIMER_LEAD_MS: number = 10000;
  /** Timers one deadline-service instance holds at once while they wait for their instant. */
  @IsInt() @Min(1) @Max(100000) TIMER_PREFETCH: number = 20000;
  /** off: commit events to the outbox but do not publish them (maintenance; they go out when it is on again). */
  @IsIn(['on', 'off']) OUTBOX_RELAY: string = 'on';
  /** Gateway only. */
  @IsOptional() @IsString() @MinLength(10) ADMIN_PASSWORD?: string;
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string;
  @IsString() INTAKE_URL: string = 'http://127.0.0.1:3101';
  @IsString() ASSIGNMENT_URL: string = 'http://127.0.0.1:3102';
  @IsString() DEADLINE_URL: string = 'http://127.0.0.1:3103';
  @IsString() CLOSURE_URL: string = 'http://127.0.0.1:3104';
  @IsString() REPORTING_URL: string = 'http://127.0.0.1:3105';
  /** Intake and reporting (they keep personal data): required there, sealing it at rest and on Kafka. */
  @ValidateIf((c: DistributedConfig) => c.SERVICE === 'intake' || c.SERVICE === 'reporting' || c.PII_KEY !== undefined)
  @Validate(PiiKeyConstraint)
  PII_KEY?: string;
  @IsOptional() @Matches(KEY_ID_RE, PII_KEY_ID_MESSAGE) PII_KEY_ID?: string;
  @IsOptional() @Validate(PiiKeyConstraint) PII_OLD_KEYS?: string;
}

/** The services that keep personal data get their keyring from PII_KEY, PII_KEY_ID and PII_OLD_KEYS. */
export function piiKeyring(cfg: { PII_KEY?: string; PII_KEY_ID?: string; PII_OLD_KEYS?: string }): PiiKeyring {
  if (!cfg.PII_KEY) throw new Error('PII_KEY is not set');
  return PiiKeyring.fromSettings({ key: cfg.PII_KEY, keyId: cfg.PII_KEY_ID, oldKeys: cfg.PII_OLD_KEYS });
}

export function deadlinePolicy(cfg: CommonConfig): DeadlinePolicy {
  return {
    ...DEFAULT_POLICY,
    timeZone: cfg.TZ,
    evaluationWindowDays: cfg.EVALUATION_WINDOW_DAYS,
    onUncoveredYear: uncoveredYearMode(cfg),
    rollOver: Object.fromEntries(DEADLINE_KINDS.map((k) => [k, cfg.HOLIDAY_ROLLOVER.includes(k)])) as DeadlinePolicy['rollOver'],
  };
}

/** CALENDAR_UNCOVERED_YEAR as the policy says it: refuse deadline by deadline, or assume ordinary weeks. */
export function uncoveredYearMode(cfg: CommonConfig): 'withhold' | 'provisional' {
  return cfg.CALENDAR_UNCOVERED_YEAR === 'provisional' ? 'provisional' : 'withhold';
}

/**
 * The calendar a service computes with: the bundled data, CALENDAR_FILE's years over it, and
 * (applied at start and whenever the office loads one, see apps/deadline/src/calendar/) the
 * notices uploaded through the admin API over both. Its own instance, never the shared bundled
 * one: PrcCalendar.apply changes it in place for every holder.
 */
export function prcCalendar(cfg: CommonConfig): PrcCalendar {
  // An updated file adds or corrects years on top of the bundled data.
  return new PrcCalendar(cfg.CALENDAR_FILE ? mergeCalendarData(PRC_CALENDAR_DATA, loadCalendarFile(cfg.CALENDAR_FILE)) : PRC_CALENDAR_DATA);
}
