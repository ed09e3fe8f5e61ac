import 'reflect-metadata';
import { deadlinePolicy, loadDistributedConfig, piiKeyring, prcCalendar, runDistributedService } from '#libs/runtime';
import { reportingService } from './reporting.module.js';

const cfg = loadDistributedConfig('reporting');
await runDistributedService(
  cfg,
  reportingService({
    timeZone: cfg.TZ,
    policy: deadlinePolicy(cfg),
    calendar: prcCalendar(cfg),
    readYourWritesTimeoutMs: cfg.READ_YOUR_WRITES_TIMEOUT_MS,
    warnDaysBefore: cfg.DEADLINE_WARN_DAYS,
    pii: piiKeyring(cfg),
  }),
);
