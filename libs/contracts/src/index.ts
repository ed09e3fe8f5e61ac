export * from './envelope.js';
export * from './events.js';
export * from './codec.js';
export * from './facts.js';
export * from './categories.js';
export * from './reports.js';
export * from './calendar.js';
export * from './commands.js';
