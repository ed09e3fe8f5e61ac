import { createEvent } from './codec.js';
import { toCaseFact } from './facts.js';

const actor = { username: 'housing1', roles: ['handler'] };

describe('the facts the deadlines read off the events (toCaseFact)', () => {
  it('an acceptance recorded now (case.accepted v2) leaves the petitioner to be told by serving the notice', () => {
    const e = createEvent('case.accepted', 'c1', { unitCode: 'housing', acceptedAt: '2024-09-10T02:00:00.000Z' }, actor, new Date());
    expect(e.version).toBe(2);
    expect(toCaseFact(e)).toEqual({ type: 'accepted', at: new Date('2024-09-10T02:00:00.000Z'), noticeToServe: true });
  });

  it('one recorded before the 已送达 mark (v1) keeps its meaning: accepting told the petitioner', () => {
    const e = { ...createEvent('case.accepted', 'c1', { unitCode: 'housing', acceptedAt: '2024-09-10T02:00:00.000Z' }, actor, new Date()), version: 1 };
    expect(toCaseFact(e)).toEqual({ type: 'accepted', at: new Date('2024-09-10T02:00:00.000Z') });
  });

  it('the documents served that the law counts from: the acceptance notice, the handling and the review opinion; no other', () => {
    const served = (kind: string) =>
      toCaseFact(createEvent('case.document-served', 'c1', { kind, number: '〔2024〕1号', servedOn: '2024-09-11', method: 'post', servedAt: '2024-09-11T15:59:59.999Z' }, actor, new Date()));
    const at = new Date('2024-09-11T15:59:59.999Z');
    expect(served('acceptance-notice')).toEqual({ type: 'acceptance-notified', at });
    expect(served('handling-opinion')).toEqual({ type: 'opinion-served', at, opinion: 'handling' });
    expect(served('review-opinion')).toEqual({ type: 'opinion-served', at, opinion: 'review' });
    expect(served('receipt')).toBeNull();
    expect(served('extension-notice')).toBeNull();
  });
});
