import { describe, expect, it } from '@jest/globals';
import { createEvent, decodeEvent, encodeEvent } from './codec.js';

/** A consumer refuses an event whose dates are not real (it is dead-lettered, never applied half-way). */
describe('event schemas check dates and instants for real', () => {
  const actor = { username: 'office1', roles: ['office'], unitCode: null };
  const routed = (payload: Record<string, unknown>) =>
    encodeEvent(
      createEvent(
        'case.routed',
        '01a2b3c4-0000-7000-8000-000000000001',
        { mode: 'assign', unitCode: 'housing', routedAt: '2024-09-19T01:00:00.000Z', ...payload } as never,
        actor,
        new Date('2024-09-19T01:00:00Z'),
      ),
    );

  it('accepts real dates and instants, with Z or an offset', () => {
    expect(decodeEvent(routed({ feedbackDueAt: '2024-02-29' })).type).toBe('case.routed');
    expect(decodeEvent(routed({ routedAt: '2024-09-19T09:00:00+08:00' })).type).toBe('case.routed');
  });

  it.each([
    ['feedbackDueAt', '2024-02-30'],
    ['feedbackDueAt', '2024-13-45'],
    ['feedbackDueAt', '2023-02-29'],
    ['routedAt', '2024-02-30T10:00:00Z'],
    ['routedAt', '2024-09-19T25:00:00Z'],
    ['routedAt', '2024-09-19T10:00:00'],
  ])('refuses %s = %s, naming it', (field, value) => {
    expect(() => decodeEvent(routed({ [field]: value }))).toThrow(field);
  });

  it('refuses an envelope whose occurredAt is not a real instant', () => {
    const raw = JSON.parse(routed({})) as Record<string, unknown>;
    expect(() => decodeEvent(JSON.stringify({ ...raw, occurredAt: '2024-02-30T00:00:00.000Z' }))).toThrow('occurredAt');
  });
});
