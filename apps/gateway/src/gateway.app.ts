import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { migrate, type DatabaseConfig } from '#libs/persistence';
import { DataSource } from 'typeorm';
import { JsonLogger, ReadableLogger } from '#libs/common';
import { createValidationPipe, ErrorBodyFilter, httpLog, httpMetrics, requestContext, type ServiceClient } from '#libs/runtime';
import { GatewayModule } from './gateway.module.js';
import type { GatewaySettings } from './gateway.settings.js';
import { applyHttpSecurity } from './http-security.js';
import { serveWebApp } from './web-app.js';
import { mountTimerQueue } from './timer-queue.js';
import { documentIdempotency } from './idempotency.js';

/** Builds the gateway application (not yet listening): the API under /api, the web app at /. */
export async function createGatewayApp(
  settings: GatewaySettings,
  db: DatabaseConfig,
  services: ServiceClient,
  log?: ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] | JsonLogger,
): Promise<INestApplication> {
  const logger: LoggerService | undefined = log instanceof JsonLogger ? log : log ? new ReadableLogger({ logLevels: log }) : undefined;
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(settings, db, services), { abortOnError: false, ...(logger ? { logger } : {}) });
  // First of all: the request id (answered in X-Request-Id, passed to the services), latency by route, and (distributed) a JSON line per request.
  app.use(requestContext());
  app.use(httpMetrics('gateway'));
  if (log instanceof JsonLogger) app.use(httpLog(log.pino));
  await migrate(app.get(DataSource));
  applyHttpSecurity(app);
  // Behind an ingress every connection comes from the proxy: throttling per client address needs the address it forwards.
  app.set('trust proxy', settings.trustProxy ?? false);
  // A group visit at every field's maximum (500 petitioners, 20,000 characters of content) is about 0.6 MB.
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorBodyFilter());
  app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('信访工作平台 API')
      .setDescription('Petition handling under the 2022 《信访工作条例》: registration, routing, acceptance, closure and reports.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  // The Idempotency-Key on every POST that takes it, with its answers.
  documentIdempotency(doc);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });
  const closeBoard = mountTimerQueue(app, settings);
  if (closeBoard) {
    const close = app.close.bind(app);
    app.close = async () => {
      await closeBoard();
      await close();
    };
  }
  serveWebApp(app);
  return app;
}
