import { chmodSync, existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ConfigError, DomainError, InvalidInputError, maskText } from '#libs/common';
import type { CommandsOf, ServiceName } from '#libs/contracts';
import type { Caller, ServiceClient } from '#libs/runtime';

/**
 * The embedded platform's control channel: a Unix socket in DATA_DIR (mode 600, so only the
 * account that runs the platform can use it) through which `npm run admin` reaches the running
 * process — its services' queries and commands as the gateway calls them, and operations such
 * as a consistent backup that only the process holding the databases can do.
 *
 * Protocol: the client writes one JSON line `{op, ...}`; the server answers zero or more
 * `{"progress": …}` lines, then one `{"ok": true, "result": …}` or `{"ok": false, "error":
 * {statusCode, code, message}}` line, and closes.
 */
export const CONTROL_SOCKET = 'control.sock';
/** The running platform's process id, beside the socket: tells `npm run admin` a platform runs even where the socket cannot be (too deep a DATA_DIR). */
export const PLATFORM_PID = 'platform.pid';

/** The pid of a live platform process on DATA_DIR (not this process), or null. */
export function livePlatformPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, PLATFORM_PID), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: it exists (another user's); ESRCH or no file: none.
    return (e as NodeJS.ErrnoException)?.code === 'EPERM' ? Number(readFileSync(join(dataDir, PLATFORM_PID), 'utf8').trim()) : null;
  }
}

export type ControlOp = (request: Record<string, unknown>, progress: (p: unknown) => void) => Promise<unknown>;

export interface ControlServer {
  path: string;
  /** Adds an operation (the backup registers itself this way). */
  register(name: string, op: ControlOp): void;
  close(): Promise<void>;
}

/** Thrown when DATA_DIR's socket answers: another platform process holds this data directory. */
export class DataDirInUseError extends ConfigError {}

const isCaller = (v: unknown): v is Caller => !!v && typeof v === 'object' && typeof (v as Caller).username === 'string' && Array.isArray((v as Caller).roles);

/** Refuses a DATA_DIR whose control socket answers (a platform runs on it); removes a stale one. */
export async function claimDataDir(dataDir: string): Promise<void> {
  const path = join(dataDir, CONTROL_SOCKET);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    // No socket can be there: the pid file says whether a platform runs.
    const pid = livePlatformPid(dataDir);
    if (pid !== null) throw new DataDirInUseError(`DATA_DIR ${dataDir} 正被另一个平台进程使用（进程 ${pid}）；同一数据目录只能运行一个平台`);
    return;
  }
  if (!existsSync(path)) return;
  if (await answers(path)) throw new DataDirInUseError(`DATA_DIR ${dataDir} 正被另一个平台进程使用（${CONTROL_SOCKET} 有应答）；同一数据目录只能运行一个平台`);
  unlinkSync(path);
}

/** A Unix socket's path has room for 107 bytes (sun_path): a deeper DATA_DIR runs without the channel. */
const MAX_SOCKET_PATH = 107;

/** Opens DATA_DIR/control.sock; a stale socket file (nobody answers) is replaced. */
export async function serveControl(dataDir: string, services: ServiceClient): Promise<ControlServer> {
  const path = join(dataDir, CONTROL_SOCKET);
  const logger = new Logger('Control');
  const pidFile = join(dataDir, PLATFORM_PID);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  const removePid = () => {
    if (livePlatformPid(dataDir) === null) rmSync(pidFile, { force: true });
  };
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    logger.warn(
      `DATA_DIR is too deep for the control socket (${Buffer.byteLength(path)} bytes, at most ${MAX_SOCKET_PATH}): npm run admin cannot reach this running platform (backup, dead letters, annual export); use a shorter DATA_DIR`,
    );
    return { path, register: () => undefined, close: async () => removePid() };
  }
  await claimDataDir(dataDir);
  const ops = new Map<string, ControlOp>();
  ops.set('ping', async () => ({ pid: process.pid }));
  ops.set('query', async (r) => {
    if (typeof r.service !== 'string' || typeof r.name !== 'string') throw new InvalidInputError('service 和 name 必须是字符串');
    return services.query(r.service, r.name, r.params ?? null, isCaller(r.actor) ? r.actor : null);
  });
  ops.set('command', async (r) => {
    if (typeof r.service !== 'string' || typeof r.name !== 'string' || !r.cmd || typeof r.cmd !== 'object') throw new InvalidInputError('service、name 和 cmd 不能为空');
    // Named at run time by the command line (admin): the service checks what it is sent.
    return services.command(r.service as ServiceName, r.name as CommandsOf<ServiceName>, r.cmd as never);
  });

  const server: Server = createServer((socket) => handle(socket));
  function handle(socket: Socket): void {
    let buffer = '';
    let started = false;
    const write = (line: unknown) => {
      if (!socket.destroyed) socket.write(JSON.stringify(line) + '\n');
    };
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      if (started) return;
      buffer += chunk;
      if (buffer.length > 1_000_000) return void socket.destroy();
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      started = true;
      void (async () => {
        try {
          const request = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
          const op = typeof request?.op === 'string' ? ops.get(request.op) : undefined;
          if (!op) throw new InvalidInputError(`未知的控制操作「${String(request?.op)}」`);
          const result = await op(request, (p) => write({ progress: p }));
          write({ ok: true, result: result ?? null });
        } catch (e) {
          if (e instanceof DomainError) write({ ok: false, error: e.toJSON() });
          else {
            logger.error(`control operation failed: ${maskText(String((e as Error)?.stack ?? e))}`);
            write({ ok: false, error: { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: `操作失败：${maskText(String((e as Error)?.message ?? e))}` } });
          }
        } finally {
          socket.end();
        }
      })();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    path,
    register: (name, op) => void ops.set(name, op),
    close: () =>
      new Promise<void>((resolve) => {
        removePid();
        server.close(() => resolve());
        // Server.close removes the socket file when it was listening.
      }),
  };
}

/** Whether a process answers on the socket (a left-over file after a crash does not). */
export function answers(path: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => (socket.destroy(), resolve(false)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve(true);
    });
    socket.once('error', () => (clearTimeout(timer), resolve(false)));
  });
}
