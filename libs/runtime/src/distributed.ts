import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { collectProcessMetrics, JsonLogger, jsonLog, loadConfigOrExit, startOrExit } from '#libs/common';
import { KafkaTransport } from '#libs/messaging';
import { mysqlConfigFromUrl } from '#libs/persistence';
import type { RuntimeOptions } from './runtime.options.js';
import { startService, type RunningService, type ServiceDefinition } from './runtime.module.js';
import { DistributedConfig, logLevels } from './settings.js';

export function loadDistributedConfig(service: string): DistributedConfig {
  return loadConfigOrExit(DistributedConfig, { SERVICE: service });
}

export function distributedRuntime(cfg: DistributedConfig, service: string): RuntimeOptions {
  return {
    service,
    db: mysqlConfigFromUrl(cfg.DATABASE_URL),
    transport: new KafkaTransport({ brokers: cfg.KAFKA_BROKERS.split(','), clientId: `${service}-${hostname()}-${process.pid}` }),
    topic: cfg.KAFKA_TOPIC,
    relayEnabled: cfg.OUTBOX_RELAY === 'on',
    timeZone: cfg.TZ,
    catchUpTimeoutMs: cfg.CATCH_UP_TIMEOUT_MS,
    relayPollMs: cfg.RELAY_POLL_MS,
    internalToken: cfg.INTERNAL_TOKEN,
    logLevels: logLevels(cfg.LOG_LEVEL),
    jsonLogger: new JsonLogger(jsonLog(service, logLevels(cfg.LOG_LEVEL))),
    clockOffsetMs: cfg.CLOCK_OFFSET_MS,
  };
}

/** Stops cleanly on SIGTERM / SIGINT (compose, Kubernetes, Ctrl-C). */
export function closeOnSignals(close: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

/** The whole main of a distributed service process. */
export async function runDistributedService(cfg: DistributedConfig, def: ServiceDefinition): Promise<RunningService> {
  collectProcessMetrics(def.name);
  const running = await startOrExit(startService(def, distributedRuntime(cfg, def.name), { listen: { port: cfg.PORT, host: cfg.HOST } }));
  new Logger('Main').log(`${def.name} service listening on ${cfg.HOST}:${cfg.PORT} (internal API, /health, /metrics), consuming Kafka at ${cfg.KAFKA_BROKERS}`);
  closeOnSignals(() => running.close());
  return running;
}
