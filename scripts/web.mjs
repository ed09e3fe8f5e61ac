// Builds the staff web app (apps/web, Vite) into dist/web, prints each chunk with its gzip size,
// and fails when the first screen's JavaScript exceeds its budget.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const webSrc = join(root, 'apps/web');
export const webDist = join(root, 'dist/web');
const FIRST_SCREEN_BUDGET = 500 * 1024; // bytes, gzip

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** dist/web lacks the app, or is older than its sources (or the locked packages). */
export function webIsStale() {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  // the web app imports the names of states and roles from libs/regulation/src/workflow, and the
  // identity-number and phone rules from libs/common/src/input-checks.ts
  const sources = [webSrc, join(root, 'libs/regulation/src/workflow'), join(root, 'libs/common/src/input-checks.ts'), join(root, 'package-lock.json')];
  return sources.some((p) => newestMtime(p) > built);
}

const kB = (n) => `${(n / 1024).toFixed(1).padStart(8)} kB`;

export async function buildWeb() {
  const started = Date.now();
  const { build } = await import('vite');
  // A production bundle even when called from Jest (which sets NODE_ENV=test): React and antd
  // otherwise ship their development builds.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(webSrc, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const assets = join(webDist, 'assets');
  const rows = readdirSync(assets)
    .map((f) => {
      const body = readFileSync(join(assets, f));
      return { file: f, size: body.length, gzip: gzipSync(body).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const html = readFileSync(join(webDist, 'index.html'), 'utf8');
  const firstScreen = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));
  console.log(`web app built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${relative(root, webDist)}`);
  console.log(`  ${'chunk'.padEnd(44)}${'size'.padStart(11)}${'gzip'.padStart(11)}  first screen`);
  for (const r of rows) console.log(`  ${r.file.padEnd(44)}${kB(r.size)}${kB(r.gzip)}  ${firstScreen.has(r.file) ? 'yes' : ''}`);
  const first = rows.filter((r) => firstScreen.has(r.file)).reduce((n, r) => n + r.gzip, 0);
  console.log(`  first screen JavaScript: ${kB(first).trim()} gzip (budget ${FIRST_SCREEN_BUDGET / 1024} kB)`);
  if (first > FIRST_SCREEN_BUDGET) {
    throw new Error(`the first screen's JavaScript is ${(first / 1024).toFixed(1)} kB gzip, over the ${FIRST_SCREEN_BUDGET / 1024} kB budget`);
  }
}

// `node scripts/web.mjs [--if-stale]`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!process.argv.includes('--if-stale') || webIsStale()) await buildWeb();
  else console.log('web app is up to date (dist/web)');
}
