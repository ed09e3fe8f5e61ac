import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CONTENT_SECURITY_POLICY, defaultWebDir, serveWebApp } from './web-app.js';

@Controller('api/v1/ping')
class PingController {
  @Get() ping() {
    return { pong: true };
  }
}
@Module({ controllers: [PingController] })
class PingModule {}

async function appServing(dir: string) {
  const app = await NestFactory.create<NestExpressApplication>(PingModule, { logger: false });
  serveWebApp(app, dir);
  await app.init();
  return app;
}

describe('the gateway serves the web app at /', () => {
  let dir: string;
  let app: NestExpressApplication;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>信访工作平台</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = await appServing(dir);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a client route such as /cases/<id> with index.html, never cached, under a same-origin CSP', async () => {
    for (const path of ['/', '/cases/0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '/dashboard']) {
      const res = await request(app.getHttpServer()).get(path).expect(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });

  it('caches hashed assets for a year as immutable', async () => {
    const res = await request(app.getHttpServer()).get('/assets/index-abc123.js').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves the API alone: its routes answer JSON, an unknown API path is a 404, not the app', async () => {
    await request(app.getHttpServer()).get('/api/v1/ping').expect(200, { pong: true });
    const res = await request(app.getHttpServer()).get('/api/v1/nothing-here').expect(404);
    expect(res.text).not.toContain('<div id="root">');
  });

  it('does not answer a missing asset with the app', async () => {
    const res = await request(app.getHttpServer()).get('/assets/missing-123.js').expect(404);
    expect(res.text).not.toContain('<div id="root">');
  });

  it('says in Chinese that the app is not built, when dist/web is missing', async () => {
    const bare = await appServing(join(dir, 'nowhere'));
    const res = await request(bare.getHttpServer()).get('/cases').expect(503);
    expect(res.text).toContain('npm run build');
    expect(res.text).toContain('网页应用尚未构建');
    await bare.close();
  });

  it('finds dist/web under the package root', () => {
    expect(defaultWebDir()).toBe(join(process.cwd(), 'dist/web'));
  });
});
