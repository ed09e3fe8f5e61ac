import 'reflect-metadata';
import { deadlinePolicy, loadDistributedConfig, prcCalendar, runDistributedService } from '#libs/runtime';
import { deadlineService } from './deadline.module.js';
import { BullMqScheduler } from './timers/bullmq.scheduler.js';

const cfg = loadDistributedConfig('deadline');
await runDistributedService(
  cfg,
  deadlineService(
    {
      policy: deadlinePolicy(cfg),
      calendar: prcCalendar(cfg),
      warnDaysBefore: cfg.DEADLINE_WARN_DAYS,
      windowDays: cfg.DEADLINE_WINDOW_DAYS,
      reconcileIntervalMs: cfg.RECONCILE_INTERVAL_MS,
      escalateAfterHours: cfg.ESCALATE_AFTER_HOURS,
      lateEntrySettleMs: cfg.LATE_ENTRY_SETTLE_MINUTES * 60_000,
    },
    new BullMqScheduler(cfg.REDIS_URL, { prefix: cfg.BULLMQ_PREFIX, leadMs: cfg.TIMER_LEAD_MS, prefetch: cfg.TIMER_PREFETCH }),
  ),
);
