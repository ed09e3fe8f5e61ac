import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface AdminRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- …` as the operator runs it: the built process, stdout not a terminal, killed after a minute. */
export function admin(args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<AdminRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/apps/admin/main.js'), ...args], { env: { PATH: process.env.PATH, ...env }, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('exit', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr })));
  });
}
