import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope, EventType } from '#libs/contracts';
import { addMetricsSampler, CLOCK, listenOrExplain, metrics, offsetClock, ReadableLogger } from '#libs/common';
import { httpLog, httpMetrics, MetricsController, requestContext } from './observability.js';
import { CaseEventServer, DeadLetterBox, type DeadLetterView, type EventGate, MESSAGING_ENTITIES, OutboxRelay } from '#libs/messaging';
import { dataSourceOptions, ensureDatabase, migrate } from '#libs/persistence';
import { ErrorBodyFilter } from './http-errors.js';
import { EVENT_TRANSPORT, RUNTIME_OPTIONS, type RuntimeOptions } from './runtime.options.js';
import { SERVICE_API, type Caller, type CommandResult, type ServiceApi, type ServiceCommand } from './service-api.js';
import { UnitOfWork } from './unit-of-work.js';
import { databaseCheck, readiness, READINESS_CHECKS, ServiceHealthController, type ReadinessChecks } from './readiness.js';
import type { MetricsSampler } from '#libs/common';
import { TerminusModule } from '@nestjs/terminus';

/** The largest body the internal port parses (the gateway's 1 MB, and room for the command around it). */
export const INTERNAL_BODY_LIMIT = '2mb';

export interface ServiceDefinition {
  name: string;
  module: Type;
  entities: Function[];
  migrations: Function[];
  /** What else this service needs to be ready, beyond its database and the broker (deadline: its timer store). */
  readiness?: () => ReadinessChecks;
  /** Gauges of its own read at scrape time (deadline: timers armed). */
  metrics?: () => MetricsSampler;
  /** A gate its consumer passes before each event, held by the service itself (reporting: the rebuild). */
  eventGate?: EventGate;
  /**
   * Events its consumer applies a broker batch at a time, in one transaction (CaseEventServer's
   * `batch`), by what `handler` takes from the started application; no other handler of the
   * service may take these types. Where the transport has no batches (embedded), one by one.
   */
  eventBatch?: { types: readonly EventType[]; handler: (app: INestApplicationContext) => (events: EventEnvelope[], manager: EntityManager) => Promise<readonly unknown[]> };
}

/**
 * A service's metrics: its outbox (rows waiting, the oldest's age), its consumer's lag, its open
 * dead letters — read at scrape time — and, for the read model, each query's time.
 */
function instrument(
  service: string,
  api: ServiceApi,
  parts: { relay: OutboxRelay; deadLetters: DeadLetterBox; transport: RuntimeOptions['transport']; topic: string; extra?: () => MetricsSampler },
): Array<() => void> {
  if (service === 'reporting') {
    for (const [name, fn] of Object.entries(api.queries)) {
      api.queries[name] = async (params, actor) => {
        const end = metrics.reportQueryDuration.startTimer({ service, query: name });
        try {
          return await fn(params, actor);
        } finally {
          end();
        }
      };
    }
  }
  return [
    addMetricsSampler(`outbox:${service}`, async () => {
      const w = await parts.relay.waiting();
      metrics.outboxWaiting.set({ service }, w.rows);
      metrics.outboxOldest.set({ service }, w.oldestSeconds);
    }),
    addMetricsSampler(`dead-letters:${service}`, async () => metrics.deadLettersOpen.set({ service }, await parts.deadLetters.countOpen())),
    addMetricsSampler(`consumer:${service}`, async () => {
      for (const p of (await parts.transport.lag?.(service, parts.topic)) ?? []) metrics.consumerLag.set({ service, partition: String(p.partition) }, p.messages);
    }),
    ...(parts.extra ? [addMetricsSampler(`own:${service}`, parts.extra())] : []),
  ];
}

/** Database, outbox relay and unit of work for one service; the same in both modes. */
@Module({})
export class ServiceRuntimeModule {
  static forService(def: ServiceDefinition, options: RuntimeOptions): DynamicModule {
    const entities = [...MESSAGING_ENTITIES, ...def.entities];
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        TerminusModule,
        // Named per service: embedded mode runs several in one process.
        TypeOrmModule.forRootAsync({
          name: def.name,
          useFactory: async () => {
            await ensureDatabase(def.name, options.db);
            return dataSourceOptions(def.name, options.db, entities, def.migrations);
          },
        }),
      ],
      providers: [
        { provide: DataSource, useExisting: getDataSourceToken(def.name) },
        { provide: RUNTIME_OPTIONS, useValue: options },
        { provide: EVENT_TRANSPORT, useValue: options.transport },
        { provide: CLOCK, useValue: offsetClock(options.clockOffsetMs ?? 0) },
        {
          provide: OutboxRelay,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new OutboxRelay(ds, options.transport, { pollIntervalMs: options.relayPollMs, batchSize: 200, service: def.name }),
        },
        UnitOfWork,
        // Filled by startService once the service is up (its database, its broker, its module's own).
        { provide: READINESS_CHECKS, useValue: { current: {} } },
      ],
      controllers: [ServiceHealthController, MetricsController],
      exports: [DataSource, RUNTIME_OPTIONS, EVENT_TRANSPORT, CLOCK, OutboxRelay, UnitOfWork, READINESS_CHECKS],
    };
  }
}

