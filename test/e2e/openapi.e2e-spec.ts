import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { IS_PUBLIC, ROLES_KEY } from '#libs/auth';
import { AdminController, AuthController, HealthController, PetitionersController, PetitionsController, ReceptionSessionsController, ReportsController } from '../../apps/gateway/src/controllers.js';
import { CalendarController } from '../../apps/gateway/src/calendar.js';
import { DeadLettersController } from '../../apps/gateway/src/dead-letters.js';
import { TimerQueueController } from '../../apps/gateway/src/timer-queue.js';
import { PublicTrackController } from '../../apps/gateway/src/public-track.js';
import { DocumentsController } from '../../apps/gateway/src/documents.js';
import { ADMIN_PASSWORD, bearer, login, seedOffice, startTestPlatform, type TestPlatform } from '../support/embedded.js';

/**
 * The OpenAPI document (/api/docs-json) against the running platform: every route documents its
 * answer and the refusals it can give with the one error schema, the routes behind the token
 * say so (security, 401, 403) exactly when the guard wants a token, the documented error
 * examples have the keys of real error bodies, and every request-body example in the document,
 * sent as it is to a freshly started platform, is answered 2xx.
 */

type Op = {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: unknown; examples?: Record<string, { summary?: string; value: unknown }> }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string }; example?: Record<string, unknown> }> }>;
};
type Doc = { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };

const CONTROLLERS: Record<string, Function> = {
  CalendarController,
  HealthController,
  AuthController,
  AdminController,
  PetitionsController,
  PetitionersController,
  ReceptionSessionsController,
  ReportsController,
  DeadLettersController,
  TimerQueueController,
  PublicTrackController,
  DocumentsController,
};
const ERROR_REF = '#/components/schemas/ErrorBodyDto';
const CJK = /[\u4e00-\u9fff]/;

/** The route's guard metadata, found through the operationId Nest's Swagger gives it (Controller_method). */
function guardOf(operationId: string): { known: boolean; public: boolean; roles: string[] } {
  const [cls, method] = operationId.split('_');
  const ctrl = CONTROLLERS[cls];
  const handler = ctrl?.prototype?.[method];
  if (!handler) return { known: false, public: false, roles: [] };
  const pub = Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, ctrl);
  const roles = Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, ctrl) ?? [];
  return { known: true, public: pub === true, roles };
}

type Schema = { $ref?: string; type?: string; items?: Schema; properties?: Record<string, Schema>; required?: string[]; nullable?: boolean; allOf?: Schema[] };

/** Where a real answer lacks what its documented schema requires (properties marked required, nested $refs and array items followed). */
function schemaGaps(doc: Doc, schema: Schema | undefined, value: unknown, at: string, out: string[] = [], depth = 0): string[] {
  if (!schema || value === null || value === undefined || depth > 6) return out;
  if (schema.$ref) return schemaGaps(doc, doc.components.schemas[schema.$ref.split('/').pop()!] as Schema, value, at, out, depth + 1);
  if (schema.allOf) for (const s of schema.allOf) schemaGaps(doc, s, value, at, out, depth + 1);
  if (schema.type === 'array' || schema.items) {
    if (!Array.isArray(value)) out.push(`${at}: not an array`);
    else value.slice(0, 3).forEach((v, i) => schemaGaps(doc, schema.items, v, `${at}[${i}]`, out, depth + 1));
    return out;
  }
  if (schema.properties) {
    if (typeof value !== 'object') return out.concat(`${at}: not an object`);
    for (const k of schema.required ?? []) if (!(k in (value as object))) out.push(`${at}.${k} missing`);
    for (const [k, s] of Object.entries(schema.properties)) schemaGaps(doc, s, (value as Record<string, unknown>)[k], `${at}.${k}`, out, depth + 1);
  }
  return out;
}

