import 'reflect-metadata';
import { loadDistributedConfig, runDistributedService } from '#libs/runtime';
import { closureService } from './closure.module.js';

await runDistributedService(loadDistributedConfig('closure'), closureService());
