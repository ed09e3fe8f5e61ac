import 'reflect-metadata';
import { loadDistributedConfig, runDistributedService } from '#libs/runtime';
import { assignmentService } from './assignment.module.js';

await runDistributedService(loadDistributedConfig('assignment'), assignmentService());
