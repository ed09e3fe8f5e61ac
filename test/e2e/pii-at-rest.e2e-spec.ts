import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, maskIdNumber, maskPhone, parsePiiKeyList } from '#libs/common';
import { EmbeddedConfig } from '#libs/runtime';
import { addEmbeddedKey, retireEmbeddedKeys, rotatePii } from '../../apps/pii-rotate/src/rotate.js';
import { embeddedPiiKeyring, PII_KEY_FILE } from '../../apps/embedded/src/embedded.js';
import { bearer, login, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/** An 18-character identity number with its GB 11643 check character. */
function idNumber(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** The people of the day: one walks in twice, six come as a group, one writes without an identity number. */
const people = [
  { name: '韦明', idNumber: idNumber('45030219850312001'), phone: '13977012345', address: '桂林市象山区中华路街道文昌里 8 栋 302 室' },
  ...[0, 1, 2, 3, 4, 5].map((i) => ({ name: `黄村民${i}`, idNumber: idNumber(`4503231970011${i}00${i}`), phone: `1357701000${i}`, address: `灵川县定江镇路莫村${i + 1}组` })),
];
const letterWriter = { name: '蒙桂芳', phone: '0773-2834567', address: '七星区穿山街道穿山村委会二组 17 号' };

/** Each clear value and the ways it might sit in a file: other case of X, with or without separators, +86, JSON-escaped, UTF-16, base64. */
function variants(value: string): string[] {
  const out = new Set<string>([value, value.toLowerCase(), value.toUpperCase()]);
  const digits = value.replace(/\D/g, '');
  if (digits.length >= 7 && /^[\d\s()+-]+$/.test(value)) {
    out.add(digits);
    if (/^1\d{10}$/.test(digits))
      for (const v of [`+86${digits}`, `86${digits}`, `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`, `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`]) out.add(v);
  }
  if (/[\u0080-\uffff]/.test(value)) {
    out.add(
      JSON.stringify(value)
        .slice(1, -1)
        .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    );
    // A distinctive part of an address (a careless split of the value would leave it).
    out.add(value.slice(-8));
  }
  out.add(Buffer.from(value).toString('base64'));
  return [...out];
}

const needles = (() => {
  const values = [...people.flatMap((p) => [p.idNumber, p.phone, p.address]), letterWriter.phone, letterWriter.address];
  return values.flatMap((v) => variants(v).map((form) => ({ value: v, form, utf8: Buffer.from(form, 'utf8'), utf16: Buffer.from(form, 'utf16le') })));
})();

/** Every file under the data directory, as raw bytes (SQLite files with their -wal and -shm). */
function filesOf(dir: string): string[] {
  // Files and directories; the control socket (nothing stored in it) is not a file.
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesOf(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

function clearValuesIn(dir: string): string[] {
  const found: string[] = [];
  for (const file of filesOf(dir)) {
    const bytes = readFileSync(file);
    for (const n of needles)
      if (bytes.includes(n.utf8) || bytes.includes(n.utf16)) found.push(`${file.slice(dir.length + 1)}: ${maskIdNumber(n.value)} as "${n.form.length > 6 ? n.form.slice(0, 3) + '…' : '…'}"`);
  }
  return found;
}

const sink = () => {
  let text = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += chunk.toString()), done()) });
  return { stream, text: () => text };
};

/**
 * Personal data at rest in embedded mode: after an office day (registrations with identity
 * numbers, phones and addresses, a group visit, a repeat visit, person searches, route, accept,
 * close, the annual export), no file under DATA_DIR — every SQLite file with its WAL, read as
 * raw bytes — holds an identity number, phone or address in clear; every file is 600 and the
 * directory 700; the API still shows the masked values and finds the person's cases; a value
 * sealed under an old key still opens after a rotation, and the rotation command re-seals it.
 */
