// `npm run admin -- <command>`: the administrator's command line (README, "Administration").
// Builds first (tsc incremental, as `npm start` does); the Docker image, which has no compiler,
// runs `node dist/apps/admin/main.js` directly.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
await import(join(root, 'dist/apps/admin/main.js'));
