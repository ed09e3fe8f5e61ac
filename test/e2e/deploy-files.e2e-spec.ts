import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_SCHEMA, load, loadAll, mergeTag } from 'js-yaml';

/**
 * The deployment files (issue 9, "run it like a real service"): compose refuses the published
 * example secrets, every Kubernetes Deployment has resources, HTTP probes, a disruption budget
 * and the Prometheus scrape hints, the ingress serves the web app and the API, nest-cli.json
 * names exactly the apps and libs there are, and the Grafana dashboard queries only metrics
 * the processes export.
 */
const root = process.cwd();
const read = (p: string) => readFileSync(join(root, p), 'utf8');
// Compose files use merge keys (`<<: *service`), which docker compose resolves.
const yaml = (text: string) => load(text, { schema: CORE_SCHEMA.withTags(mergeTag) }) as any;
const CHECKER = join(root, 'deploy/docker/check-env.mjs');
const SECRETS = ['MARIADB_ROOT_PASSWORD', 'INTERNAL_TOKEN', 'JWT_SECRET', 'PII_KEY', 'ADMIN_PASSWORD'];

/** NAME=value lines of an env file (comments skipped). */
function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function runChecker(env: Record<string, string>, args: string[] = []) {
  // A clean environment: only what compose would pass to config-check.
  const r = spawnSync(process.execPath, [CHECKER, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, lines: `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '') };
}

describe('docker compose: refuses the .env.example secrets', () => {
  const example = envFile(read('.env.example'));

  it('has exactly the expected secrets marked change-me in .env.example', () => {
    expect(
      Object.keys(example)
        .filter((k) => example[k].startsWith('change-me'))
        .sort(),
    ).toEqual([...SECRETS].sort());
  });

  it('exits non-zero with one Chinese line per example value, naming the variable, never the value', () => {
    const r = runChecker(example);
    expect(r.status).not.toBe(0);
    for (const name of SECRETS) {
      const naming = r.lines.filter((l) => new RegExp(`\\b${name}\\b`).test(l));
      expect(naming).toHaveLength(1);
      expect(naming[0]).toMatch(/[\u4e00-\u9fff]/);
      expect(naming[0]).toContain('示例值');
    }
    for (const name of SECRETS) expect(r.out).not.toContain(example[name]);
  });

  it('names only the variables left as in the example, and refuses unset ones', () => {
    const env: Record<string, string> = {};
    for (const name of SECRETS) env[name] = randomBytes(24).toString('hex');
    env.JWT_SECRET = example.JWT_SECRET;
    delete env.PII_KEY;
    const r = runChecker(env);
    expect(r.status).not.toBe(0);
    expect(SECRETS.filter((n) => r.lines.some((l) => new RegExp(`\\b${n}\\b`).test(l)))).toEqual(['JWT_SECRET', 'PII_KEY']);
    expect(r.out).not.toContain(example.JWT_SECRET);
  });

  it('exits 0 with freshly generated values', () => {
    const env: Record<string, string> = { ...example };
    for (const name of SECRETS) env[name] = randomBytes(24).toString('base64url');
    const r = runChecker(env);
    expect(r.out).toBe('配置检查通过：密钥均已更换。\n');
    expect(r.status).toBe(0);
  });

  it('reads the example values from the file it is given, not from a copy of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-env-'));
    const file = join(dir, '.env.example');
    writeFileSync(file, '# test\nPORT=3000\nNEW_SECRET=change-me-something-new\n');
    const r = runChecker({ NEW_SECRET: 'change-me-something-new', JWT_SECRET: example.JWT_SECRET }, [file]);
    expect(r.status).not.toBe(0);
    expect(r.lines.filter((l) => l.includes('NEW_SECRET'))).toHaveLength(1);
    expect(r.out).not.toContain('JWT_SECRET');
    expect(runChecker({ NEW_SECRET: 'fresh' }, [file]).status).toBe(0);
    // And without a readable example file it refuses too.
    expect(runChecker({ NEW_SECRET: 'fresh' }, [join(dir, 'missing')]).status).not.toBe(0);
  });

  it('makes every service wait for config-check, which gets every secret and runs the checker from the image', () => {
    const compose = yaml(read('docker-compose.yml'));
    const check = compose.services['config-check'];
    expect(check.command).toEqual(['node', 'deploy/docker/check-env.mjs']);
    expect(check.image).toBe(compose.services.gateway.image);
    expect(check.restart).toBe('no');
    for (const name of SECRETS) expect(check.environment[name]).toBe(`\${${name}:-}`);
    const others = Object.keys(compose.services).filter((s) => s !== 'config-check');
    expect(others).toEqual(expect.arrayContaining(['mariadb', 'redis', 'kafka', 'gateway', 'intake', 'assignment', 'deadline', 'closure', 'reporting']));
    for (const s of others) expect([s, compose.services[s].depends_on?.['config-check']]).toEqual([s, { condition: 'service_completed_successfully' }]);
  });

  it('bakes the checker and .env.example into the image (Dockerfile and .dockerignore)', () => {
    const dockerfile = read('deploy/docker/Dockerfile');
    expect(dockerfile).toMatch(/^COPY \.env\.example \.\/$/m);
    expect(dockerfile).toMatch(/^COPY deploy\/docker\/check-env\.mjs \.\/deploy\/docker\/$/m);
    // .dockerignore: the last rule matching a path decides (a leading ! re-includes).
    const rules = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const glob = (pattern: string) =>
      new RegExp(
        `^${pattern
          .replace(/^\*\*\//, '(?:.*/)?')
          .replace(/\./g, '\\.')
          .replace(/\*/g, '[^/]*')}$`,
      );
    const included = (path: string) => {
      let inc = true;
      for (const r of rules) {
        const neg = r.startsWith('!');
        if (glob(neg ? r.slice(1) : r).test(path)) inc = neg;
      }
      return inc;
    };
    expect(included('.env.example')).toBe(true);
    expect(included('deploy/docker/check-env.mjs')).toBe(true);
    expect(included('.env')).toBe(false);
    expect(included('.env.local')).toBe(false);
  });
});

describe('kubernetes manifests', () => {
  const dir = join(root, 'deploy/k8s');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const docs = files.flatMap((f) => (loadAll(readFileSync(join(dir, f), 'utf8')) as any[]).filter(Boolean).map((d) => ({ file: f, ...d })));
  const deployments = docs.filter((d) => d.kind === 'Deployment');
  const apps = ['gateway', 'intake', 'assignment', 'deadline', 'closure', 'reporting'];

  it('lists every manifest in kustomization.yaml, and has a Deployment per process', () => {
    const kust = yaml(read('deploy/k8s/kustomization.yaml'));
    expect([...kust.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...apps].sort());
  });

  it.each(apps)('%s: requests and limits, HTTP readiness and liveness probes on the internal port, scrape hints', (name) => {
    const d = deployments.find((x) => x.metadata.name === name)!;
    const pod = d.spec.template;
    const containers = pod.spec.containers as any[];
    expect(containers.length).toBeGreaterThan(0);
    const prefix = name === 'gateway' ? '/api/v1' : '';
    for (const c of containers) {
      for (const kind of ['requests', 'limits']) {
        expect([name, kind, typeof c.resources?.[kind]?.cpu, typeof c.resources?.[kind]?.memory]).toEqual([name, kind, 'string', 'string']);
      }
      const port = c.ports.find((p: any) => p.name === 'http');
      expect(port.containerPort).toBe(3000);
      expect(c.readinessProbe.httpGet).toEqual({ path: `${prefix}/health/ready`, port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: `${prefix}/health/live`, port: 'http' });
      // The services' metrics are on the internal port; the gateway's on METRICS_PORT, a port its Service does not expose.
      const metricsPort = name === 'gateway' ? c.ports.find((p: any) => p.name === 'metrics')?.containerPort : port.containerPort;
      expect(metricsPort).toBe(name === 'gateway' ? 9464 : 3000);
      expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' });
    }
  });

  it.each(apps)('%s: a PodDisruptionBudget selects its pods and lets a drain proceed', (name) => {
    const d = deployments.find((x) => x.metadata.name === name)!;
    const labels = d.spec.template.metadata.labels;
    const pdbs = docs.filter(
      (p) => p.kind === 'PodDisruptionBudget' && p.metadata.namespace === d.metadata.namespace && Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v),
    );
    expect(pdbs.map((p) => p.metadata.name)).toEqual([name]);
    const spec = pdbs[0].spec;
    expect('minAvailable' in spec !== 'maxUnavailable' in spec).toBe(true);
    // minAvailable 1 on a single replica would block every node drain.
    if ('minAvailable' in spec) expect(d.spec.replicas).toBeGreaterThan(spec.minAvailable);
    else expect(spec.maxUnavailable).toBeGreaterThanOrEqual(1);
  });

  it('routes / (web app) and /api (API) to the gateway', () => {
    const ingress = docs.find((d) => d.kind === 'Ingress');
    const paths = ingress.spec.rules.flatMap((r: any) => r.http.paths);
    for (const path of ['/', '/api']) {
      const p = paths.find((x: any) => x.path === path);
      expect([path, p?.pathType, p?.backend.service.name]).toEqual([path, 'Prefix', 'gateway']);
    }
  });

  it('mounts the calendar ConfigMap into exactly the processes that read CALENDAR_FILE', () => {
    // prcCalendar(cfg) is what reads CALENDAR_FILE; the apps calling it must have the mount.
    const readers = apps.filter((a) => read(`apps/${a}/src/main.ts`).includes('prcCalendar('));
    const mounted = deployments.filter((d) => d.spec.template.spec.volumes?.some((v: any) => v.configMap?.name === 'petition-calendar')).map((d) => d.metadata.name);
    expect(mounted.sort()).toEqual(readers.sort());
    const comment = read('deploy/k8s/configmap.yaml');
    for (const a of readers) expect(comment).toContain(a);
  });
});

describe('nest-cli.json (monorepo mode)', () => {
  const cli = JSON.parse(read('nest-cli.json'));
  const appsWithMain = readdirSync(join(root, 'apps'))
    .filter((a) => existsSync(join(root, 'apps', a, 'src/main.ts')))
    .sort();
  const libsWithIndex = readdirSync(join(root, 'libs'))
    .filter((l) => existsSync(join(root, 'libs', l, 'src/index.ts')))
    .sort();

  it('lists exactly the apps with src/main.ts and the libs with src/index.ts, built by tsc into dist/', () => {
    expect(cli.monorepo).toBe(true);
    const of = (type: string) =>
      Object.keys(cli.projects)
        .filter((k) => cli.projects[k].type === type)
        .sort();
    expect(of('application')).toEqual(appsWithMain);
    expect(of('library')).toEqual(libsWithIndex);
    expect(Object.keys(cli.projects)).toHaveLength(appsWithMain.length + libsWithIndex.length);
    // tsc (not webpack), keeping dist/ (the web app's dist/web lives there too).
    expect(cli.compilerOptions).toMatchObject({ builder: 'tsc', webpack: false, deleteOutDir: false });
  });

  it('names only paths that exist, and each app starts from the file scripts/build.mjs compiles', () => {
    for (const [name, p] of Object.entries<any>(cli.projects)) {
      const dirOf = p.type === 'application' ? 'apps' : 'libs';
      expect([name, p.root, p.sourceRoot]).toEqual([name, `${dirOf}/${name}`, `${dirOf}/${name}/src`]);
      for (const path of [p.root, p.sourceRoot, `${p.sourceRoot}/${p.entryFile}.ts`, p.compilerOptions.tsConfigPath]) expect([name, path, existsSync(join(root, path))]).toEqual([name, path, true]);
      // The tsconfig scripts/build.mjs compiles with (outDir dist, rootDir .): nest start then runs
      // <outDir>/<sourceRoot>/<entryFile>.js = dist/apps/<app>/src/main.js, the file the
      // dist/apps/<app>/main.js wrapper imports.
      expect(read('scripts/build.mjs')).toContain(`'${p.compilerOptions.tsConfigPath}'`);
    }
    for (const path of [cli.sourceRoot, cli.compilerOptions.tsConfigPath]) expect(existsSync(join(root, path))).toBe(true);
  });
});

describe('Grafana dashboard', () => {
  const histograms = [
    'petition_http_request_duration_seconds',
    'petition_outbox_publish_lag_seconds',
    'petition_event_handler_duration_seconds',
    'petition_timer_lateness_seconds',
    'petition_report_query_duration_seconds',
  ];
  const plain = [
    'petition_outbox_waiting_rows',
    'petition_outbox_oldest_waiting_seconds',
    'petition_consumer_lag_messages',
    'petition_events_handled_total',
    'petition_dead_letters_open',
    'petition_dead_letters_total',
    'petition_timers_armed',
    'petition_timers_armed_total',
    'petition_timers_fired_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_seconds',
  ];
  const allowed = new Set([...plain, ...histograms.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`])]);
  const PROMQL = new Set([
    'sum',
    'max',
    'min',
    'avg',
    'count',
    'by',
    'without',
    'rate',
    'irate',
    'increase',
    'histogram_quantile',
    'topk',
    'bottomk',
    'clamp_min',
    'clamp_max',
    'and',
    'or',
    'unless',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'offset',
    'bool',
  ]);

  /** The metric names an expression reads: identifiers outside label matchers, ranges, groupings and strings. */
  function metricsOf(expr: string): string[] {
    const bare = expr
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/\{[^}]*\}/g, '')
      .replace(/\[[^\]]*\]/g, '')
      .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
    return (bare.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? []).filter((t) => !PROMQL.has(t));
  }

  const dashboard = JSON.parse(read('deploy/grafana/petition-platform.json'));
  const panels = (dashboard.panels as any[]).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  const exprs: string[] = panels.flatMap((p) => (p.targets ?? []).map((t: any) => t.expr));

  it('is a Grafana dashboard with the Prometheus data source as an input and a service variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(p.title).toMatch(/[\u4e00-\u9fff]/);
      expect(p.targets.length).toBeGreaterThan(0);
    }
    const service = dashboard.templating.list.find((v: any) => v.name === 'service');
    expect(service.definition).toBe('label_values(petition_http_request_duration_seconds_count, service)');
  });

  it('queries only the metrics the processes export, and shows every one of them', () => {
    expect(exprs.length).toBeGreaterThan(0);
    const used = new Set<string>();
    for (const expr of exprs) {
      const names = metricsOf(expr);
      expect([expr, names.length > 0]).toEqual([expr, true]);
      for (const n of names) {
        expect([expr, n, allowed.has(n)]).toEqual([expr, n, true]);
        used.add(n.replace(/_(bucket|sum|count)$/, (m) => (histograms.some((h) => n === h + m) ? '' : m)));
      }
      expect(expr).toContain('service=~"$service"');
    }
    for (const m of [...plain, ...histograms]) expect([m, used.has(m)]).toEqual([m, true]);
  });

  it('has the panels the operators look for', () => {
    const titles = panels.map((p) => p.title).join(' ');
    for (const t of ['接口延迟 P95', '待发布事件', '消费滞后', '死信', '计时器延迟', '报表查询耗时']) expect(titles).toContain(t);
  });
});
