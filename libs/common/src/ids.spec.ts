import { idTime, newId } from './ids.js';

describe('newId', () => {
  it('is a version 7 UUID carrying its creation time', () => {
    const at = Date.UTC(2026, 10, 28, 1, 2, 3, 456);
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idTime(id)).toBe(at);
  });

  it('sorts by creation time, as text and as the database compares it', () => {
    const times = [0, 1, 65_535, 65_536, Date.UTC(2015, 0, 1), Date.UTC(2026, 10, 28), Date.UTC(2099, 11, 31)];
    const ids = times.map((t) => newId(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs between calls in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
