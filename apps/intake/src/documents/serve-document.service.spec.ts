import { servedInstant } from './serve-document.service.js';

const TZ = 'Asia/Shanghai';

describe('the instant a service counts from (servedInstant)', () => {
  it('served the office day it is recorded: the recording instant', () => {
    expect(servedInstant('2024-08-06', new Date('2024-08-06T09:30:00+08:00'), TZ).toISOString()).toBe('2024-08-06T01:30:00.000Z');
  });

  it('served on an earlier day: the last millisecond of that office day (after all of that day, before the next)', () => {
    expect(servedInstant('2024-08-06', new Date('2024-08-09T09:30:00+08:00'), TZ).toISOString()).toBe('2024-08-06T15:59:59.999Z');
  });

  it('the office day, not the UTC one: recorded 2024-08-07 07:00 in Beijing (still 08-06 in UTC) is the 7th', () => {
    const recorded = new Date('2024-08-07T07:00:00+08:00');
    expect(servedInstant('2024-08-07', recorded, TZ)).toEqual(recorded);
    expect(servedInstant('2024-08-06', recorded, TZ).toISOString()).toBe('2024-08-06T15:59:59.999Z');
  });
});
