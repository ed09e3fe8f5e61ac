// The browser tests need the built web app (dist/web) and Debian's Chromium; never a downloaded browser.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildWeb, webIsStale } from '../../scripts/web.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default async function globalSetup() {
  if (!existsSync(CHROMIUM)) {
    // Fails, never skips: CI installs it (.ci/run), a developer runs `apt-get install -y chromium fonts-noto-cjk`.
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`);
  }
  if (webIsStale()) await buildWeb();
  // this run's screens only
  rmSync(join(process.cwd(), 'test-artifacts/screens'), { recursive: true, force: true });
}
