import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import { KAFKA_BROKERS, MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { waitUntil } from './support/wait.js';

/** A missing or malformed variable stops the process at start, with one line naming it. */
describe('configuration at start', () => {
  const run = (app: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [join(process.cwd(), 'dist/apps', app, 'main.js')], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30000 });

  it('a service without DATABASE_URL stops with one line naming it', () => {
    const r = run('intake', { INTERNAL_TOKEN: 'internal-token-123456' });
    expect(r.status).toBe(78);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^configuration: DATABASE_URL /)]);
  });

  it('a malformed port stops the gateway with one line naming it', () => {
    const r = run('gateway', { DATABASE_URL: 'mysql://root:@127.0.0.1:3306/x_', INTERNAL_TOKEN: 'internal-token-123456', PORT: 'http' });
    expect(r.status).toBe(78);
    expect(r.stderr.trim()).toMatch(/^configuration: PORT .*"http"/);
  });

  it('intake and reporting refuse to start without PII_KEY, and with a bad one, in one line naming it and not repeating it', () => {
    for (const app of ['intake', 'reporting']) {
      const r = run(app, { DATABASE_URL: 'mysql://root:@127.0.0.1:3306/x_', INTERNAL_TOKEN: 'internal-token-123456' });
      expect(r.status).toBe(78);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^configuration: PII_KEY must be 32 random bytes in base64/)]);
    }
    const short = Buffer.alloc(16, 3).toString('base64');
    const r = run('intake', { DATABASE_URL: 'mysql://root:@127.0.0.1:3306/x_', INTERNAL_TOKEN: 'internal-token-123456', PII_KEY: short });
    expect(r.status).toBe(78);
    expect(r.stderr.trim()).toMatch(/^configuration: PII_KEY .*16 bytes, not 32.*not shown\)$/);
    expect(r.stderr).not.toContain(short);
  });

  it('the gateway refuses to start distributed without a JWT secret', () => {
    const r = run('gateway', { DATABASE_URL: 'mysql://root:@127.0.0.1:3306/x_', INTERNAL_TOKEN: 'internal-token-123456' });
    expect(r.status).toBe(78);
    expect(r.stderr.trim()).toMatch(/^configuration: JWT_SECRET /);
  });

  it('a port already in use stops the embedded platform and a service with one line naming PORT, not a stack', async () => {
    const busy = createServer();
    const port = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)));
    const dataDir = mkdtempSync(join(tmpdir(), 'petition-busy-'));
    try {
      const spawnAsync = (app: string, env: Record<string, string>) =>
        new Promise<{ status: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [join(process.cwd(), 'dist/apps', app, 'main.js')], { env: { PATH: process.env.PATH, ...env } });
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
          child.on('exit', (status) => (clearTimeout(timer), resolve({ status, stderr })));
        });
      const line = `configuration: PORT ${port} is already in use on 127.0.0.1 (another process listens there: stop it or choose another PORT)`;
      const embedded = await spawnAsync('embedded', { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: 'busy-port-admin-1' });
      expect(embedded.status).toBe(78);
      expect(embedded.stderr.trim()).toBe(line);
      // The metrics port of its own, likewise (and the platform it had begun to start is closed).
      const metrics = await spawnAsync('embedded', { PORT: '0', METRICS_PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: 'busy-port-admin-1' });
      expect(metrics.status).toBe(78);
      expect(metrics.stderr.trim()).toBe(`configuration: METRICS_PORT ${port} is already in use on 127.0.0.1 (another process listens there: stop it or choose another METRICS_PORT)`);
      const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
      const service = await spawnAsync('closure', {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `${base}pit_busy_${Date.now().toString(36)}_`,
        INTERNAL_TOKEN: 'internal-token-123456',
        KAFKA_BROKERS,
        LOG_LEVEL: 'error',
      });
      expect(service.status).toBe(78);
      expect(service.stderr.trim().split('\n').at(-1)).toBe(line);
      expect(service.stderr).not.toMatch(/\n\s+at /);
    } finally {
      busy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120000);
});

/**
 * The deadline service keeps its timers in Redis; a Redis that may evict keys would lose them
 * silently, so the service refuses to start on one. A Redis of our own, on a spare port, with
 * the wrong policy (the shared one must stay as it is).
 */
describe('the deadline service at start, on a Redis that may evict keys', () => {
  let port = 0;
  const prefix = `pit_evict_${Date.now().toString(36)}_`;
  const base = MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/';
  const redisCli = (...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10000 });

  beforeAll(async () => {
    await requireInfrastructure();
    port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const started = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--maxmemory-policy', 'allkeys-lru', '--save', '', '--appendonly', 'no', '--daemonize', 'yes'], {
      encoding: 'utf8',
    });
    if (started.error || started.status !== 0) throw new Error(`could not start redis-server on ${port}: ${started.error?.message ?? started.stderr}`);
    expect(await waitUntil(async () => redisCli('ping').stdout.trim() === 'PONG', 10000)).toBe(true);
  });

  afterAll(async () => {
    if (port) redisCli('shutdown', 'nosave');
    const u = new URL(MYSQL_URL);
    const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) });
    await conn.query(`DROP DATABASE IF EXISTS \`${prefix}deadline\``).finally(() => conn.end());
  });

  it('refuses to start when maxmemory-policy is not noeviction, and says why', async () => {
    expect(redisCli('config', 'get', 'maxmemory-policy').stdout).toContain('allkeys-lru');
    const proc = spawn(process.execPath, [join(process.cwd(), 'dist/apps/deadline/main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: '0',
        DATABASE_URL: `${base}${prefix}`,
        KAFKA_BROKERS,
        KAFKA_TOPIC: `it-evict-${Date.now()}`,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        INTERNAL_TOKEN: 'internal-token-123456',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => proc.kill('SIGKILL'), 60000); // a service that started would not exit by itself
      proc.once('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    expect(out).toContain('Redis maxmemory-policy is allkeys-lru; BullMQ needs noeviction');
    expect(code).not.toBe(0);
    expect(code).not.toBeNull(); // exited by itself, not killed
    expect(out).not.toMatch(/listening on/);
  }, 90000);
});
