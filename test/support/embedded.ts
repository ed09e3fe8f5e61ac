import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { gb11643CheckDigit, loadConfig } from '#libs/common';
import type { EventGate } from '#libs/messaging';
import { commandOf, EmbeddedConfig, type CommandResult, type ServiceCommand } from '#libs/runtime';
import { REPORTING_EVENT_GATE } from '../../apps/reporting/src/rebuild.service.js';
import { startEmbedded, type EmbeddedPlatform } from '../../apps/embedded/src/embedded.js';

export const ADMIN_PASSWORD = 'admin-e2e-password';

export interface TestPlatform {
  platform: EmbeddedPlatform;
  dataDir: string;
  http: () => ReturnType<typeof request>;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** Starts the embedded platform on a free port with a fresh data directory. */
export async function startTestPlatform(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'petition-e2e-'))): Promise<TestPlatform> {
  const config = loadConfig(EmbeddedConfig, { PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD, ...env });
  const platform = await startEmbedded(config);
  return {
    platform,
    dataDir,
    http: () => request(platform.url),
    stop: async (opts) => {
      await platform.close();
      if (!opts?.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(t: TestPlatform, username: string, password: string): Promise<string> {
  const res = await t.http().post('/api/v1/auth/login').send({ username, password }).expect(200);
  return res.body.accessToken as string;
}

/** Units and one user per role, as an administrator sets up an office. */
export async function seedOffice(t: TestPlatform) {
  const admin = await login(t, 'admin', ADMIN_PASSWORD);
  const auth = { Authorization: `Bearer ${admin}` };
  for (const unit of [
    { code: 'housing', name: '住房和城乡建设局' },
    { code: 'labour', name: '人力资源和社会保障局' },
  ]) {
    await t.http().post('/api/v1/units').set(auth).send(unit).expect(201);
  }
  const users = [
    { username: 'reception1', displayName: '接待员', roles: ['reception'] },
    { username: 'office1', displayName: '信访办', roles: ['office'] },
    { username: 'housing1', displayName: '住建局经办人', roles: ['handler'], unitCode: 'housing' },
    { username: 'labour1', displayName: '人社局经办人', roles: ['handler'], unitCode: 'labour' },
    { username: 'leader1', displayName: '分管领导', roles: ['leader'] },
  ];
  const tokens: Record<string, string> = { admin };
  for (const u of users) {
    await t
      .http()
      .post('/api/v1/users')
      .set(auth)
      .send({ ...u, password: `${u.username}-pass` })
      .expect(201);
    tokens[u.username] = await login(t, u.username, `${u.username}-pass`);
  }
  return tokens;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A GB 11643 identity number: the 17 digits given, then their check character. */
export const idNumberOf = (first17: string) => first17 + gb11643CheckDigit(first17);

export const walkIn = (overrides: Record<string, unknown> = {}) => ({
  channel: 'visit',
  petitioners: [{ name: '王五', idNumber: '45030219800101122X', phone: '13812345678', address: '阳和街道' }],
  purpose: 'appeal',
  category: 'urban-rural-construction',
  summary: '小区加装电梯补贴未发放',
  content: '申请人反映其所在小区加装电梯的政府补贴至今未发放，请求尽快落实。',
  ...overrides,
});

/**
 * Holds the read model's consumer (the reporting service's EventGate, as a rebuild does) until
 * `open` is called: no event is applied meanwhile, so commands see a lagging read model.
 */
export async function holdReporting(t: TestPlatform): Promise<{ open(): Promise<void> }> {
  const gate = t.platform.services.find((s) => s.name === 'reporting')!.app.get<EventGate>(REPORTING_EVENT_GATE);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let engaged!: () => void;
  const holding = new Promise<void>((r) => (engaged = r));
  const done = gate.hold(async () => {
    engaged();
    await released;
  });
  await holding;
  return { open: async () => (release(), await done) };
}

/**
 * The petitioner told of the acceptance (Art. 23): the 受理告知书 rendered and marked served on
 * `servedOn` (by the administrator, back-dated to `at`) — what meets the acceptance-notice deadline.
 */
export async function serveAcceptanceNotice(t: TestPlatform, auth: Record<string, string>, id: string, servedOn: string, at: string): Promise<void> {
  await t.http().get(`/api/v1/petitions/${id}/documents/acceptance-notice`).query({ format: 'html' }).set(auth).expect(200);
  await t.http().post(`/api/v1/petitions/${id}/documents/acceptance-notice/served`).set(auth).send({ servedOn, method: 'in-person', at }).expect(200);
}

/** A service's command as a transport calls it, by name with the body as given (a test may send a bad one on purpose). */
export function serviceCommand(t: TestPlatform, service: string, name: string): (cmd: ServiceCommand<unknown>) => Promise<CommandResult> {
  const fn = commandOf(t.platform.services.find((s) => s.name === service)!.api, name);
  if (!fn) throw new Error(`${service} has no command ${name}`);
  return fn;
}
