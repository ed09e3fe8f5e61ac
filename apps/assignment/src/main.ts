import 'reflect-metadata';
import { loadDistributedConfig, prcCalendar, runDistributedService, uncoveredYearMode } from '#libs/runtime';
import { assignmentService } from './assignment.module.js';

const cfg = loadDistributedConfig('assignment');
await runDistributedService(cfg, assignmentService({ timeZone: cfg.TZ, calendar: prcCalendar(cfg), onUncoveredYear: uncoveredYearMode(cfg) }));