/**
 * Every service's dead letters, for the gateway's administrator routes: the same queries and
 * commands in-process (embedded) and over the internal port (distributed), as the service's own.
 */
export function addDeadLetterApi(api: ServiceApi, box: DeadLetterBox): void {
  api.queries['dead-letters'] = (p: { status?: string } | null) => box.list(p?.status);
  const command =
    (fn: (id: string, who: Caller) => Promise<DeadLetterView>) =>
    async (cmd: ServiceCommand<{ id: string }>): Promise<CommandResult> => {
      const view = await fn(String(cmd.body?.id ?? ''), cmd.actor);
      return { caseId: view.caseId ?? '', eventIds: view.eventId ? [view.eventId] : [], data: view };
    };
  api.commands['dead-letter-replay'] = command((id, who) => box.replay(id, who));
  api.commands['dead-letter-discard'] = command((id, who) => box.discard(id, who));
}

export interface RunningService {
  name: string;
  api: ServiceApi;
  relay: OutboxRelay;
  app: Awaited<ReturnType<typeof NestFactory.create>>;
  close(): Promise<void>;
}

/**
 * Starts one service: its database (migrations run), its event server on the case-events
 * topic, its outbox relay, and (distributed) its internal HTTP port for the gateway.
 */
export async function startService(def: ServiceDefinition, options: RuntimeOptions, opts: { listen?: { port: number; host?: string }; deferRelay?: boolean } = {}): Promise<RunningService> {
  @Module({ imports: [ServiceRuntimeModule.forService(def, options), def.module] })
  class ServiceRootModule {}
  Object.defineProperty(ServiceRootModule, 'name', { value: `${def.name[0].toUpperCase()}${def.name.slice(1)}RootModule` });

  const logger = options.jsonLogger ?? (options.logLevels ? new ReadableLogger({ logLevels: options.logLevels }) : undefined);
  const app = await NestFactory.create<NestExpressApplication>(ServiceRootModule, { abortOnError: false, ...(logger ? { logger } : {}) });
  // The internal port (distributed): the gateway's request id, latency by route, a JSON line per request.
  app.use(requestContext());
  app.use(httpMetrics(def.name));
  if (options.jsonLogger) app.use(httpLog(options.jsonLogger.pino));
  // The internal port takes what the gateway takes (a group visit at every field's maximum is
  // about 0.6 MB), plus the command's envelope; Express's default of 100 kB would refuse it.
  app.useBodyParser('json', { limit: INTERNAL_BODY_LIMIT });
  app.useGlobalFilters(new ErrorBodyFilter());
  app.enableShutdownHooks();
  const dataSource = app.get(DataSource);
  await migrate(dataSource);
  const relay = app.get(OutboxRelay);
  const batch = def.eventBatch ? { types: def.eventBatch.types, apply: def.eventBatch.handler(app) } : undefined;
  const server = new CaseEventServer({ group: def.name, topic: options.topic, transport: options.transport, dataSource, afterCommit: () => void relay.kick(), gate: def.eventGate, batch });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  app.get(UnitOfWork).useEventServer(server);
  const deadLetters = new DeadLetterBox(dataSource, server);
  addDeadLetterApi(app.get<ServiceApi>(SERVICE_API), deadLetters);
  const samplers = instrument(def.name, app.get<ServiceApi>(SERVICE_API), { relay, deadLetters, transport: options.transport, topic: options.topic, extra: def.metrics });
  const checks: ReadinessChecks = {
    database: () => databaseCheck(dataSource),
    broker: () => options.transport.ping?.() ?? Promise.resolve(),
    ...(def.readiness?.() ?? {}),
  };
  app.get<{ current: ReadinessChecks }>(READINESS_CHECKS).current = checks;
  app.get<ServiceApi>(SERVICE_API).queries.health = () => readiness(checks);
  await app.init();
  await app.startAllMicroservices();
  // Embedded mode starts the relays once every service has subscribed (the in-process bus keeps no backlog).
  if (!opts.deferRelay && options.relayEnabled !== false) relay.start();
  if (opts.listen) {
    const { port, host = '127.0.0.1' } = opts.listen;
    await listenOrExplain(() => app.listen(port, host), port, host).catch(async (e) => {
      await app.close().catch(() => undefined);
      throw e;
    });
  }
  let closed = false;
  return {
    name: def.name,
    api: app.get<ServiceApi>(SERVICE_API),
    relay,
    app,
    close: async () => {
      if (closed) return;
      closed = true;
      samplers.forEach((remove) => remove());
      await relay.stop();
      await app.close();
    },
  };
}
