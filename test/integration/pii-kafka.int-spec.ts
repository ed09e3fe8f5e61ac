import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { isSealed, maskIdNumber, maskPhone, PiiKeyring } from '#libs/common';
import { deadLetterTopic } from '#libs/contracts';
import { Writable } from 'node:stream';
import { mysqlConfigFromUrl } from '#libs/persistence';
import { rotatePii } from '../../apps/pii-rotate/src/rotate.js';
import { Cluster, SERVICES } from './support/cluster.js';
import { MYSQL_URL, requireInfrastructure } from './support/infra.js';
import { readTopicToEnd, waitForGroupsPast } from './support/kafka-reader.js';

const T = 180_000;

/** An 18-character identity number with its GB 11643 check character. */
function idNumber(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return first17 + '10X98765432'[[...first17].reduce((s, d, i) => s + Number(d) * w[i], 0) % 11];
}

const group = [0, 1, 2, 3, 4, 5].map((i) => ({ name: `覃村民${i}`, idNumber: idNumber(`4503241968020${i + 1}00${i}`), phone: `1367702000${i}`, address: `兴安县溶江镇司门村${i + 1}组 ${i + 10} 号` }));
const writer = { name: '莫桂兰', phone: '0773-5812345', address: '叠彩区北门街道东镇路 21 号' };
const CLEAR = [...group.flatMap((p) => [p.idNumber, p.phone, p.address]), writer.phone, writer.address];

/** A clear value and its common other forms: lower-case x, digits only, +86, JSON \u escapes. */
function forms(value: string): string[] {
  const out = new Set([value, value.toLowerCase()]);
  const digits = value.replace(/\D/g, '');
  if (/^[\d\s-]+$/.test(value)) out.add(digits);
  if (/^1\d{10}$/.test(digits)) out.add(`+86${digits}`);
  if (/[\u0080-\uffff]/.test(value)) {
    out.add(
      JSON.stringify(value)
        .slice(1, -1)
        .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    );
    out.add(value.slice(-6));
  }
  return [...out];
}
const NEEDLES = CLEAR.flatMap((v) => forms(v).map((form) => ({ value: v, form })));
/** Where clear values were found (masked in the report: the test's own output holds no personal data). */
const clearIn = (where: string, text: string) => NEEDLES.filter((n) => text.includes(n.form)).map((n) => `${where}: ${maskIdNumber(maskPhone(n.value))}`);

/**
 * Distributed mode: after a group visit and a letter are registered and routed, the run's
 * Kafka topic (and its dead-letter topic) and every table of every service's MariaDB schema
 * hold no identity number, phone or address in clear; the case.registered event carries them
 * sealed under the configured key; the API still shows them masked and finds the person.
 */
