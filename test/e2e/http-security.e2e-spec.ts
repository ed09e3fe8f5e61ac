import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, idNumberOf, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/** Issue 8, HTTP: security headers on every response, no caching of API answers, exports that no spreadsheet runs. */
describe('HTTP security', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const EVIL = ['=HYPERLINK("http://evil.example/","点此")', '+1+1', '-2+3', '@SUM(A1:A2)'];

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    // Unit names are typed by people: an administrator (or whoever got the account) names units like formulas.
    for (const [i, name] of EVIL.entries()) {
      await t
        .http()
        .post('/api/v1/units')
        .set(bearer(tk.admin))
        .send({ code: `evil${i}`, name })
        .expect(201);
      const id = (
        await t
          .http()
          .post('/api/v1/petitions')
          .set(bearer(tk.admin))
          .send(walkIn({ receivedAt: '2025-03-03T10:00:00+08:00', petitioners: [{ name: `来访人${i}` }], summary: `事项${i}` }))
          .expect(201)
      ).body.id;
      await t
        .http()
        .post(`/api/v1/petitions/${id}/route`)
        .set(bearer(tk.admin))
        .send({ mode: 'transfer', unitCode: `evil${i}`, at: '2025-03-04T10:00:00+08:00' })
        .expect(200);
    }
  }, 60000);
  afterAll(() => t.stop());

  const expectSecurityHeaders = (h: Record<string, string>) => {
    expect(h['x-powered-by']).toBeUndefined();
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['referrer-policy']).toBe('same-origin');
    const csp = h['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
  };

  it('sends the security headers and Cache-Control: no-store on API answers, errors included', async () => {
    for (const res of [
      await t.http().get('/api/v1/health').expect(200),
      await t.http().get('/api/v1/petitions').set(bearer(tk.office1)).expect(200),
      await t.http().get('/api/v1/petitions').expect(401),
      await t.http().get('/api/v1/nothing-here').set(bearer(tk.office1)).expect(404),
      await t.http().post('/api/v1/auth/login').send({ username: 'nobody', password: 'wrong-password' }),
    ]) {
      expectSecurityHeaders(res.headers as Record<string, string>);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('sends the same headers on the web app, which its own caching rules keep (no-store is for the API)', async () => {
    const res = await t.http().get('/cases/any');
    expectSecurityHeaders(res.headers as Record<string, string>);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('takes a group visit at every field’s maximum, and refuses a body over 1 MB in Chinese, writing nothing', async () => {
    const petitioners = Array.from({ length: 500 }, (_, i) => ({
      name: `集体访${i}`,
      idNumber: idNumberOf(`45030219800101${String(i).padStart(3, '0')}`),
      phone: '13812345678',
      address: '阳'.repeat(200),
    }));
    const body = walkIn({ petitioners, headcount: 500, content: '诉'.repeat(20000), summary: '最大的集体访' });
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(400_000);
    const ok = await t.http().post('/api/v1/petitions').set(bearer(tk.reception1)).send(body).expect(201);
    expect(ok.body.petitioners).toHaveLength(500);
    const before = (await t.http().get('/api/v1/petitions').set(bearer(tk.office1)).expect(200)).body.total;
    const tooBig = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(tk.reception1))
      .send(walkIn({ content: '诉'.repeat(400_000) }));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toMatch(/[\u4e00-\u9fa5]/);
    expect((await t.http().get('/api/v1/petitions').set(bearer(tk.office1)).expect(200)).body.total).toBe(before);
  });

  it('writes text cells that start like a formula with a leading apostrophe, in CSV and XLSX', async () => {
    const csv = await t.http().get('/api/v1/reports/annual').query({ year: 2025, format: 'csv' }).set(bearer(tk.office1)).expect(200);
    const unitLines = csv.text.split('\r\n').filter((l) => l.startsWith('责任单位'));
    expect(unitLines).toHaveLength(EVIL.length);
    expect(unitLines).toContain(`责任单位（信访事项较多的单位）,"'=HYPERLINK(""http://evil.example/"",""点此"")",1`);
    for (const name of EVIL.slice(1)) expect(unitLines).toContain(`责任单位（信访事项较多的单位）,'${name},1`);
    // No cell of the file starts with a formula character, quoted or not.
    for (const line of csv.text
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)) {
      expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
    }

    const xlsx = await t
      .http()
      .get('/api/v1/reports/annual')
      .query({ year: 2025, format: 'xlsx' })
      .set(bearer(tk.office1))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const cells: unknown[] = [];
    wb.worksheets[0].eachRow((row) => row.eachCell((c) => cells.push(c.value)));
    for (const name of EVIL) expect(cells).toContain(`'${name}`);
    expect(cells.filter((v) => typeof v === 'string' && /^[=+\-@]/.test(v))).toEqual([]);
    expect(cells.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
  });
});
