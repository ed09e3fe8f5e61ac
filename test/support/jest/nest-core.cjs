// The @nestjs/core the test imported (see resolver.cjs).
if (!globalThis.__jestNestCore) throw new Error('test/support/jest/nest-esm.ts did not run (setupFilesAfterEnv)');
module.exports = globalThis.__jestNestCore;
