// The integration tests run the real processes (node dist/apps/<name>/main.js): build them first.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default async function globalSetup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
}
