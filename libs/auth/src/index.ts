export * from './auth.decorators.js';
export * from './auth.ports.js';
export * from './auth.guard.js';
export * from './passwords.js';
export * from './password-policy.js';