describe('personal data at rest (embedded)', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  let dataDir: string;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const get = (path: string, who: string, query: Record<string, string | number> = {}) => t.http().get(path).query(query).set(as(who));
  let walkInCase: string;
  let groupCase: string;
  let letterCase: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    dataDir = t.dataDir;
    tk = await seedOffice(t);
    const year = new Date().getFullYear();
    const today = new Date().toISOString().slice(0, 10);
    const session = (await post('/api/v1/reception-sessions', 'office1', { kind: 'leader-day', leader: '李副市长', date: today }).expect(201)).body;
    walkInCase = (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [people[0]], receptionSessionId: session.id })).expect(201)).body.id;
    groupCase = (
      await post(
        '/api/v1/petitions',
        'reception1',
        walkIn({ petitioners: people.slice(1), headcount: 6, category: 'land-resources.land-requisition', summary: '土地征收补偿款未到位', content: '路莫村村民集体反映征地补偿款至今未到位。' }),
      ).expect(201)
    ).body.id;
    letterCase = (await post('/api/v1/petitions', 'reception1', walkIn({ channel: 'letter', petitioners: [letterWriter], summary: '噪声扰民', content: '夜间施工噪声扰民。' })).expect(201)).body.id;
    // The same person on the same matter again: a repeat contact of the open case (the blind index finds it).
    const again = (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ ...people[0], idNumber: people[0].idNumber.toLowerCase(), phone: '139 7701 2345' }] })).expect(200)).body;
    expect(again.id).toBe(walkInCase);
    expect(again.repeatContacts).toBe(1);
    await post(`/api/v1/petitions/${walkInCase}/route`, 'office1', { mode: 'transfer', unitCode: 'housing' }).expect(200);
    await post(`/api/v1/petitions/${walkInCase}/accept`, 'housing1').expect(200);
    await post(`/api/v1/petitions/${walkInCase}/close`, 'housing1', { kind: 'substantive', outcome: 'support', opinion: '已协调落实。' }).expect(200);
    await post(`/api/v1/petitions/${groupCase}/route`, 'office1', { mode: 'assign', unitCode: 'labour' }).expect(200);
    for (const format of ['csv', 'xlsx', 'text']) await get('/api/v1/reports/annual', 'office1', { year, format }).expect(200);
    await get('/api/v1/reports/summary', 'leader1', { from: `${year}-01-01`, to: `${year}-12-31` }).expect(200);
  }, 120_000);

  afterAll(() => t?.stop());

  it('shows the petitioners masked as before (in clear to the admin) and finds a person’s cases by identity number or name and phone', async () => {
    const view = (await get(`/api/v1/petitions/${walkInCase}`, 'office1').expect(200)).body;
    expect(view.petitioners).toEqual([{ name: people[0].name, idNumber: maskIdNumber(people[0].idNumber), phone: maskPhone(people[0].phone), address: people[0].address }]);
    const group = (await get(`/api/v1/petitions/${groupCase}`, 'labour1').expect(200)).body;
    expect(group.groupVisit).toBe(true);
    expect(group.petitioners.map((p: { idNumber: string }) => p.idNumber)).toEqual(people.slice(1).map((p) => maskIdNumber(p.idNumber)));
    const admin = (await get(`/api/v1/petitions/${letterCase}`, 'admin').expect(200)).body;
    expect(admin.petitioners).toEqual([{ name: letterWriter.name, idNumber: null, phone: letterWriter.phone, address: letterWriter.address }]);

    const byId = (await get('/api/v1/petitioners/cases', 'reception1', { idNumber: people[0].idNumber.toLowerCase() }).expect(200)).body;
    expect(byId.items.map((i: { id: string }) => i.id)).toEqual([walkInCase]);
    const byPhone = (await get('/api/v1/petitioners/cases', 'office1', { name: people[3].name, phone: people[3].phone }).expect(200)).body;
    expect(byPhone.items.map((i: { id: string }) => i.id)).toEqual([groupCase]);
    const letter = (await get('/api/v1/petitioners/cases', 'office1', { name: letterWriter.name, phone: letterWriter.phone }).expect(200)).body;
    expect(letter.items.map((i: { id: string }) => i.id)).toEqual([letterCase]);
  });

  it('leaves no identity number, phone or address in clear in any file of DATA_DIR, WAL included, while running and after the stop', async () => {
    const files = filesOf(dataDir);
    // The write-ahead logs are there and hold the day (this is not a check of empty files).
    const wals = files.filter((f) => f.endsWith('-wal'));
    expect(wals.map((f) => f.slice(dataDir.length + 1)).sort()).toEqual(expect.arrayContaining(['intake.sqlite-wal', 'reporting.sqlite-wal']));
    expect(wals.reduce((n, f) => n + statSync(f).size, 0)).toBeGreaterThan(100_000);
    expect(needles.length).toBeGreaterThan(80);
    // The search itself finds a clear value where there is one (in either encoding).
    const control = mkdtempSync(join(tmpdir(), 'pii-control-'));
    writeFileSync(join(control, 'a.bin'), Buffer.concat([Buffer.from('x'), Buffer.from(people[2].address, 'utf16le'), Buffer.from(`{"phone":"${letterWriter.phone}"}`)]));
    expect(clearValuesIn(control)).toHaveLength(3); // the address, its last part, the phone
    rmSync(control, { recursive: true });
    expect(clearValuesIn(dataDir)).toEqual([]);
    // What is there instead: sealed values.
    expect(Buffer.concat(files.map((f) => readFileSync(f))).includes(Buffer.from('pii:v1:k1:'))).toBe(true);

    await t.platform.close();
    expect(clearValuesIn(dataDir)).toEqual([]);
    t = await startTestPlatform({}, dataDir);
    tk.office1 = await login(t, 'office1', 'office1-pass');
  }, 60_000);

  it('keeps every file of DATA_DIR at mode 600 and the directory at 700 (SQLite files, their -wal and -shm, the keys)', () => {
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
    const modes = filesOf(dataDir).map((f) => `${f.slice(dataDir.length + 1)} ${(statSync(f).mode & 0o777).toString(8)}`);
    expect(modes.some((m) => m.startsWith('pii-keys '))).toBe(true);
    expect(modes.some((m) => m.startsWith('jwt-secret '))).toBe(true);
    expect(modes.some((m) => m.startsWith('intake.sqlite-shm '))).toBe(true);
    expect(modes.filter((m) => !m.endsWith(' 600'))).toEqual([]);
  });

  it('opens what an old key sealed after a new key comes in, and pii:rotate re-seals it under the new key (progress bar, resumable)', async () => {
    await t.stop({ keepData: true });
    const config = loadConfig(EmbeddedConfig, { DATA_DIR: dataDir });
    expect(addEmbeddedKey(dataDir, PII_KEY_FILE)).toBe('k2');
    expect(parsePiiKeyList(readFileSync(join(dataDir, PII_KEY_FILE), 'utf8')).map((k) => k.id)).toEqual(['k2', 'k1']);

    // k2 seals from now on; what k1 sealed still opens, and the person search still finds it.
    t = await startTestPlatform({}, dataDir);
    tk.office1 = await login(t, 'office1', 'office1-pass');
    tk.reception1 = await login(t, 'reception1', 'reception1-pass');
    expect((await get(`/api/v1/petitions/${walkInCase}`, 'office1').expect(200)).body.petitioners[0].idNumber).toBe(maskIdNumber(people[0].idNumber));
    expect((await get('/api/v1/petitioners/cases', 'reception1', { idNumber: people[0].idNumber }).expect(200)).body.total).toBe(1);
    const newer = (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '新来访人', idNumber: idNumber('45030519900505002'), phone: '13877000002' }] })).expect(201)).body.id;
    await t.stop({ keepData: true });
    const bytes = () => Buffer.concat(filesOf(dataDir).map((f) => readFileSync(f)));
    expect(bytes().includes(Buffer.from('pii:v1:k1:'))).toBe(true);
    expect(bytes().includes(Buffer.from('pii:v1:k2:'))).toBe(true);

    const out = sink();
    const first = await rotatePii({ db: { driver: 'sqlite', dataDir }, pii: embeddedPiiKeyring(config, dataDir), batchSize: 3, output: out.stream });
    expect(first.keyId).toBe('k2');
    expect(first.rewritten).toBeGreaterThan(0);
    expect(first.left).toBe(0);
    expect(out.text()).toMatch(/re-sealing personal data under k2 \|.*\| 100% \| (\d+)\/\1 rows/);
    // Resumable: a second run finds everything under k2 and writes nothing.
    const second = await rotatePii({ db: { driver: 'sqlite', dataDir }, pii: embeddedPiiKeyring(config, dataDir), batchSize: 3, output: sink().stream });
    expect(second).toMatchObject({ rewritten: 0, left: 0, scanned: first.scanned });
    // Nothing sealed under k1 is left in any file (free pages zeroed, WAL checkpointed), and nothing in clear.
    expect(bytes().includes(Buffer.from('pii:v1:k1:'))).toBe(false);
    expect(clearValuesIn(dataDir)).toEqual([]);

    // k1 retired: everything still opens and is still found, under k2 alone.
    retireEmbeddedKeys(dataDir, PII_KEY_FILE, 'k2');
    expect(parsePiiKeyList(readFileSync(join(dataDir, PII_KEY_FILE), 'utf8')).map((k) => k.id)).toEqual(['k2']);
    t = await startTestPlatform({}, dataDir);
    tk.office1 = await login(t, 'office1', 'office1-pass');
    tk.admin = await login(t, 'admin', 'admin-e2e-password');
    expect((await get(`/api/v1/petitions/${walkInCase}`, 'admin').expect(200)).body.petitioners[0]).toMatchObject({ idNumber: people[0].idNumber, phone: people[0].phone, address: people[0].address });
    expect((await get(`/api/v1/petitions/${newer}`, 'office1').expect(200)).body.petitioners[0].phone).toBe(maskPhone('13877000002'));
    expect((await get('/api/v1/petitioners/cases', 'office1', { name: people[3].name, phone: people[3].phone }).expect(200)).body.items.map((i: { id: string }) => i.id)).toEqual([groupCase]);
  }, 120_000);
});