describe('personal data on Kafka and in MariaDB (distributed)', () => {
  const cluster = new Cluster({ READ_YOUR_WRITES_TIMEOUT_MS: '8000' });
  const tokens: Record<string, string> = {};
  const http = () => request(cluster.url);
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  let groupCase: string;
  let letterCase: string;

  beforeAll(async () => {
    await requireInfrastructure();
    await cluster.startAll();
    tokens.admin = (await http().post('/api/v1/auth/login').send({ username: 'admin', password: cluster.adminPassword }).expect(200)).body.accessToken;
    await http().post('/api/v1/units').set(auth('admin')).send({ code: 'housing', name: '住房和城乡建设局' }).expect(201);
    for (const u of [
      { username: 'reception1', roles: ['reception'] },
      { username: 'office1', roles: ['office'] },
    ]) {
      await http()
        .post('/api/v1/users')
        .set(auth('admin'))
        .send({ ...u, displayName: u.username, password: `${u.username}-password` })
        .expect(201);
      tokens[u.username] = (
        await http()
          .post('/api/v1/auth/login')
          .send({ username: u.username, password: `${u.username}-password` })
          .expect(200)
      ).body.accessToken;
    }
    const base = { purpose: 'appeal', category: 'urban-rural-construction', summary: '安置房质量问题', content: '群众反映安置房屋顶漏水。' };
    groupCase = (
      await http()
        .post('/api/v1/petitions')
        .set(auth('reception1'))
        .send({ ...base, channel: 'visit', petitioners: group, headcount: 6 })
        .expect(201)
    ).body.id;
    letterCase = (
      await http()
        .post('/api/v1/petitions')
        .set(auth('reception1'))
        .send({ ...base, channel: 'letter', petitioners: [writer] })
        .expect(201)
    ).body.id;
    await http().post(`/api/v1/petitions/${groupCase}/route`).set(auth('office1')).send({ mode: 'transfer', unitCode: 'housing' }).expect(200);
  }, T);

  afterAll(async () => {
    await cluster.stopAll();
    await cluster.cleanup();
  }, T);

  it(
    'shows the petitioners masked and finds the person through the blind index',
    async () => {
      const view = (await http().get(`/api/v1/petitions/${groupCase}`).set(auth('office1')).expect(200)).body;
      expect(view.petitioners.map((p: { idNumber: string; phone: string }) => [p.idNumber, p.phone])).toEqual(group.map((p) => [maskIdNumber(p.idNumber), maskPhone(p.phone)]));
      expect(view.petitioners[0].address).toBe(group[0].address);
      const byId = (await http().get('/api/v1/petitioners/cases').query({ idNumber: group[4].idNumber }).set(auth('reception1')).expect(200)).body;
      expect(byId.items.map((i: { id: string }) => i.id)).toEqual([groupCase]);
      const byPhone = (await http().get('/api/v1/petitioners/cases').query({ name: writer.name, phone: writer.phone }).set(auth('office1')).expect(200)).body;
      expect(byPhone.items.map((i: { id: string }) => i.id)).toEqual([letterCase]);
    },
    T,
  );

  it(
    'puts no personal data in clear on the topic: case.registered carries it sealed under PII_KEY',
    async () => {
      const messages = await readTopicToEnd(cluster.topic);
      const registered = messages.map((m) => JSON.parse(m.value)).filter((e) => e.type === 'case.registered');
      expect(registered.map((e) => e.caseId).sort()).toEqual([groupCase, letterCase].sort());
      const pii = new PiiKeyring({ id: 'it1', key: Buffer.from(cluster.piiKey, 'base64') });
      const sealedGroup = registered.find((e) => e.caseId === groupCase).payload.petitioners as Record<string, string>[];
      expect(sealedGroup.map((p) => [p.name, pii.open('id-number', p.idNumber), pii.open('phone', p.phone), pii.open('address', p.address)])).toEqual(
        group.map((p) => [p.name, p.idNumber, p.phone, p.address]),
      );
      for (const p of sealedGroup) for (const f of ['idNumber', 'phone', 'address']) expect(p[f]).toMatch(/^pii:v1:it1:/);
      expect(messages.flatMap((m, i) => clearIn(`${cluster.topic}[${i}]`, m.value))).toEqual([]);
      // Every consumer took the events as they are (none dead-lettered), and the topic of dead letters holds no clear value either.
      const last = messages.filter((m) => m.partition === messages[messages.length - 1].partition).pop()!;
      await waitForGroupsPast(cluster.topic, SERVICES, last.partition, last.offset);
      const dead = await readTopicToEnd(deadLetterTopic(cluster.topic));
      expect(dead.flatMap((m, i) => clearIn(`dlt[${i}]`, m.value))).toEqual([]);
      expect(dead).toEqual([]);
    },
    T,
  );

  it(
    'keeps no personal data in clear in any table of any service’s MariaDB schema',
    async () => {
      // Every service has applied every event (its effect is in) before the tables are read.
      const messages = await readTopicToEnd(cluster.topic);
      for (const partition of new Set(messages.map((m) => m.partition))) {
        const last = messages.filter((m) => m.partition === partition).pop()!;
        await waitForGroupsPast(cluster.topic, SERVICES, partition, last.offset);
      }
      const found: string[] = [];
      let rows = 0;
      for (const service of [...SERVICES, 'gateway']) {
        const tables = await cluster.query<{ name: string }>(service, 'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
        for (const { name } of tables) {
          const all = await cluster.query(service, `SELECT * FROM \`${name}\``);
          rows += all.length;
          found.push(...clearIn(`${service}.${name}`, JSON.stringify(all)));
        }
      }
      expect(rows).toBeGreaterThan(20);
      expect(found).toEqual([]);
      // What intake keeps instead: sealed values and their blind indexes.
      const petitioners = await cluster.query<Record<string, string>>('intake', 'SELECT * FROM intake_petitioner');
      expect(petitioners).toHaveLength(7);
      for (const p of petitioners) {
        expect(isSealed(p.phone)).toBe(true);
        expect(p.namePhoneHmac).toMatch(/^[0-9a-f]{64}$/);
      }
      const [rpt] = await cluster.query<{ petitioners: string }>('reporting', 'SELECT petitioners FROM rpt_case WHERE id = ?', [groupCase]);
      expect(JSON.parse(rpt.petitioners).every((p: { idNumber: string }) => isSealed(p.idNumber))).toBe(true);
    },
    T,
  );

  it(
    'rotates on MariaDB: pii:rotate re-seals every value under a new key, in batches, and a second run writes nothing',
    async () => {
      const old = { id: 'it1', key: Buffer.from(cluster.piiKey, 'base64') };
      const next = new PiiKeyring({ id: 'it2', key: PiiKeyring.generateKey() }, [old]);
      const db = mysqlConfigFromUrl(`${MYSQL_URL.endsWith('/') ? MYSQL_URL : MYSQL_URL + '/'}${cluster.dbPrefix}`);
      let bar = '';
      const output = new Writable({ write: (chunk, _e, done) => ((bar += chunk.toString()), done()) });
      const first = await rotatePii({ db, pii: next, batchSize: 2, output });
      expect(first).toMatchObject({ keyId: 'it2', left: 0 });
      expect(first.rewritten).toBeGreaterThanOrEqual(7 + 2); // the petitioner rows, the outbox's two case.registered
      expect(bar).toMatch(/\| 100% \| (\d+)\/\1 rows/);
      expect(await rotatePii({ db, pii: next, batchSize: 2, output: new Writable({ write: (_c, _e, done) => done() }) })).toMatchObject({ rewritten: 0, left: 0 });
      const rows = await cluster.query<Record<string, string>>('intake', 'SELECT * FROM intake_petitioner');
      const byName = new Map(rows.map((r) => [r.name, r]));
      for (const p of group) {
        const r = byName.get(p.name)!;
        expect([r.idNumber, r.phone, r.address].every((v) => v.startsWith('pii:v1:it2:'))).toBe(true);
        expect(next.open('id-number', r.idNumber)).toBe(p.idNumber);
        expect(r.idNumberHmac).toBe(next.index('id-number', p.idNumber));
      }
      const [rpt] = await cluster.query<{ petitioners: string }>('reporting', 'SELECT petitioners FROM rpt_case WHERE id = ?', [letterCase]);
      expect(next.open('phone', JSON.parse(rpt.petitioners)[0].phone)).toBe(writer.phone);
    },
    T,
  );
});
