import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/** GET /petitioners/cases: beside the registration form, the person's earlier and open cases. */
describe('person lookup', () => {
  let t: TestPlatform;
  let tk: Record<string, string>;
  const as = (who: string) => bearer(tk[who]);
  const post = (path: string, who: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const lookup = (who: string, query: Record<string, string>) => t.http().get('/api/v1/petitioners/cases').query(query).set(as(who));
  const lookups = () =>
    t.platform.services
      .find((s) => s.name === 'intake')!
      .app.get(DataSource)
      .query('SELECT * FROM intake_person_lookup ORDER BY askedAt');
  const person = { name: '孙八', idNumber: '45030219750505128X', phone: '13900001111' };
  let first: { id: string };
  let second: { id: string };

  beforeAll(async () => {
    t = await startTestPlatform();
    tk = await seedOffice(t);
    first = (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [person], receivedAt: new Date(Date.now() - 86_400_000).toISOString() })).expect(201)).body;
    // Another matter of the same person, under a second-level category: a case of its own.
    second = (await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [person], category: 'health.medical-disputes', summary: '医疗纠纷' })).expect(201)).body;
    await post(`/api/v1/petitions/${first.id}/decline`, 'office1', { reason: 'out-of-scope' }).expect(200);
    await post('/api/v1/petitions', 'reception1', walkIn({ petitioners: [{ name: '别人', idNumber: '450302197505051116', phone: '13900002222' }] })).expect(201);
  }, 60000);
  afterAll(() => t.stop());

  it('finds a person’s cases by identity number, newest first, each with its status, no personal numbers in the answer', async () => {
    const res = await lookup('reception1', { idNumber: person.idNumber }).expect(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [second.id, 'registered'],
      [first.id, 'declined'],
    ]);
    expect(res.body.items[0]).toMatchObject({ category: 'health.medical-disputes', petitioners: [{ name: '孙八' }], nextDeadline: { kind: 'route' } });
    expect(JSON.stringify(res.body)).not.toContain(person.idNumber);
    expect(JSON.stringify(res.body)).not.toContain(person.phone);
  });

  it('finds them by name and phone too; a person with no case gets an empty list', async () => {
    const res = await lookup('office1', { name: person.name, phone: person.phone }).expect(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([second.id, first.id]);
    expect((await lookup('reception1', { name: person.name, phone: '13900009999' }).expect(200)).body).toEqual({ items: [], total: 0 });
  });

  it('records every lookup: who asked, when, the kind of key, the key masked, how many cases', async () => {
    const before = (await lookups()).length;
    await lookup('reception1', { idNumber: person.idNumber }).expect(200);
    await lookup('office1', { name: person.name, phone: person.phone }).expect(200);
    const rows = (await lookups()).slice(before);
    expect(rows).toEqual([
      expect.objectContaining({ askedBy: 'reception1', keyKind: 'id-number', maskedKey: '450302********128X', resultCount: 2 }),
      expect.objectContaining({ askedBy: 'office1', keyKind: 'name-phone', maskedKey: '孙* / 139****1111', resultCount: 2 }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(person.idNumber);
  });

  it('needs an identity number, or a name and a phone (400 naming the field in Chinese)', async () => {
    expect((await lookup('reception1', {}).expect(400)).body).toMatchObject({ code: 'FIELD_INVALID', details: [{ field: 'idNumber', messages: ['请填写身份证号，或同时填写信访人姓名和联系电话'] }] });
    expect((await lookup('reception1', { name: person.name }).expect(400)).body.details[0].field).toBe('phone');
    expect((await lookup('reception1', { idNumber: '123' }).expect(400)).body.details[0].messages[0]).toBe('身份证号格式不正确（18 位，末位可为 X；或 15 位数字）');
  });

  it('is for reception and the petition office only', async () => {
    const before = (await lookups()).length;
    for (const who of ['housing1', 'leader1']) expect((await lookup(who, { idNumber: person.idNumber }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await lookups()).length).toBe(before);
    await lookup('admin', { idNumber: person.idNumber }).expect(200);
  });
});
