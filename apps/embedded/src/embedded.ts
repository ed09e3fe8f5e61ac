import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { collectProcessMetrics, formatPiiKeyList, listenOrExplain, parsePiiKey, parsePiiKeyList, PiiKeyring, type PiiKey } from '#libs/common';
import { CASE_EVENTS_TOPIC } from '#libs/contracts';
import { InProcessBus, InProcessTransport } from '#libs/messaging';
import type { DatabaseConfig } from '#libs/persistence';
import {
  deadlinePolicy,
  InProcessServiceClient,
  logLevels,
  startMetricsServer,
  piiKeyring,
  prcCalendar,
  startService,
  trustProxyOf,
  uncoveredYearMode,
  type EmbeddedConfig,
  type RunningService,
  type ServiceDefinition,
} from '#libs/runtime';
import { assignmentService } from '../../assignment/src/assignment.module.js';
import { closureService } from '../../closure/src/closure.module.js';
import { deadlineService } from '../../deadline/src/deadline.module.js';
import { InProcessScheduler } from '../../deadline/src/timers/in-process.scheduler.js';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';
import { accountSettingsFrom, publicDoorSettingsFrom } from '../../gateway/src/gateway.settings.js';
import { intakeService } from '../../intake/src/intake.module.js';
import { trackingPolicyFrom } from '../../intake/src/intake.settings.js';
import { reportingService } from '../../reporting/src/reporting.module.js';
import { claimDataDir, serveControl, type ControlServer } from './control.js';
import { registerBackup } from './backup.js';

export interface EmbeddedPlatform {
  url: string;
  bus: InProcessBus;
  services: RunningService[];
  gateway: INestApplication;
  /** DATA_DIR/control.sock: `npm run admin` reaches the running process through it. */
  control: ControlServer;
  /**
   * Runs `fn` with every outbox relay stopped (the in-process bus then has nothing in flight:
   * a publish resolves only once every consumer has handled it), so that the services'
   * databases agree with each other for the moment of `fn` — a backup's copy. Commands still
   * commit; their events wait in the outboxes and go out once the relays start again.
   */
  quiesced<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The JWT secret survives restarts (tokens stay valid) without anyone having to set one. */
export function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** Where embedded mode keeps its PII keys when PII_KEY is not set: `kid:base64` lines, the current key first. */
export const PII_KEY_FILE = 'pii-keys';
/** The holiday calendar `npm run admin -- calendar load` installs in DATA_DIR; read at start when CALENDAR_FILE is unset. */
export const DATA_DIR_CALENDAR = 'calendar.json';

/**
 * The keyring sealing personal data. PII_KEY (with PII_KEY_ID, PII_OLD_KEYS) when set, else the
 * keys kept in DATA_DIR/pii-keys, generated at the first start (mode 600, like the JWT secret).
 * The kept keys stay readable after PII_KEY is set, as old keys, until `npm run pii:rotate` has
 * re-sealed everything under it.
 */
export function embeddedPiiKeyring(config: EmbeddedConfig, dataDir: string): PiiKeyring {
  const file = join(dataDir, PII_KEY_FILE);
  let kept: PiiKey[] = [];
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    kept = parsePiiKeyList(readFileSync(file, 'utf8'));
  }
  if (config.PII_KEY) {
    const ring = piiKeyring(config);
    const old = [...(config.PII_OLD_KEYS ? parsePiiKeyList(config.PII_OLD_KEYS) : []), ...kept.filter((k) => !ring.has(k.id))];
    return new PiiKeyring({ id: ring.currentKeyId, key: parsePiiKey(config.PII_KEY) }, old);
  }
  if (!kept.length) {
    kept = [{ id: 'k1', key: PiiKeyring.generateKey() }];
    writeFileSync(file, formatPiiKeyList(kept), { mode: 0o600, flag: 'wx' });
  }
  return new PiiKeyring(kept[0], kept.slice(1));
}

/**
 * DATA_DIR holds personal data (sealed) and keys: the directory is 700, every file in it 600.
 * The SQLite files are created here before SQLite opens them, so their -wal and -shm (SQLite
 * gives them the database file's mode) are 600 from the start; existing files are corrected.
 */
function protectDataDir(dataDir: string, databases: string[]): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const name of databases) closeSync(openSync(join(dataDir, `${name}.sqlite`), 'a', 0o600));
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) if (entry.isFile()) chmodSync(join(dataDir, entry.name), 0o600);
}

/**
 * The five services with their settings, as the configuration gives them (also what the schema
 * tests check: without a keyring they get a throw-away one, fit only for an empty database).
 */
