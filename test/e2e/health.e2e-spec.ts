import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestPlatform, type TestPlatform } from '../support/embedded.js';

/**
 * Liveness and readiness (@nestjs/terminus, issue 9): the gateway is ready when its database and
 * every service it calls are, each service when its database, its broker and (deadline) its
 * timer store answer; what is down is named. `/api/v1/health` keeps its contract.
 */
describe('health: liveness and readiness', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  }, 60000);
  afterAll(() => t.stop());

  it('keeps the contract of /api/v1/health, and is live, without a token', async () => {
    expect((await t.http().get('/api/v1/health').expect(200)).body).toEqual({ status: 'ok', mode: 'embedded' });
    expect((await t.http().get('/api/v1/health/live').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('is ready when the gateway database and all five services are, each of them checked', async () => {
    const res = await t.http().get('/api/v1/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.info).sort()).toEqual(['assignment', 'closure', 'database', 'deadline', 'intake', 'reporting']);
    for (const v of Object.values(res.body.info)) expect(v).toEqual({ status: 'up' });
    // Each service's own answer names what it checked.
    const deadline = t.platform.services.find((s) => s.name === 'deadline')!;
    expect(await deadline.api.queries.health({}, null)).toEqual({ status: 'up', checks: { database: { status: 'up' }, broker: { status: 'up' }, timers: { status: 'up' } } });
  });

  it('answers 503 naming the service and the dependency that is down, the others still up', async () => {
    const closure = t.platform.services.find((s) => s.name === 'closure')!;
    await closure.app.get(DataSource).destroy();
    const res = await t.http().get('/api/v1/health/ready').expect(503);
    expect(res.body).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE', message: '未就绪：closure 不可用' });
    expect(res.body.details.status).toBe('error');
    // Public: it names the dependency, not the driver's error.
    expect(res.body.details.error).toEqual({ closure: { status: 'down', message: 'database' } });
    // The service's own answer (its internal port in distributed mode) has the reason.
    expect(await closure.api.queries.health({}, null)).toMatchObject({
      status: 'down',
      checks: { database: { status: 'down', message: expect.stringContaining('not open') }, broker: { status: 'up' } },
    });
    expect(Object.keys(res.body.details.info).sort()).toEqual(['assignment', 'database', 'deadline', 'intake', 'reporting']);
    // Liveness does not depend on it: restarting the process would not bring the database back.
    await t.http().get('/api/v1/health/live').expect(200);
  });
});
