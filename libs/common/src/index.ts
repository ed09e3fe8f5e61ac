export * from './errors.js';
export * from './mask.js';
export * from './config.js';
export * from './time.js';
export * from './ids.js';
export * from './input-checks.js';
export * from './pii.js';
