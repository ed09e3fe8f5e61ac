import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { QueryFailedError, Repository } from 'typeorm';
import { CaseDataError, InvalidInputError, NotFoundError, PiiKeyring } from '#libs/common';
import type { CaseDocumentRenderedV1 } from '#libs/contracts';
import { ACTORS, caseHistory, startOnSqlite, type ServiceOnSqlite } from '../../../../test/support/definitions.js';
import type { Caller } from '#libs/runtime';
import { intakeService } from '../intake.module.js';
import { IntakeDocument } from './document.entities.js';
import type { IssuedDocument } from './issue-document.service.js';

const DAY = 86_400_000;
const PETITIONER = { name: '王五', idNumber: '45030219800101122X', phone: '13812345678', address: '阳和街道幸福小区 3 栋' };

/** Documents (文书) in intake on SQLite: numbers given once per case and kind, each rendering recorded. */
describe('issuing a document', () => {
  let intake: ServiceOnSqlite;
  beforeEach(async () => {
    intake = await startOnSqlite(intakeService({ timeZone: 'Asia/Shanghai', groupVisitThreshold: 5, pii: PiiKeyring.ephemeral() }));
  });
  afterEach(() => intake.stop());

  let n = 0;
  const register = async (petitioner: Record<string, unknown> = PETITIONER) =>
    (
      await intake.command('register-petition', {
        actor: ACTORS.reception,
        body: { channel: 'visit', petitioners: [petitioner], purpose: 'appeal', category: `cat-${++n}`, summary: '小区加装电梯补贴未发放', content: '……' },
      })
    ).caseId;
  const issue = (caseId: string, body: Record<string, unknown> = {}, actor: Caller = ACTORS.housing) =>
    intake.command('issue-document', { caseId, actor, body: { kind: 'acceptance-notice', format: 'docx', issuerUnitCode: 'housing', documentDate: '2024-11-04', ...body } });
  const data = (r: { data?: unknown }) => r.data as IssuedDocument;

  it('the first rendering gives 〔2024〕1号; rendering it again keeps the number, in either format', async () => {
    const id = await register();
    const first = await issue(id);
    expect(data(first)).toMatchObject({ number: '〔2024〕1号', year: 2024, sequence: 1, issuerUnitCode: 'housing', numbered: true });
    const again = await issue(id, { format: 'html', documentDate: '2025-01-02' }, ACTORS.office);
    expect(data(again)).toMatchObject({ number: '〔2024〕1号', sequence: 1, numbered: false });
    expect(await intake.dataSource.getRepository(IntakeDocument).count()).toBe(1);
  });

  it('numbers count per issuing unit, kind and year: two cases of one unit and kind are 1 and 2, another unit, kind or year starts at 1', async () => {
    const [a, b, c, d] = [await register(), await register(), await register(), await register()];
    expect(data(await issue(a)).number).toBe('〔2024〕1号');
    expect(data(await issue(b)).number).toBe('〔2024〕2号');
    expect(data(await issue(c, { issuerUnitCode: 'labour' })).number).toBe('〔2024〕1号');
    expect(data(await issue(c, { kind: 'receipt', issuerUnitCode: 'housing' })).number).toBe('〔2024〕1号');
    expect(data(await issue(d, { documentDate: '2025-01-03' })).number).toBe('〔2025〕1号');
    expect(data(await issue(d, { kind: 'receipt' })).number).toBe('〔2024〕2号');
  });

  it('renderings at once of different cases get different numbers, of the same case one number', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => register()));
    const numbers = await Promise.all(ids.map((id) => issue(id).then((r) => data(r).sequence)));
    expect([...numbers].sort()).toEqual([1, 2, 3, 4, 5]);
    const same = await Promise.all([1, 2, 3].map(() => issue(ids[0], { kind: 'receipt' }).then((r) => data(r).number)));
    expect(same).toEqual(['〔2024〕1号', '〔2024〕1号', '〔2024〕1号']);
  });

  it('a rendering the unique key refuses (another took the number, or this case’s, meanwhile) is done again from the start; five refusals are an error', async () => {
    const [a, b] = [await register(), await register()];
    const insert = Repository.prototype.insert;
    const unique = () => Object.assign(new QueryFailedError('INSERT', [], new Error('UNIQUE constraint failed')), { driverError: { code: 'SQLITE_CONSTRAINT_UNIQUE' } });
    let refusals = 1;
    let tries = 0;
    const spy = jest.spyOn(Repository.prototype, 'insert').mockImplementation(async function (this: Repository<object>, entity: never) {
      if (this.metadata.target === IntakeDocument && (entity as IntakeDocument).caseId === b) {
        tries++;
        if (refusals-- > 0) throw unique();
      }
      return insert.call(this, entity as never);
    } as never);
    try {
      expect(data(await issue(a)).number).toBe('〔2024〕1号');
      const r = await issue(b);
      expect([tries, data(r).number]).toEqual([2, '〔2024〕2号']);
      expect((await intake.committed(r.eventIds)).map((e) => e.type)).toEqual(['case.document-rendered']);
      refusals = 99;
      tries = 0;
      await expect(issue(b, { kind: 'receipt' })).rejects.toBeInstanceOf(QueryFailedError);
      expect(tries).toBe(5);
    } finally {
      spy.mockRestore();
    }
  });

  it('each rendering is recorded as case.document-rendered: who, which, the number, the format, the unit — and no personal data', async () => {
    const id = await register();
    const r = await issue(id, { format: 'html' });
    const [event] = await intake.committed(r.eventIds);
    expect(event).toMatchObject({ type: 'case.document-rendered', version: 1, caseId: id, actor: { username: 'housing1' } });
    expect(event.payload as CaseDocumentRenderedV1).toEqual({ kind: 'acceptance-notice', number: '〔2024〕1号', format: 'html', issuerUnitCode: 'housing' });
    expect(JSON.stringify(event)).not.toMatch(/45030219800101122X|13812345678|幸福小区|王五/);
  });

  it('answers the petitioners’ complete data, opened from what intake keeps sealed', async () => {
    const id = await register();
    expect(data(await issue(id)).petitioners).toEqual([PETITIONER]);
    const noId = await register({ name: '李四', phone: '13907712345' });
    expect(data(await issue(noId)).petitioners).toEqual([{ name: '李四', idNumber: null, phone: '13907712345', address: null }]);
  });

  it('keeps the closure’s own opinion for the handling opinion, whatever review opinion follows', async () => {
    const id = await register();
    const history = caseHistory(id, new Date(Date.now() - 10 * DAY), 'reviewed');
    await intake.deliver(...history.slice(1));
    expect(data(await issue(id, { kind: 'handling-opinion' })).handlingOpinion).toEqual({ kind: 'substantive', outcome: 'not-support', opinion: '不予支持' });
    expect(data(await issue(id, { kind: 'review-opinion' })).handlingOpinion).toBeNull();
    // Closed before intake kept opinions (no case.closed here), reviewed since: refused before anything is numbered or recorded.
    const older = await register();
    await expect(issue(older, { kind: 'handling-opinion', requireHandlingOpinion: true })).rejects.toBeInstanceOf(CaseDataError);
    expect(await intake.dataSource.getRepository(IntakeDocument).countBy({ caseId: older })).toBe(0);
  });

  it('refuses an unknown case (404) and bad input naming the field (400), writing nothing', async () => {
    await expect(issue('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    const id = await register();
    for (const [body, field] of [
      [{ kind: 'letter' }, 'kind'],
      [{ format: 'pdf' }, 'format'],
      [{ issuerUnitCode: '../x' }, 'issuerUnitCode'],
      [{ documentDate: '2024-02-30' }, 'documentDate'],
    ] as const) {
      const e = await issue(id, body).catch((x: unknown) => x);
      expect([field, e instanceof InvalidInputError && (e.details as { field: string }[])[0].field]).toEqual([field, field]);
    }
    expect(await intake.dataSource.getRepository(IntakeDocument).count()).toBe(0);
  });
});
