export * from './entities.js';
export * from './transport.js';
export * from './in-process.transport.js';
export * from './kafka.transport.js';
export * from './outbox.js';
export * from './event-server.js';
export * from './dead-letters.js';
export * from './event-gate.js';
