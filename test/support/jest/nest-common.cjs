// The @nestjs/common the test imported (see resolver.cjs).
if (!globalThis.__jestNestCommon) throw new Error('test/support/jest/nest-esm.ts did not run (setupFilesAfterEnv)');
module.exports = globalThis.__jestNestCommon;
