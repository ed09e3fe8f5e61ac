import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

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

  it('the gateway refuses to start distributed without a JWT secret', () => {
    const r = run('gateway', { DATABASE_URL: 'mysql://root:@127.0.0.1:3306/x_', INTERNAL_TOKEN: 'internal-token-123456' });
    expect(r.status).toBe(78);
    expect(r.stderr.trim()).toMatch(/^configuration: JWT_SECRET /);
  });
});
