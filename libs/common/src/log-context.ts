import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What ties log lines and events to the request that caused them: the gateway creates a request
 * id (or takes a proxy's X-Request-Id), passes it to the service it calls, and every event a
 * command or a consumer emits carries it as its correlation id; a consumer handling an event
 * runs in that event's context. Ambient (AsyncLocalStorage), so business logic never passes it.
 */
export interface LogContext {
  /** The HTTP request being served, when there is one. */
  requestId?: string;
  /** The request (or, for a timer's event, the root event) a chain of events goes back to. */
  correlationId?: string;
  /** The event being handled, in a consumer. */
  eventId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `ctx` added to the current context. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

/** A request id from outside (a proxy's, the gateway's) is used only when it looks like one. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
