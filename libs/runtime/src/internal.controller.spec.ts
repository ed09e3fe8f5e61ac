import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import request from 'supertest';
import { CASE_EVENTS_TOPIC } from '#libs/contracts';
import { InProcessBus, InProcessTransport } from '#libs/messaging';
import { InternalController } from './internal.controller.js';
import { startService, type RunningService } from './runtime.module.js';
import { SERVICE_API, type ServiceApi, type ServiceCommand } from './service-api.js';
import { HttpServiceClient } from './service-clients.js';

const TOKEN = 'internal-token-for-the-spec';

/**
 * A service's internal port (distributed mode) as startService opens it: only a caller holding the
 * shared INTERNAL_TOKEN reaches its commands and queries; anyone else is refused before the
 * command runs.
 */
describe('the internal port of a service', () => {
  const ran: string[] = [];
  let service: RunningService;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'petition-internal-'));
    @Module({
      controllers: [InternalController],
      providers: [
        {
          provide: SERVICE_API,
          useValue: {
            // A command outside the registry: the controller looks names up as strings.
            commands: { touch: async (cmd: ServiceCommand) => (ran.push(`command by ${cmd.actor.username}`), { caseId: 'c1', eventIds: [] }) } as ServiceApi['commands'],
            queries: { peek: async () => (ran.push('query'), { seen: true }) },
          } satisfies ServiceApi,
        },
      ],
    })
    class ProbeModule {}
    service = await startService(
      { name: 'probe', module: ProbeModule, entities: [], migrations: [] },
      {
        service: 'probe',
        db: { driver: 'sqlite', dataDir },
        transport: new InProcessTransport(new InProcessBus()),
        topic: CASE_EVENTS_TOPIC,
        timeZone: 'Asia/Shanghai',
        catchUpTimeoutMs: 100,
        relayPollMs: 60_000,
        internalToken: TOKEN,
        logLevels: ['error'],
      },
      { listen: { port: 0 }, deferRelay: true },
    );
    url = (await service.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cmd = { actor: { username: 'office1', roles: ['office'] }, body: {} };

  it('refuses a command without the internal token (403), and the command does not run', async () => {
    await request(url).post('/internal/commands/touch').send(cmd).expect(403);
    await request(url).post('/internal/queries/peek').send({ params: {}, actor: null }).expect(403);
    expect(ran).toEqual([]);
  });

  it('refuses a command with a wrong internal token (403), and the command does not run', async () => {
    await request(url).post('/internal/commands/touch').set('x-internal-token', `${TOKEN}-not`).send(cmd).expect(403);
    await request(url).post('/internal/queries/peek').set('x-internal-token', '').send({ params: {}, actor: null }).expect(403);
    const wrong = new HttpServiceClient({ probe: url }, 'someone-elses-internal-token');
    await expect(wrong.command('probe', 'touch', cmd as ServiceCommand)).rejects.toMatchObject({ status: 403 });
    expect(ran).toEqual([]);
  });

  it('runs the command and the query for the gateway holding the token', async () => {
    const gateway = new HttpServiceClient({ probe: url }, TOKEN);
    await expect(gateway.command('probe', 'touch', cmd as ServiceCommand)).resolves.toEqual({ caseId: 'c1', eventIds: [] });
    await expect(gateway.query('probe', 'peek', {}, null)).resolves.toEqual({ seen: true });
    expect(ran).toEqual(['command by office1', 'query']);
  });

  it('guards the body as the public door does: prototype keys and deep nesting are a 400, and nothing runs', async () => {
    ran.length = 0;
    const post = (path: string, body: string) => request(url).post(path).set('x-internal-token', TOKEN).set('content-type', 'application/json').send(body);
    const proto = await post('/internal/commands/touch', '{"actor":{"username":"x"},"body":{"__proto__":{"admin":true}}}').expect(400);
    expect(proto.body).toMatchObject({ code: 'FIELD_INVALID', details: [{ field: 'body.__proto__' }] });
    const deep = `{"params":${'['.repeat(5000)}${']'.repeat(5000)},"actor":null}`;
    expect((await post('/internal/queries/peek', deep).expect(400)).body).toMatchObject({ code: 'FIELD_INVALID', message: '请求体嵌套过深' });
    expect(ran).toEqual([]);
  });

  it('takes a body as large as the gateway takes (a group visit at every maximum is about 0.6 MB)', async () => {
    ran.length = 0;
    const gateway = new HttpServiceClient({ probe: url }, TOKEN);
    const big = { ...cmd, body: { content: '信'.repeat(20_000), petitioners: Array.from({ length: 500 }, (_, i) => ({ name: `申请人${i}`, address: '某'.repeat(200) })) } };
    expect(JSON.stringify(big).length).toBeGreaterThan(120_000);
    await expect(gateway.command('probe', 'touch', big as ServiceCommand)).resolves.toEqual({ caseId: 'c1', eventIds: [] });
    expect(ran).toEqual(['command by office1']);
  });
});
