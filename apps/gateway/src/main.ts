import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { collectProcessMetrics, JsonLogger, jsonLog, listenOrExplain, startOrExit } from '#libs/common';
import { mysqlConfigFromUrl } from '#libs/persistence';
import { closeOnSignals, HttpServiceClient, loadDistributedConfig, logLevels, startMetricsServer, trustProxyOf } from '#libs/runtime';
import { createGatewayApp } from './gateway.app.js';
import { accountSettingsFrom, publicDoorSettingsFrom } from './gateway.settings.js';

const cfg = loadDistributedConfig('gateway');
if (!cfg.JWT_SECRET) {
  process.stderr.write('configuration: JWT_SECRET is required in distributed mode (at least 32 characters)\n');
  process.exit(78);
}
const services = new HttpServiceClient(
  { intake: cfg.INTAKE_URL, assignment: cfg.ASSIGNMENT_URL, deadline: cfg.DEADLINE_URL, closure: cfg.CLOSURE_URL, reporting: cfg.REPORTING_URL },
  cfg.INTERNAL_TOKEN,
);
const app = await createGatewayApp(
  {
    mode: 'distributed',
    jwtSecret: cfg.JWT_SECRET,
    jwtTtlSeconds: cfg.ACCESS_TOKEN_MINUTES * 60,
    adminPassword: cfg.ADMIN_PASSWORD,
    timeZone: cfg.TZ,
    readYourWritesTimeoutMs: cfg.READ_YOUR_WRITES_TIMEOUT_MS,
    accounts: accountSettingsFrom(cfg),
    publicDoor: publicDoorSettingsFrom(cfg),
    trustProxy: trustProxyOf(cfg.TRUST_PROXY),
    timerQueue: { redisUrl: cfg.REDIS_URL, prefix: cfg.BULLMQ_PREFIX },
  },
  mysqlConfigFromUrl(cfg.DATABASE_URL),
  services,
  new JsonLogger(jsonLog('gateway', logLevels(cfg.LOG_LEVEL))),
);
collectProcessMetrics('gateway');
await startOrExit(listenOrExplain(() => app.listen(cfg.PORT, cfg.HOST), cfg.PORT, cfg.HOST));
const metricsPort = cfg.METRICS_PORT ?? 9464;
const metricsServer = await startOrExit(startMetricsServer(metricsPort, cfg.HOST));
new Logger('Main').log(`gateway listening on ${await app.getUrl()}, metrics on port ${metricsPort} (/metrics)`);
closeOnSignals(async () => {
  metricsServer.close();
  await app.close();
});
