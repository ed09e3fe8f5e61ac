// `npm start`: build (tsc incremental; the web app only when its sources changed) and run the embedded platform.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
await import(join(root, 'dist/apps/embedded/main.js'));
