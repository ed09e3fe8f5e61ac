export interface GatewaySettings {
  mode: 'embedded' | 'distributed';
  jwtSecret: string;
  /** Access-token lifetime (ACCESS_TOKEN_MINUTES, 15 minutes by default). */
  jwtTtlSeconds: number;
  /** First start with no users: the admin's password (embedded generates one if unset). */
  adminPassword?: string;
  /** The office's time zone: when a lockout ends is said in it. */
  timeZone?: string;
  /** Sign-in and token rules; each unset one takes its default (ACCOUNT_DEFAULTS). */
  accounts?: Partial<AccountSettings>;
  /** The public door (信访查询): requests per client address in a window (PUBLIC_RATE_*); defaults PUBLIC_DOOR_DEFAULTS. */
  publicDoor?: Partial<PublicDoorSettings>;
  /** Express's `trust proxy` (TRUST_PROXY): whose X-Forwarded-For names the client. */
  trustProxy?: boolean | number | string;
  /** How long a command's answer waits for the read model (READ_YOUR_WRITES_TIMEOUT_MS) before it is a 202; default 10 s. */
  readYourWritesTimeoutMs?: number;
  /** Distributed: the deadline timers' Redis and BullMQ prefix, for the read-only queue board (bull-board). */
  timerQueue?: { redisUrl: string; prefix: string };
}
export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');

/** The services the gateway calls (readiness, dead letters): each owns its database and its part of the case. */
export const SERVICES = ['intake', 'assignment', 'deadline', 'closure', 'reporting'] as const;

export interface AccountSettings {
  /** A refresh token lives this long unused (each use replaces it with a new one). */
  refreshTtlSeconds: number;
  /** This many failed logins of one username within `failureWindowSeconds` lock it for `lockoutSeconds`. */
  maxFailures: number;
  failureWindowSeconds: number;
  lockoutSeconds: number;
  /** Login attempts per `rateWindowSeconds`, per username and per client address (429 beyond). */
  ratePerUsername: number;
  ratePerAddress: number;
  rateWindowSeconds: number;
  passwordMinLength: number;
}
export const ACCOUNT_DEFAULTS: AccountSettings = {
  refreshTtlSeconds: 12 * 3600,
  maxFailures: 5,
  failureWindowSeconds: 15 * 60,
  lockoutSeconds: 15 * 60,
  ratePerUsername: 10,
  ratePerAddress: 30,
  rateWindowSeconds: 60,
  passwordMinLength: 10,
};
export const accountSettings = (s: GatewaySettings): AccountSettings => ({ ...ACCOUNT_DEFAULTS, ...s.accounts });
export const officeTimeZone = (s: GatewaySettings): string => s.timeZone ?? 'Asia/Shanghai';

/** The account settings of the process's configuration (both modes). */
export function accountSettingsFrom(cfg: {
  REFRESH_TOKEN_HOURS: number;
  LOGIN_MAX_FAILURES: number;
  LOGIN_FAILURE_WINDOW_MINUTES: number;
  LOGIN_LOCKOUT_MINUTES: number;
  LOGIN_RATE_PER_USERNAME: number;
  LOGIN_RATE_PER_ADDRESS: number;
  LOGIN_RATE_WINDOW_SECONDS: number;
  PASSWORD_MIN_LENGTH: number;
}): AccountSettings {
  return {
    refreshTtlSeconds: cfg.REFRESH_TOKEN_HOURS * 3600,
    maxFailures: cfg.LOGIN_MAX_FAILURES,
    failureWindowSeconds: cfg.LOGIN_FAILURE_WINDOW_MINUTES * 60,
    lockoutSeconds: cfg.LOGIN_LOCKOUT_MINUTES * 60,
    ratePerUsername: cfg.LOGIN_RATE_PER_USERNAME,
    ratePerAddress: cfg.LOGIN_RATE_PER_ADDRESS,
    rateWindowSeconds: cfg.LOGIN_RATE_WINDOW_SECONDS,
    passwordMinLength: cfg.PASSWORD_MIN_LENGTH,
  };
}

/** The public door's rate limit: `ratePerAddress` requests to /api/v1/public/* per client address per `rateWindowSeconds` (429 beyond). */
export interface PublicDoorSettings {
  ratePerAddress: number;
  rateWindowSeconds: number;
}
export const PUBLIC_DOOR_DEFAULTS: PublicDoorSettings = { ratePerAddress: 30, rateWindowSeconds: 60 };
export const publicDoorSettings = (s: GatewaySettings): PublicDoorSettings => ({ ...PUBLIC_DOOR_DEFAULTS, ...s.publicDoor });
export const publicDoorSettingsFrom = (cfg: { PUBLIC_RATE_PER_ADDRESS: number; PUBLIC_RATE_WINDOW_SECONDS: number }): PublicDoorSettings => ({
  ratePerAddress: cfg.PUBLIC_RATE_PER_ADDRESS,
  rateWindowSeconds: cfg.PUBLIC_RATE_WINDOW_SECONDS,
});