describe('OpenAPI document', () => {
  let t: TestPlatform;
  let doc: Doc;
  const ops: { method: string; path: string; op: Op }[] = [];

  beforeAll(async () => {
    t = await startTestPlatform();
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
    for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods)) ops.push({ method, path, op });
  }, 60000);
  afterAll(() => t.stop());

  const name = (o: { method: string; path: string }) => `${o.method.toUpperCase()} ${o.path}`;

  it('documents every gateway route, each found in the controllers', () => {
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.filter((o) => !guardOf(o.op.operationId).known).map(name)).toEqual([]);
  });

  it('gives every route a 2xx answer with a schema, or a content type for a file, or 204', () => {
    const problems: string[] = [];
    for (const o of ops) {
      const ok = Object.entries(o.op.responses).filter(([s]) => /^2\d\d$/.test(s));
      if (!ok.length) problems.push(`${name(o)}: no 2xx response`);
      for (const [status, r] of ok) {
        if (status === '204') continue;
        const content = Object.entries(r.content ?? {});
        if (!content.length) problems.push(`${name(o)} ${status}: no content`);
        for (const [type, c] of content) if (!c.schema) problems.push(`${name(o)} ${status} ${type}: no schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('marks exactly the routes behind the token with security, 401 and 403; the public ones without 403', () => {
    const problems: string[] = [];
    for (const o of ops) {
      const guard = guardOf(o.op.operationId);
      const secured = (o.op.security ?? []).length > 0;
      if (guard.public === secured) problems.push(`${name(o)}: security ${secured ? 'present' : 'missing'} but the route is ${guard.public ? 'public' : 'behind the token'}`);
      if (!guard.public) for (const s of ['401', '403']) if (!o.op.responses[s]) problems.push(`${name(o)}: no ${s}`);
      if (guard.public && o.op.responses['403']) problems.push(`${name(o)}: public but documents 403`);
    }
    expect(problems).toEqual([]);
  });

  it('documents every error answer with the error schema and a zh-CN example of that status', () => {
    const problems: string[] = [];
    for (const o of ops) {
      for (const [status, r] of Object.entries(o.op.responses)) {
        if (Number(status) < 400) continue;
        const json = r.content?.['application/json'];
        if (json?.schema?.$ref !== ERROR_REF) problems.push(`${name(o)} ${status}: schema is not ErrorBodyDto`);
        const ex = json?.example;
        if (!ex) {
          problems.push(`${name(o)} ${status}: no example`);
          continue;
        }
        if (ex.statusCode !== Number(status)) problems.push(`${name(o)} ${status}: example statusCode ${String(ex.statusCode)}`);
        for (const k of ['error', 'code', 'message']) if (typeof ex[k] !== 'string') problems.push(`${name(o)} ${status}: example without ${k}`);
        if (!CJK.test(String(ex.message))) problems.push(`${name(o)} ${status}: example message not zh-CN`);
      }
    }
    expect(problems).toEqual([]);
    const schema = doc.components.schemas.ErrorBodyDto;
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(['code', 'details', 'error', 'message', 'statusCode']);
    expect([...(schema.required ?? [])].sort()).toEqual(['code', 'error', 'message', 'statusCode']);
  });

  it('has error examples shaped like the real error bodies (a real 400, 401, 404 and 413)', async () => {
    const admin = await login(t, 'admin', ADMIN_PASSWORD);
    const documented = (path: string, method: string, status: number) => doc.paths[path][method].responses[String(status)].content!['application/json'].example!;
    const keys = (o: object) => Object.keys(o).sort();

    const bad = await t.http().post('/api/v1/units').set(bearer(admin)).send({ code: '!!', name: '某局' }).expect(400);
    const ex400 = documented('/api/v1/units', 'post', 400);
    expect(keys(bad.body)).toEqual(keys(ex400));
    expect(keys((bad.body.details as object[])[0])).toEqual(keys((ex400.details as object[])[0]));
    expect(bad.body).toMatchObject({ error: ex400.error, code: ex400.code });

    const missing = await t.http().get('/api/v1/petitions/00000000-0000-4000-8000-000000000000').set(bearer(admin)).expect(404);
    const ex404 = documented('/api/v1/petitions/{id}', 'get', 404);
    expect(keys(missing.body)).toEqual(keys(ex404));
    expect(missing.body).toMatchObject({ error: ex404.error, code: ex404.code });

    const anonymous = await t.http().get('/api/v1/petitions').expect(401);
    expect(anonymous.body).toEqual(documented('/api/v1/petitions', 'get', 401));

    const huge = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(admin))
      .set('content-type', 'application/json')
      .send(JSON.stringify({ content: 'x'.repeat(1_100_000) }))
      .expect(413);
    const ex413 = documented('/api/v1/petitions', 'post', 413);
    expect(keys(huge.body)).toEqual(keys(ex413));
    expect(huge.body).toMatchObject({ statusCode: 413, error: ex413.error, code: ex413.code, message: ex413.message });
  });

  it('gives every request body at least one example', () => {
    const without = ops.filter((o) => o.op.requestBody && !Object.keys(o.op.requestBody.content['application/json']?.examples ?? {}).length).map(name);
    expect(without).toEqual([]);
  });

  it('answers every request-body example, sent as it is by a user of the route’s role, with 2xx', async () => {
    const tokens = await seedOffice(t);
    const byId = new Map(ops.map((o) => [o.op.operationId, o]));
    const sent = new Set<string>();
    const problems: string[] = [];
    const userFor: Record<string, () => string> = {
      admin: () => tokens.admin,
      reception: () => tokens.reception1,
      office: () => tokens.office1,
      leader: () => tokens.leader1,
      handler: () => tokens.handler, // the user of the POST /api/v1/users example, once logged in with the login example
    };

    /** Sends each example of the operation (path params filled in, `replace` for tokens), as the first role the route names (office when none). */
    async function send(operationId: string, params: Record<string, string> = {}, opts: { token?: string; replace?: Record<string, unknown> } = {}) {
      const o = byId.get(operationId);
      if (!o) throw new Error(`no operation ${operationId} in the document`);
      const guard = guardOf(operationId);
      const token = opts.token ?? (guard.public ? undefined : userFor[guard.roles[0] ?? 'office']());
      const path = o.path.replace(/\{(\w+)\}/g, (_, p: string) => params[p] ?? `{${p}}`);
      const answers: { status: number; body: any }[] = [];
      for (const [key, ex] of Object.entries(o.op.requestBody!.content['application/json'].examples!)) {
        const body = { ...(ex.value as object), ...(opts.replace ?? {}) };
        let req = t.http().post(path);
        if (token) req = req.set(bearer(token));
        const res = await req.send(body);
        if (res.status < 200 || res.status >= 300) problems.push(`${operationId} example "${key}" → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        else problems.push(...answerGaps(o, res.status, res.body, `${operationId} example "${key}"`));
        answers.push({ status: res.status, body: res.body });
      }
      sent.add(operationId);
      return answers;
    }

    /** The answer against the schema the document gives its status. */
    function answerGaps(o: { op: Op }, status: number, body: unknown, label: string): string[] {
      const documented = o.op.responses[String(status)];
      if (!documented) return [`${label}: answered ${status}, which is not documented`];
      const schema = documented.content?.['application/json']?.schema as Schema | undefined;
      return schemaGaps(doc, schema, body, label);
    }

    // Accounts: the unit and its handler, who logs in (and refreshes) with the examples.
    await send('AdminController_createUnit');
    await send('AdminController_createUser');
    const [signedIn] = await send('AuthController_login');
    const [refreshed] = await send('AuthController_refresh', {}, { replace: { refreshToken: signedIn.body.refreshToken } });
    tokens.handler = refreshed.body.accessToken;
    await send('ReceptionSessionsController_create');
    await send('CalendarController_load');

    // One case through its whole life; the second registration example is objected to and declined.
    const [walkIn, assigned] = await send('PetitionsController_register');
    const a = { id: walkIn.body.id };
    for (const step of ['supervise', 'route', 'accept', 'extend', 'close', 'evaluate', 'reviewRequest', 'reviewOpinion', 'reReviewRequest', 'reReviewOpinion']) {
      await send(`PetitionsController_${step}`, a);
      if (step === 'accept') {
        // The acceptance notice printed, then marked served today (the example's day is a placeholder: a notice is served on or after its date).
        await t.http().get(`/api/v1/petitions/${a.id}/documents/acceptance-notice`).query({ format: 'html' }).set(bearer(tokens.handler)).expect(200);
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
        await send('DocumentsController_serve', { ...a, kind: 'acceptance-notice' }, { replace: { servedOn: today } });
      }
    }
    const finalCase = await t.http().get(`/api/v1/petitions/${a.id}`).set(bearer(tokens.office1)).expect(200);
    expect(finalCase.body.status).toBe('final');
    const b = { id: assigned.body.id };
    await send('PetitionsController_route', b);
    await send('PetitionsController_object', b);
    await send('PetitionsController_decline', b);
    // The public door (信访查询) on a fourth case, with the tracking number and query code its registration answered.
    const d = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(tokens.reception1))
      .send({ channel: 'visit', petitioners: [{ name: '孙八' }], purpose: 'appeal', category: 'urban-rural-construction', summary: '小区路灯损坏', content: '反映小区路灯损坏多日未修。' })
      .expect(201);
    const receipt = { trackingNo: d.body.trackingNo, queryCode: d.body.queryCode };
    await send('PublicTrackController_follow', {}, { replace: receipt });
    await t.http().post(`/api/v1/petitions/${d.body.id}/route`).set(bearer(tokens.office1)).send({ mode: 'transfer', unitCode: 'housing-bureau' }).expect(200);
    await t.http().post(`/api/v1/petitions/${d.body.id}/accept`).set(bearer(tokens.handler)).send({}).expect(200);
    await t.http().post(`/api/v1/petitions/${d.body.id}/close`).set(bearer(tokens.handler)).send({ kind: 'substantive', outcome: 'support', opinion: '已修复。' }).expect(200);
    await send('PublicTrackController_evaluate', {}, { replace: receipt });
    await send('PublicTrackController_reviewRequest', {}, { replace: receipt });
    await t.http().post(`/api/v1/petitions/${d.body.id}/review-opinion`).set(bearer(tokens.office1)).send({ kind: 'substantive', outcome: 'support', opinion: '维持。' }).expect(200);
    await send('PublicTrackController_reReviewRequest', {}, { replace: receipt });

    // A third case, routed, then diverted to litigation.
    const c = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(tokens.reception1))
      .send({ channel: 'online', petitioners: [{ name: '赵六' }], purpose: 'appeal', category: 'politics-law.litigation', summary: '判决执行问题', content: '反映民事判决长期未执行。' })
      .expect(201);
    await send('PetitionsController_route', { id: c.body.id });
    await send('PetitionsController_divert', { id: c.body.id });

    // Last, what ends sessions: the handler changes the password, the admin resets it, a session logs out.
    await send('AuthController_changePassword', {}, { token: tokens.handler });
    await send('AdminController_resetPassword', { username: 'liu.fang' });
    const other = await t.http().post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200);
    await send('AuthController_logout', {}, { replace: { refreshToken: other.body.refreshToken } });

    // Every GET with the query examples it documents (a registered case for {id}), as the first role it names: 2xx, shaped as documented.
    const open = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(tokens.reception1))
      .send({
        channel: 'phone',
        petitioners: [{ name: '钱七', phone: '13912345678' }],
        purpose: 'suggestion',
        category: 'technology',
        summary: '建议增设公交线路',
        content: '建议在新区增设一条公交线路。',
      })
      .expect(201);
    for (const o of ops.filter((x) => x.method === 'get')) {
      const guard = guardOf(o.op.operationId);
      const query: Record<string, unknown> = {};
      for (const p of o.op.parameters ?? []) {
        if (p.in !== 'query') continue;
        const example = (p as { schema?: { example?: unknown } }).schema?.example;
        if (example === undefined && (p as { required?: boolean }).required) problems.push(`${name(o)}: required query parameter ${p.name} without an example`);
        if (example !== undefined) query[p.name] = example;
      }
      // {id}: the registered case; another path parameter: its example (a document kind the case has).
      const pathExample = (n: string) => (o.op.parameters ?? []).find((p) => p.in === 'path' && p.name === n) as { example?: unknown; schema?: { example?: unknown } } | undefined;
      let req = t
        .http()
        .get(o.path.replace(/\{(\w+)\}/g, (_, n: string) => (n === 'id' ? open.body.id : String(pathExample(n)?.example ?? pathExample(n)?.schema?.example))))
        .query(query);
      if (!guard.public) req = req.set(bearer(userFor[guard.roles[0] ?? 'office']()));
      const res = await req;
      if (res.status < 200 || res.status >= 300) problems.push(`${name(o)} ${JSON.stringify(query)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      else if (/json/.test(res.headers['content-type'] ?? '')) problems.push(...answerGaps(o, res.status, res.body, name(o)));
    }
    // The annual report in each format answers a content type the document lists.
    const annual = doc.paths['/api/v1/reports/annual'].get.responses['200'].content!;
    for (const format of ['text', 'csv', 'xlsx']) {
      const res = await t.http().get('/api/v1/reports/annual').query({ year: 2022, format }).set(bearer(tokens.leader1)).expect(200);
      if (!(res.headers['content-type'] in annual)) problems.push(`annual ${format}: ${res.headers['content-type']} not documented (${Object.keys(annual).join(', ')})`);
    }

    expect(problems).toEqual([]);
    const withBody = ops.filter((o) => o.op.requestBody).map((o) => o.op.operationId);
    expect(withBody.filter((id) => !sent.has(id))).toEqual([]);
  }, 60000);
});
