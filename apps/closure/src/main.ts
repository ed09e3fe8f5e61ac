import 'reflect-metadata';
import { deadlinePolicy, loadDistributedConfig, prcCalendar, runDistributedService } from '#libs/runtime';
import { closureService } from './closure.module.js';

const cfg = loadDistributedConfig('closure');
await runDistributedService(cfg, closureService({ policy: deadlinePolicy(cfg), calendar: prcCalendar(cfg) }));
