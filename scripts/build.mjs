// Compiles every app and lib with tsc (one pass), then writes dist/apps/<name>/main.js so each
// process starts as `node dist/apps/<name>/main.js`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
for (const app of readdirSync(join(root, 'apps'))) {
  if (!existsSync(join(root, 'apps', app, 'src', 'main.ts'))) continue;
  mkdirSync(join(root, 'dist/apps', app), { recursive: true });
  writeFileSync(join(root, 'dist/apps', app, 'main.js'), `import './src/main.js';\n`);
}
