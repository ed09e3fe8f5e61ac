/** Unit tests and embedded end-to-end tests: no external service. */
export const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^#libs/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  // @nestjs/throttler (CommonJS) gets the app's own @nestjs/common and @nestjs/core (ES modules)
  resolver: '<rootDir>/test/support/jest/resolver.cjs',
  setupFilesAfterEnv: ['<rootDir>/test/support/jest/nest-esm.ts'],
};

export default {
  ...base,
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  testTimeout: 30000,
};
