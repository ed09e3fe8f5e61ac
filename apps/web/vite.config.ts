import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The staff web app. No React plugin: Vite 8 transforms JSX itself (oxc); we do without fast
 * refresh rather than pull in Babel. The API is the gateway's, on the same origin.
 */
export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    // scripts/web.mjs prints every chunk with its gzip size and checks the first screen's budget
    reportCompressedSize: false,
    rolldownOptions: {
      onLog(level, log, handler) {
        // antd marks its modules "use client" (for React Server Components): meaningless in a SPA bundle
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3000' },
  },
});
