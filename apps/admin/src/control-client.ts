import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { domainErrorFromBody, UnavailableError, type ErrorBody } from '#libs/common';
import type { Caller, CommandResult, ServiceClient, ServiceCommand } from '#libs/runtime';
import { answers, CONTROL_SOCKET, livePlatformPid } from '../../embedded/src/control.js';

/** The running embedded platform, reached through DATA_DIR/control.sock (apps/embedded/src/control.ts). */
export interface ControlClient {
  /** One operation; `onProgress` sees every progress line. Throws the platform's DomainError. */
  call<T = unknown, P = never>(op: string, body?: Record<string, unknown>, onProgress?: (p: P) => void): Promise<T>;
  /** The services as the gateway calls them, inside the running process. */
  services: ServiceClient;
}

/** A platform runs on DATA_DIR, but its control socket does not answer (exit 69). */
export class ControlUnavailableError extends UnavailableError {}

/**
 * The running platform on this DATA_DIR, or null when none runs (not started, or stopped).
 * Throws ControlUnavailableError when a platform process is alive but cannot be reached: a
 * command must then neither copy nor overwrite its databases behind its back.
 */
export async function connectControl(dataDir: string): Promise<ControlClient | null> {
  const path = join(dataDir, CONTROL_SOCKET);
  if (!existsSync(path) || !(await answers(path))) {
    const pid = livePlatformPid(dataDir);
    if (pid !== null) throw new ControlUnavailableError(`平台正在运行（进程 ${pid}），但无法通过 ${CONTROL_SOCKET} 连接它（DATA_DIR 路径过长？）：请先停止平台，或改用较短的 DATA_DIR`);
    return null;
  }
  const call = <T, P = never>(op: string, body: Record<string, unknown> = {}, onProgress?: (p: P) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const socket = createConnection(path);
      let buffer = '';
      let settled = false;
      const settle = (fn: () => void) => {
        if (!settled) {
          settled = true;
          fn();
        }
      };
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(JSON.stringify({ ...body, op }) + '\n'));
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if ('progress' in line) onProgress?.(line.progress as P);
          else if (line.ok) settle(() => resolve(line.result as T));
          else settle(() => reject(domainErrorFromBody(line.error as ErrorBody) ?? new Error(String(line.error?.message))));
        }
      });
      socket.on('error', (e) => settle(() => reject(new UnavailableError(`无法连接正在运行的平台：${e.message}`))));
      socket.on('close', () => settle(() => reject(new UnavailableError('平台在操作完成前关闭了控制连接'))));
    });
  return {
    call,
    services: {
      command: (service: string, name: string, cmd: ServiceCommand): Promise<CommandResult> => call('command', { service, name, cmd }),
      query: <T>(service: string, name: string, params: unknown, actor: Caller | null): Promise<T> => call<T>('query', { service, name, params, actor }),
    },
  };
}
