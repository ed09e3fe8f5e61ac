// Compiles every app and lib with tsc (one pass), writes dist/apps/<name>/main.js so each
// process starts as `node dist/apps/<name>/main.js`, then builds the web app into dist/web when
// dist/web is missing or older than its sources (`--force-web` rebuilds it anyway).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb, webIsStale } from './web.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
for (const app of readdirSync(join(root, 'apps'))) {
  if (!existsSync(join(root, 'apps', app, 'src', 'main.ts'))) continue;
  mkdirSync(join(root, 'dist/apps', app), { recursive: true });
  writeFileSync(join(root, 'dist/apps', app, 'main.js'), `import './src/main.js';\n`);
}
if (process.argv.includes('--force-web') || webIsStale()) await buildWeb();
else console.log('web app is up to date (dist/web)');
