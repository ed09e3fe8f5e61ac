import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CASE_EVENTS_TOPIC } from '#libs/contracts';
import { InProcessBus, InProcessTransport } from '#libs/messaging';
import type { DatabaseConfig } from '#libs/persistence';
import { deadlinePolicy, InProcessServiceClient, logLevels, prcCalendar, startService, uncoveredYearMode, type EmbeddedConfig, type RunningService, type ServiceDefinition } from '#libs/runtime';
import { assignmentService } from '../../assignment/src/assignment.module.js';
import { closureService } from '../../closure/src/closure.module.js';
import { deadlineService } from '../../deadline/src/deadline.module.js';
import { InProcessScheduler } from '../../deadline/src/timers/in-process.scheduler.js';
import { createGatewayApp } from '../../gateway/src/gateway.app.js';
import { accountSettingsFrom } from '../../gateway/src/gateway.settings.js';
import { intakeService } from '../../intake/src/intake.module.js';
import { reportingService } from '../../reporting/src/reporting.module.js';

export interface EmbeddedPlatform {
  url: string;
  bus: InProcessBus;
  services: RunningService[];
  gateway: INestApplication;
  close(): Promise<void>;
}

/** The JWT secret survives restarts (tokens stay valid) without anyone having to set one. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The five services with their settings, as the configuration gives them (also what the schema tests check). */
export function embeddedServiceDefinitions(config: EmbeddedConfig): ServiceDefinition[] {
  const policy = deadlinePolicy(config);
  const calendar = prcCalendar(config);
  return [
    intakeService({ timeZone: config.TZ, groupVisitThreshold: config.GROUP_VISIT_THRESHOLD }),
    assignmentService({ timeZone: config.TZ, calendar, onUncoveredYear: uncoveredYearMode(config) }),
    deadlineService(
      { policy, calendar, warnDaysBefore: config.DEADLINE_WARN_DAYS, windowDays: config.DEADLINE_WINDOW_DAYS, reconcileIntervalMs: config.RECONCILE_INTERVAL_MS, escalateAfterHours: config.ESCALATE_AFTER_HOURS,
        lateEntrySettleMs: config.LATE_ENTRY_SETTLE_MINUTES * 60_000,
      },
      new InProcessScheduler(),
    ),
    closureService({ policy, calendar }),
    reportingService({ timeZone: config.TZ, policy, calendar, readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS, warnDaysBefore: config.DEADLINE_WARN_DAYS }),
  ];
}

/**
 * Embedded mode: the five services and the gateway in one process, each service with its own
 * SQLite file, events on the in-process bus, timers in-process. The same modules as distributed.
 */
export async function startEmbedded(config: EmbeddedConfig): Promise<EmbeddedPlatform> {
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const db: DatabaseConfig = { driver: 'sqlite', dataDir };
  const bus = new InProcessBus();
  const definitions = embeddedServiceDefinitions(config);
  const services: RunningService[] = [];
  for (const def of definitions) {
    services.push(
      await startService(
        def,
        { service: def.name, db, transport: new InProcessTransport(bus), topic: CASE_EVENTS_TOPIC, timeZone: config.TZ, catchUpTimeoutMs: config.CATCH_UP_TIMEOUT_MS, relayPollMs: 1000, logLevels: logLevels(config.LOG_LEVEL), clockOffsetMs: config.CLOCK_OFFSET_MS },
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
    },
    db,
    client,
    logLevels(config.LOG_LEVEL),
  );
  await gateway.listen(config.PORT, config.HOST);
  const url = (await gateway.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  return {
    url,
    bus,
    services,
    gateway,
    close: async () => {
      await gateway.close();
      for (const s of [...services].reverse()) await s.close();
    },
  };
}
