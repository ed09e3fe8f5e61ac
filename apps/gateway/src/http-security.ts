import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { CONTENT_SECURITY_POLICY } from './web-app.js';

/** The CSP of the web app as helmet's directives: one policy for every response, API and app alike. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

interface Req {
  path: string;
}
interface Res {
  setHeader(k: string, v: string): void;
}

/**
 * Security headers on every response (helmet): a CSP allowing only this origin, nosniff,
 * frame-ancestors none (and X-Frame-Options DENY for old browsers), a same-origin referrer
 * policy, no X-Powered-By. API responses can carry personal data (masked, but still a person's
 * case), so none of them may be kept by a browser or a proxy: `Cache-Control: no-store`.
 */
export function applyHttpSecurity(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: directives(CONTENT_SECURITY_POLICY) },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use((req: Req, res: Res, next: () => void) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) {
      res.setHeader('cache-control', 'no-store');
      res.setHeader('pragma', 'no-cache');
    }
    next();
  });
}
