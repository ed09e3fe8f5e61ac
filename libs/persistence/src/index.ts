export * from './database.js';
export * from './migration-helpers.js';
export * from './exclusive.js';
export * from './insert-rows.js';
export * from './driver-errors.js';
