/** Browser tests: the embedded platform serving the built web app, driven in Debian's Chromium. */
import { base } from '../jest.config.js';

export default {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/browser/global-setup.mjs',
};
