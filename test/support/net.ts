import { createServer, Socket } from 'node:net';

/** Whether something answers on host:port (a TCP connect within the time). */
export function reachable(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Ports handed out in this process: free when checked is not enough, nothing binds them until the process that gets one starts (two picks must not meet). */
const handedOut = new Set<number>();

/**
 * A free port below the kernel's ephemeral range (32768+), so an outgoing connection of another
 * process (Kafka clients open many) cannot take it between this check and the listen; never
 * handed out twice in a process (the integration harness, the benches).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(port)) continue;
    if (await isFree(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
