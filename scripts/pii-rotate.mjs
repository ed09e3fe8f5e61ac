// `npm run pii:rotate [-- --new-key] [--retire] [--batch-size=N]`: re-seals every identity number,
// phone and address under the current PII key, with a progress bar (README, "Personal data at
// rest"). Builds first (tsc incremental, as `npm start` does); the Docker image, which has no
// compiler, runs `node dist/apps/pii-rotate/main.js` directly.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist/apps/pii-rotate/main.js');
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
await import(main);
