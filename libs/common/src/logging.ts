import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import { pino, stdTimeFunctions, type Logger as Pino } from 'pino';
import { currentLogContext } from './log-context.js';
import { maskText } from './mask.js';

/** Nest's level names to pino's. */
const PINO_LEVEL: Record<LogLevel, string> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * The distributed processes' log: one JSON object per line on stdout (pino), with the process's
 * service, the Nest context, and the request / correlation / event id of the work the line is
 * about. Messages are masked like every other log line (identity numbers, phones).
 */
export function jsonLog(service: string, levels: LogLevel[], destination?: NodeJS.WritableStream): Pino {
  const lowest = (['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as LogLevel[]).find((l) => levels.includes(l)) ?? 'log';
  return pino(
    {
      level: PINO_LEVEL[lowest],
      base: { service, pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = currentLogContext();
        return ctx
          ? { ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}), ...(ctx.eventId ? { eventId: ctx.eventId } : {}) }
          : {};
      },
      // Never in a line: credentials a request or a client error might carry.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-internal-token"]', 'res.headers["set-cookie"]'], remove: true },
    },
    (destination as never) ?? pino.destination({ fd: 1, sync: false }),
  );
}

const STACK = /\n\s+at /;

/** Nest's LoggerService on a pino logger (what nestjs-pino does; see README "Logs" for why not it). */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Pino) {}
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest passes the logger's context last, and an error's stack before it.
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' && !STACK.test(rest[rest.length - 1] as string) ? (rest.pop() as string) : undefined;
    const stack = rest.find((p): p is string => typeof p === 'string' && STACK.test(p));
    const fields: Record<string, unknown> = context ? { context } : {};
    if (stack) fields.stack = maskText(stack);
    if (message instanceof Error) {
      fields.err = { type: message.name, message: maskText(message.message), stack: maskText(message.stack ?? '') };
      this.pino[level](fields, maskText(message.message));
    } else if (message && typeof message === 'object') {
      this.pino[level]({ ...fields, ...JSON.parse(maskText(JSON.stringify(message))) });
    } else {
      this.pino[level](fields, maskText(String(message)));
    }
  }
}

/**
 * Embedded mode's readable lines (Nest's console format), with the correlation id of the work a
 * line is about after its context: `[Nest] 123 - … LOG [CaseEventServer] [c:1a2b3c4d] …`.
 */
export class ReadableLogger extends ConsoleLogger {
  protected override formatContext(context: string): string {
    const id = currentLogContext()?.correlationId;
    return super.formatContext(context) + (id ? `[c:${id.slice(0, 8)}] ` : '');
  }
}
