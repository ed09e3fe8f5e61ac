import { describe, expect, it } from '@jest/globals';
import { UnavailableError } from '#libs/common';
import type { Caller, CommandResult, ServiceClient, ServiceCommand } from '#libs/runtime';
import { CaseHeads, PENDING_VIEW_MESSAGE, PendingView, PetitionsFacade } from './petitions.facade.js';
import type { GatewaySettings } from './gateway.settings.js';

const office: Caller = { username: 'office1', roles: ['office'] };
const admin: Caller = { username: 'admin', roles: ['admin'] };

/** The services as the facade sees them: commands answer events e1, e2…; reporting as the test says. */
function services(reporting: (name: string, params: any) => Promise<unknown>) {
  const calls: Array<{ kind: 'command' | 'query'; service: string; name: string; arg: any }> = [];
  let n = 0;
  const client: ServiceClient = {
    async command(service: string, name: string, cmd: ServiceCommand<any>): Promise<CommandResult> {
      calls.push({ kind: 'command', service, name, arg: cmd });
      const eventIds = [`e${++n}`];
      return name === 'register-petition' ? { caseId: 'c1', eventIds, created: true, data: { trackingNo: 'XF20240905ABCDEF01', queryCode: 'K7M2QX' } } : { caseId: cmd.caseId!, eventIds };
    },
    async query<T>(service: string, name: string, params: unknown): Promise<T> {
      calls.push({ kind: 'query', service, name, arg: params });
      if (service === 'reporting') return (await reporting(name, params)) as T;
      if (service === 'deadline' && name === 'last-step') return { type: 'routed', at: '2024-09-05T10:00:00+08:00' } as T;
      throw new Error(`unexpected query ${service} ${name}`);
    },
  };
  return { client, calls };
}
const security = { record: async () => undefined };
const settings = (ms: number) => ({ readYourWritesTimeoutMs: ms }) as GatewaySettings;

describe('PetitionsFacade: a command does not depend on the read model (issue 11)', () => {
  it('asks reporting nothing before a command; the next command on the case asks its service to have applied the last one', async () => {
    const { client, calls } = services(async (_name, p) => ({ id: p.id, status: 'x' }));
    const facade = new PetitionsFacade(client, security, settings(100));
    await facade.register({} as never, office);
    await facade.act('c1', 'assignment', 'route', { mode: 'transfer' } as never, office);
    await facade.act('c1', 'closure', 'close', {} as never, office);
    const commands = calls.filter((c) => c.kind === 'command');
    expect(commands.map((c) => [c.service, c.name, c.arg.after ?? null])).toEqual([
      ['intake', 'register-petition', null],
      ['assignment', 'route', 'e1'],
      ['closure', 'close', 'e2'],
    ]);
    // Reporting is read only after the commit, for the answer.
    expect(calls.filter((c) => c.service === 'reporting').map((c) => [c.name, c.arg.waitFor])).toEqual([
      ['case', 'e1'],
      ['case', 'e2'],
      ['case', 'e3'],
    ]);
  });

  it('a new case’s answer is its view with the query code intake answered (shown only there)', async () => {
    const { client } = services(async (_name, p) => ({ id: p.id, status: 'registered' }));
    const r = await new PetitionsFacade(client, security, settings(100)).register({} as never, office);
    expect(r).toEqual({ created: true, view: { id: 'c1', status: 'registered', queryCode: 'K7M2QX' } });
  });

  it('a back-dated act (admin) takes the case’s last step from the deadline service, not from reporting', async () => {
    const { client, calls } = services(async (_name, p) => ({ id: p.id }));
    const facade = new PetitionsFacade(client, security, settings(100));
    await facade.act('c9', 'assignment', 'accept', { at: '2024-09-06T10:00:00+08:00' }, admin);
    expect(calls.slice(0, 2).map((c) => [c.kind, c.service, c.name])).toEqual([
      ['query', 'deadline', 'last-step'],
      ['command', 'assignment', 'accept'],
    ]);
    expect(calls[1].arg).toMatchObject({ at: '2024-09-06T10:00:00+08:00', atNotBefore: { type: 'routed', at: '2024-09-05T10:00:00+08:00' } });
  });

  it('reporting down or lagging: 202 with the ids of the committed write; hanging: the same once the wait is over', async () => {
    const down = new PetitionsFacade(services(async () => Promise.reject(new UnavailableError('reporting 服务暂时无法访问'))).client, security, settings(100));
    const r = await down.register({} as never, office);
    expect(r).toBeInstanceOf(PendingView);
    // The new case's query code is in the 202 too: the only answer that shows it.
    expect((r as PendingView).body).toEqual({
      id: 'c1',
      trackingNo: 'XF20240905ABCDEF01',
      eventId: 'e1',
      eventIds: ['e1'],
      status: 'accepted-pending-view',
      created: true,
      queryCode: 'K7M2QX',
      message: PENDING_VIEW_MESSAGE,
    });
    const a = await down.act('c1', 'assignment', 'route', {} as never, office);
    expect((a as PendingView).body).toEqual({ id: 'c1', eventId: 'e2', eventIds: ['e2'], status: 'accepted-pending-view', message: PENDING_VIEW_MESSAGE });

    const hanging = new PetitionsFacade(services(() => new Promise(() => undefined)).client, security, settings(10));
    const started = Date.now();
    expect(await hanging.act('c1', 'closure', 'close', {} as never, office)).toBeInstanceOf(PendingView);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('CaseHeads keeps the newest event per case, and forgets the least recently used beyond its size', () => {
    const heads = new CaseHeads(2);
    heads.note('a', 'a1');
    heads.note('b', 'b1');
    heads.note('a', 'a2');
    heads.note('c', 'c1');
    expect([heads.get('a'), heads.get('b'), heads.get('c')]).toEqual(['a2', null, 'c1']);
    heads.note('c', undefined);
    expect(heads.get('c')).toBe('c1');
  });
});
