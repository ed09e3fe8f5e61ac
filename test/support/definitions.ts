import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '#libs/common';
import { CASE_EVENTS_DLT, CASE_EVENTS_TOPIC, createEvent, encodeEvent, type EventEnvelope, type EventPayloads, type EventType } from '#libs/contracts';
import { InProcessBus, InProcessTransport, MESSAGING_ENTITIES, OutboxRecord } from '#libs/messaging';
import { commandOf, EmbeddedConfig, startService, type Caller, type CommandResult, type RunningService, type ServiceCommand, type ServiceDefinition } from '#libs/runtime';
import { embeddedServiceDefinitions } from '../../apps/embedded/src/embedded.js';
import { GATEWAY_ENTITIES } from '../../apps/gateway/src/gateway.entities.js';
import { GATEWAY_MIGRATIONS } from '../../apps/gateway/src/migrations/index.js';

/**
 * Every database of the platform: its entities and its migrations, taken from the service
 * definitions the embedded platform starts (with the configuration's defaults), so a migration
 * or entity added to a service is checked without being listed here. The gateway is not a
 * service definition: its entities and its migrations are those GatewayModule registers.
 */
export function allSchemas(): { name: string; entities: Function[]; migrations: Function[] }[] {
  return [
    ...embeddedServiceDefinitions(loadConfig(EmbeddedConfig, {})).map((d) => ({ name: d.name, entities: [...MESSAGING_ENTITIES, ...d.entities], migrations: d.migrations })),
    { name: 'gateway', entities: GATEWAY_ENTITIES, migrations: GATEWAY_MIGRATIONS },
  ];
}

// ---------------------------------------------------------------------------------------------
// One service on SQLite, for the command handlers' unit specs (apps/*/src/*.spec.ts).

export interface ServiceOnSqlite {
  running: RunningService;
  dataSource: DataSource;
  /** Runs one of the service's commands as the gateway would call it (in-process). */
  command(name: string, cmd: ServiceCommand<any>): Promise<CommandResult>;
  /** Delivers events from other services (the case's history) through the service's event server. */
  deliver(...events: EventEnvelope[]): Promise<void>;
  /** The events a command committed to the outbox. */
  committed(eventIds: string[]): Promise<EventEnvelope[]>;
  stop(): Promise<void>;
}

/**
 * Starts a service definition as both modes do (startService: migrations, event server, unit of
 * work), on a fresh SQLite directory and its own in-process bus; the relay stays off.
 */
export async function startOnSqlite(def: ServiceDefinition): Promise<ServiceOnSqlite> {
  const dataDir = mkdtempSync(join(tmpdir(), `petition-${def.name}-`));
  const bus = new InProcessBus();
  const running = await startService(
    def,
    {
      service: def.name,
      db: { driver: 'sqlite', dataDir },
      transport: new InProcessTransport(bus),
      topic: CASE_EVENTS_TOPIC,
      timeZone: 'Asia/Shanghai',
      catchUpTimeoutMs: 1000,
      relayPollMs: 60_000,
      logLevels: ['error'],
    },
    { deferRelay: true },
  );
  const dataSource = running.app.get(DataSource);
  return {
    running,
    dataSource,
    command: (name, cmd) => {
      const fn = commandOf(running.api, name);
      if (!fn) throw new Error(`${def.name} has no command ${name}`);
      return fn(cmd);
    },
    deliver: async (...events) => {
      const dead = bus.messages(CASE_EVENTS_DLT).length;
      await bus.publish(events.map((e) => ({ topic: CASE_EVENTS_TOPIC, key: e.caseId, value: encodeEvent(e) })));
      const letters = bus.messages(CASE_EVENTS_DLT).slice(dead);
      if (letters.length) throw new Error(`dead-lettered: ${letters.map((m) => JSON.parse(m.value).reason).join('; ')}`);
    },
    committed: async (eventIds) => {
      const rows = await dataSource.getRepository(OutboxRecord).find({ order: { seq: 'ASC' } });
      return rows.filter((r) => eventIds.includes(r.eventId)).map((r) => JSON.parse(r.value) as EventEnvelope);
    },
    stop: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The people of the seeded office, as the gateway passes them to a service. */
export const ACTORS = {
  reception: { username: 'reception1', roles: ['reception'] },
  office: { username: 'office1', roles: ['office'] },
  housing: { username: 'housing1', roles: ['handler'], unitCode: 'housing' },
  labour: { username: 'labour1', roles: ['handler'], unitCode: 'labour' },
  leader: { username: 'leader1', roles: ['leader'] },
  admin: { username: 'admin', roles: ['admin'] },
} satisfies Record<string, Caller>;

const HOUR = 3_600_000;

/**
 * A case's history as the other services would have produced it, one event per step, an hour
 * apart from `start` (each step's own time in its payload). `upTo` names the last step.
 */
export function caseHistory(
  caseId: string,
  start: Date,
  upTo: 'registered' | 'routed' | 'accepted' | 'closed' | 'review-requested' | 'reviewed' | 're-review-requested' | 'final',
  petitioner = { name: '王五', idNumber: '45030219800101122X', phone: '13812345678' },
  category = 'urban-rural-construction',
): EventEnvelope[] {
  const steps: [string, EventType, (at: string) => EventPayloads[EventType], Caller][] = [
    [
      'registered',
      'case.registered',
      (at) =>
        ({
          trackingNo: `XF${at.slice(0, 10).replaceAll('-', '')}${caseId.slice(-8).toUpperCase()}`,
          contact: { contactId: `${caseId}-c1`, channel: 'visit', receivedAt: at, enteredAt: at, headcount: 1 },
          petitioners: [{ name: petitioner.name, idNumber: petitioner.idNumber ?? null, phone: petitioner.phone ?? null, address: null }],
          purpose: 'appeal',
          category,
          summary: '小区加装电梯补贴未发放',
          content: '……',
          groupVisit: false,
          backlog: false,
        }) as EventPayloads[EventType],
      ACTORS.reception,
    ],
    ['routed', 'case.routed', (at) => ({ mode: 'transfer', unitCode: 'housing', feedbackDueAt: null, routedAt: at }) as EventPayloads[EventType], ACTORS.office],
    ['accepted', 'case.accepted', (at) => ({ unitCode: 'housing', acceptedAt: at }) as EventPayloads[EventType], ACTORS.housing],
    ['closed', 'case.closed', (at) => ({ kind: 'substantive', outcome: 'not-support', opinion: '不予支持', closedAt: at }) as EventPayloads[EventType], ACTORS.housing],
    ['review-requested', 'case.review-requested', (at) => ({ requestedAt: at }) as EventPayloads[EventType], ACTORS.reception],
    ['reviewed', 'case.review-opinion-issued', (at) => ({ kind: 'substantive', outcome: 'not-support', opinion: '维持', issuedAt: at }) as EventPayloads[EventType], ACTORS.office],
    ['re-review-requested', 'case.re-review-requested', (at) => ({ requestedAt: at }) as EventPayloads[EventType], ACTORS.reception],
    ['final', 'case.re-review-opinion-issued', (at) => ({ kind: 'substantive', outcome: 'not-support', opinion: '维持', issuedAt: at }) as EventPayloads[EventType], ACTORS.office],
  ];
  const last = steps.findIndex(([name]) => name === upTo);
  return steps.slice(0, last + 1).map(([, type, payload, actor], i) => {
    const at = new Date(start.getTime() + i * HOUR);
    return createEvent(type, caseId, payload(at.toISOString()) as never, actor, at);
  });
}
