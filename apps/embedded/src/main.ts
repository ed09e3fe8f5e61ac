import 'reflect-metadata';
import { loadConfigOrExit, startOrExit } from '#libs/common';
import { EmbeddedConfig } from '#libs/runtime';
import { startEmbedded } from './embedded.js';

const config = loadConfigOrExit(EmbeddedConfig);
const platform = await startOrExit(startEmbedded(config));
process.stdout.write(`信访工作平台 (embedded) listening on ${platform.url}  —  API docs: ${platform.url}/api/docs\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void platform.close().then(() => process.exit(0));
  });
}
