import 'reflect-metadata';
import { loadDistributedConfig, piiKeyring, runDistributedService } from '#libs/runtime';
import { intakeService } from './intake.module.js';
import { trackingPolicyFrom } from './intake.settings.js';

const cfg = loadDistributedConfig('intake');
await runDistributedService(cfg, intakeService({ timeZone: cfg.TZ, groupVisitThreshold: cfg.GROUP_VISIT_THRESHOLD, pii: piiKeyring(cfg), tracking: trackingPolicyFrom(cfg) }));
