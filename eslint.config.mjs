// ESLint (typescript-eslint, recommended rules) for the TypeScript of apps/, libs/, test/ and
// bench/. `npm run lint` runs it with the dependency rules (.dependency-cruiser.cjs) and Prettier's check.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', '.ci/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `a && b()` and `c ? d() : e()` as statements are the house style for guarded calls.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // A leading underscore marks a deliberately unused name; a rest sibling drops what it names.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // TypeORM takes entity and migration classes as Function (its MixedList<Function>).
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Tests and benchmarks read JSON answers whose shape the test itself asserts.
    files: ['test/**', 'bench/**', '**/*.spec.ts', '**/*.spec.tsx'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
