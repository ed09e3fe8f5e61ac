import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { listenOrExplain, maskText, metrics, metricsText, REQUEST_ID_PATTERN, withLogContext } from '#libs/common';

/** The parts of Express's request and response used here (the project has no @types/express). */
type Request = IncomingMessage & { id?: string; route?: { path?: unknown }; baseUrl?: string; path: string };
type Response = ServerResponse & { type(t: string): Response; send(body: string): void };
type Handler = (req: Request, res: Response, next: () => void) => void;

/**
 * Every request gets an id: the one the caller sent in X-Request-Id when it looks like one (a
 * proxy's, or the gateway's when it calls a service), else a new UUID. It is answered in
 * X-Request-Id, written in every log line about the request, and becomes the correlation id of
 * every event the request causes (see libs/common log-context).
 */
export function requestContext(): Handler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    withLogContext({ requestId: id, correlationId: id }, () => next());
  };
}

/** HTTP latency by route pattern (`/api/v1/petitions/:id`, not the path: no case id in a label). */
export function httpMetrics(service: string): Handler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : req.path.startsWith('/api/') ? 'unmatched' : 'static';
      end({ service, method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

const pathOf = (url: string | undefined): string => maskText((url ?? '').split('?')[0]);

const QUIET = /^\/(api\/v1\/)?health(\/|$)|^\/metrics$/;

/**
 * One JSON line per request (pino-http): method, path, status, time, the request id. Never the
 * query string (a search may carry a name), nor headers; the path is masked. Probes are not logged.
 */
export function httpLog(log: Pino): Handler {
  return pinoHttp({
    logger: log,
    genReqId: (req) => (req as Request).id ?? randomUUID(),
    customAttributeKeys: { reqId: 'requestId' },
    autoLogging: { ignore: (req) => QUIET.test(req.url ?? '') },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req.url)} ${res.statusCode} ${Math.round(ms)} ms`,
    customErrorMessage: (req, res, err) => `${req.method} ${pathOf(req.url)} ${res.statusCode}: ${maskText(err.message)}`,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: pathOf(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: maskText(err.message) }),
    },
  }) as unknown as Handler;
}

/** `GET /metrics` on a service's internal port (like its health: for the cluster's scraper, no token). */
@ApiExcludeController()
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await metricsText();
    res.type(contentType).send(body);
  }
}

/**
 * The gateway's metrics on their own port (METRICS_PORT): the public port serves the API and
 * the web app through the ingress, and the metrics are not for the public.
 */
export async function startMetricsServer(port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void metricsText().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await listenOrExplain(() => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve())), port, host, 'METRICS_PORT');
  return server;
}
