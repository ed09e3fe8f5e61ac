import type { DatabaseConfig } from '#libs/persistence';
import type { EventTransport } from '#libs/messaging';
import type { JsonLogger } from '#libs/common';

export interface RuntimeOptions {
  service: string;
  db: DatabaseConfig;
  transport: EventTransport;
  /** The case-events topic (one per deployment; tests use their own). */
  topic: string;
  /** false: this process commits events to its outbox but does not publish them (maintenance). */
  relayEnabled?: boolean;
  timeZone: string;
  /** How long a command waits for this service to catch up with what the caller saw. */
  catchUpTimeoutMs: number;
  relayPollMs: number;
  internalToken?: string;
  /** Shifts this process's clock (drills and tests only; 0 in production). */
  clockOffsetMs?: number;
  logLevels?: ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[];
  /** Distributed: JSON lines (pino), and one line per request on the internal port. Embedded: Nest's readable lines. */
  jsonLogger?: JsonLogger;
}
export const RUNTIME_OPTIONS = Symbol('RUNTIME_OPTIONS');
export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');
