/**
 * The dependency rules of the layout (README › Design › Layout), checked in CI by
 * `npm run lint:deps`. Specs are outside the rules (a test may reach across to set things up).
 */
const SERVICES = '(intake|assignment|deadline|closure|reporting|gateway|web)';
const NOT_SPEC = '\\.(spec|e2e-spec|int-spec|browser-spec)\\.tsx?$';

module.exports = {
  forbidden: [
    {
      name: 'regulation-is-pure',
      comment: 'libs/regulation is the law as code: no other lib, no framework or package, no file, clock or network (node builtins included).',
      severity: 'error',
      from: { path: '^libs/regulation/', pathNot: NOT_SPEC },
      to: { pathNot: '^libs/regulation/' },
    },
    {
      name: 'libs-never-import-apps',
      comment: 'A lib serves every app; an app is never a lib’s dependency.',
      severity: 'error',
      from: { path: '^libs/', pathNot: NOT_SPEC },
      to: { path: '^apps/' },
    },
    {
      name: 'services-never-import-apps',
      comment: 'A service (and the gateway and the web app) talks to the others through Kafka and the service API only; what two need is in libs/. Compositions (embedded, admin, pii-rotate) may import the apps they compose.',
      severity: 'error',
      from: { path: `^apps/${SERVICES}/`, pathNot: NOT_SPEC },
      to: { path: '^apps/', pathNot: `^apps/$1/` },
    },
    {
      name: 'web-only-through-the-api',
      comment: 'The web app uses the public HTTP API only: no server code in the browser. It shares the pure rules (libs/regulation: the state machine and role table; libs/common input-checks: the same field checks as the API).',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^(libs|apps/(?!web/))', pathNot: '^(libs/regulation/|libs/common/src/input-checks\\.ts$)' },
    },
    {
      name: 'shared-with-the-web-is-pure',
      comment: 'What the web app shares runs in the browser: it imports nothing but its own lib.',
      severity: 'error',
      from: { path: '^libs/common/src/input-checks\\.ts$' },
      to: {},
    },
    {
      name: 'no-circular-libs',
      comment: 'Libs form layers: a cycle between two libs makes neither usable alone.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: '^libs/$1/', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['types', 'import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] },
    // #libs/* resolves through package.json "imports" to the libs' sources (types condition).
    combinedDependencies: false,
  },
};
