/** Integration tests: real Kafka, MariaDB and Redis, services as separate processes. */
import { base } from '../jest.config.js';

export default {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
  testTimeout: 180000,
  globalSetup: '<rootDir>/test/integration/global-setup.mjs',
};