export function embeddedServiceDefinitions(config: EmbeddedConfig, pii: PiiKeyring = PiiKeyring.ephemeral()): ServiceDefinition[] {
  const policy = deadlinePolicy(config);
  // CALENDAR_FILE when set, else the file `npm run admin -- calendar load` installed in DATA_DIR.
  const installed = join(resolve(config.DATA_DIR), DATA_DIR_CALENDAR);
  const calendar = prcCalendar(!config.CALENDAR_FILE && existsSync(installed) ? { ...config, CALENDAR_FILE: installed } : config);
  return [
    intakeService({ timeZone: config.TZ, groupVisitThreshold: config.GROUP_VISIT_THRESHOLD, pii, tracking: trackingPolicyFrom(config) }),
    assignmentService({ timeZone: config.TZ, calendar, onUncoveredYear: uncoveredYearMode(config) }),
    deadlineService(
      {
        policy,
        calendar,
        warnDaysBefore: config.DEADLINE_WARN_DAYS,
        windowDays: config.DEADLINE_WINDOW_DAYS,
        reconcileIntervalMs: config.RECONCILE_INTERVAL_MS,
        escalateAfterHours: config.ESCALATE_AFTER_HOURS,
        lateEntrySettleMs: config.LATE_ENTRY_SETTLE_MINUTES * 60_000,
      },
      new InProcessScheduler(),
    ),
    closureService({ policy, calendar }),
    reportingService({ timeZone: config.TZ, policy, calendar, readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS, warnDaysBefore: config.DEADLINE_WARN_DAYS, pii }),
  ];
}

/**
 * Embedded mode: the five services and the gateway in one process, each service with its own
 * SQLite file, events on the in-process bus, timers in-process. The same modules as distributed.
 */
export async function startEmbedded(config: EmbeddedConfig): Promise<EmbeddedPlatform> {
  const dataDir = resolve(config.DATA_DIR);
  protectDataDir(dataDir, []);
  await claimDataDir(dataDir);
  const definitions = embeddedServiceDefinitions(config, embeddedPiiKeyring(config, dataDir));
  // The gateway's accounts too: every SQLite file of DATA_DIR.
  protectDataDir(dataDir, [...definitions.map((d) => d.name), 'gateway']);
  const db: DatabaseConfig = { driver: 'sqlite', dataDir };
  const bus = new InProcessBus();
  const services: RunningService[] = [];
  for (const def of definitions) {
    services.push(
      await startService(
        def,
        {
          service: def.name,
          db,
          transport: new InProcessTransport(bus),
          topic: CASE_EVENTS_TOPIC,
          timeZone: config.TZ,
          catchUpTimeoutMs: config.CATCH_UP_TIMEOUT_MS,
          // The relays are woken by the commits that wrote outbox rows; this is the fallback look (as RELAY_POLL_MS's default).
          relayPollMs: 5000,
          logLevels: logLevels(config.LOG_LEVEL),
          clockOffsetMs: config.CLOCK_OFFSET_MS,
        },
        { deferRelay: true },
      ),
    );
  }
  for (const s of services) s.relay.start();
  const client = new InProcessServiceClient(Object.fromEntries(services.map((s) => [s.name, s.api])));
  const gateway = await createGatewayApp(
    {
      mode: 'embedded',
      jwtSecret: config.JWT_SECRET ?? persistentSecret(dataDir),
      jwtTtlSeconds: config.ACCESS_TOKEN_MINUTES * 60,
      adminPassword: config.ADMIN_PASSWORD,
      timeZone: config.TZ,
      accounts: accountSettingsFrom(config),
      publicDoor: publicDoorSettingsFrom(config),
      trustProxy: trustProxyOf(config.TRUST_PROXY),
      readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
    },
    db,
    client,
    logLevels(config.LOG_LEVEL),
  );
  await listenOrExplain(() => gateway.listen(config.PORT, config.HOST), config.PORT, config.HOST);
  const url = (await gateway.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  collectProcessMetrics('embedded');
  let control: ControlServer | null = null;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | null = null;
  try {
    control = await serveControl(dataDir, client);
    if (config.METRICS_PORT) metricsServer = await startMetricsServer(config.METRICS_PORT, config.HOST);
  } catch (e) {
    // What started before the failure stops again: the process then exits with the one line.
    await control?.close();
    await gateway.close();
    for (const s of [...services].reverse()) await s.close();
    throw e;
  }
  let quiet: Promise<unknown> = Promise.resolve();
  const quiesced = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = quiet.then(async () => {
      await Promise.all(services.map((s) => s.relay.stop()));
      try {
        return await fn();
      } finally {
        for (const s of services) s.relay.start();
      }
    });
    quiet = run.catch(() => undefined);
    return run;
  };
  const platform: EmbeddedPlatform = {
    url,
    bus,
    services,
    gateway,
    control,
    quiesced,
    close: async () => {
      metricsServer?.close();
      await control.close();
      await gateway.close();
      for (const s of [...services].reverse()) await s.close();
    },
  };
  // `npm run admin -- backup <dir>`: a consistent copy while the platform runs (backup.ts).
  registerBackup(platform, { dataDir, fromEnvironment: { piiKey: !!config.PII_KEY, jwtSecret: !!config.JWT_SECRET } });
  return platform;
}
