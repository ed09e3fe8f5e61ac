import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * Only this origin: scripts, data and frames. Styles also allow inline `style` because Ant
 * Design writes its CSS-in-JS into <style> elements at run time (still no other origin).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** `<package root>/dist/web`, found from this file in the source tree and in dist alike. */
export function defaultWebDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist/web');
}

interface Req {
  method: string;
  path: string;
}
interface Res {
  setHeader(k: string, v: string): void;
  status(n: number): Res;
  type(t: string): Res;
  send(b: string): void;
  sendFile(p: string): void;
}

/**
 * Serves the staff web app at `/`: hashed assets cached for a year (immutable), index.html never
 * cached, and every client route (a GET outside /api without a file extension) answered with
 * index.html, so a reload of /cases/… works.
 */
export function serveWebApp(app: NestExpressApplication, dir = defaultWebDir()): void {
  const index = join(dir, 'index.html');
  const htmlHeaders = (res: Res) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
  };
  const built = existsSync(index);
  if (!built) new Logger('WebApp').warn(`web app not built (${index} missing): run npm run build`);
  else {
    app.useStaticAssets(dir, {
      index: false,
      setHeaders: (res: Res, path: string) => {
        if (path.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else htmlHeaders(res);
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
  }
  app.use((req: Req, res: Res, next: () => void) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/api' || req.path.startsWith('/api/') || /\.[A-Za-z0-9]+$/.test(req.path)) return next();
    htmlHeaders(res);
    if (!built) return res.status(503).type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><title>信访工作平台</title><p>网页应用尚未构建，请先运行 npm run build。</p>');
    res.sendFile(index);
  });
}
