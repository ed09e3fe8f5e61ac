import { QueryFailedError } from 'typeorm';
import { isDeadlockVictim, isUniqueViolation } from './driver-errors.js';

const failed = (driverError: object) => Object.assign(new QueryFailedError('INSERT', [], new Error('x')), { driverError });

describe('what a driver error means', () => {
  it('a unique or primary key refusal, on SQLite and MySQL/MariaDB', () => {
    for (const d of [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }, { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }, { code: 'ER_DUP_ENTRY' }, { errno: 1062 }])
      expect([d, isUniqueViolation(failed(d))]).toEqual([d, true]);
    expect(isUniqueViolation(failed({ code: 'ER_LOCK_DEADLOCK', errno: 1213 }))).toBe(false);
    expect(isUniqueViolation(new Error('ER_DUP_ENTRY'))).toBe(false);
  });

  it('a deadlock victim (MySQL/MariaDB)', () => {
    expect(isDeadlockVictim(failed({ code: 'ER_LOCK_DEADLOCK' }))).toBe(true);
    expect(isDeadlockVictim(failed({ errno: 1213 }))).toBe(true);
    expect(isDeadlockVictim(failed({ code: 'ER_DUP_ENTRY', errno: 1062 }))).toBe(false);
  });
});
