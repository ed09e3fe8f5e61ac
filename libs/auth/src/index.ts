export * from './auth.decorators.js';
export * from './auth.guard.js';
export * from './passwords.js';
