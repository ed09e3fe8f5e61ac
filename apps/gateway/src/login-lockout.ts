import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { LoginFailureRecord } from './gateway.entities.js';
import { accountSettings, GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';

/**
 * Lockout after repeated failed logins: LOGIN_MAX_FAILURES failures of one username within
 * LOGIN_FAILURE_WINDOW_MINUTES lock it for LOGIN_LOCKOUT_MINUTES (or until an admin unlocks it).
 * Counted in the database, so every gateway replica sees the same count; counted for unknown
 * usernames too, so a lockout does not tell which usernames exist.
 */
@Injectable()
export class LoginLockout {
  constructor(
    @InjectRepository(LoginFailureRecord) private readonly failures: Repository<LoginFailureRecord>,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  private get policy() {
    return accountSettings(this.settings);
  }

  /** When the lock on `key` ends, if it is locked now. */
  async lockedUntil(key: string, now = new Date()): Promise<Date | null> {
    const row = await this.failures.findOneBy({ usernameKey: key });
    return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
  }

  /** Locks now in force for these keys (the admin's user list). */
  async locks(keys: string[], now = new Date()): Promise<Map<string, Date>> {
    if (!keys.length) return new Map();
    const rows = await this.failures.findBy({ usernameKey: In(keys) });
    return new Map(rows.filter((r) => r.lockedUntil && r.lockedUntil > now).map((r) => [r.usernameKey, r.lockedUntil!]));
  }

  /** Counts one failure; answers the lock it led to, if this failure is the one that locked. */
  async failed(key: string, now = new Date()): Promise<{ lockedUntil: Date | null; failures: number }> {
    const { maxFailures, failureWindowSeconds, lockoutSeconds } = this.policy;
    const row = await this.failures.findOneBy({ usernameKey: key });
    const windowOver = !row || row.windowStartedAt.getTime() + failureWindowSeconds * 1000 <= now.getTime() || (row.lockedUntil !== null && row.lockedUntil <= now);
    if (windowOver) {
      const fresh = { usernameKey: key, failures: 1, windowStartedAt: now, lockedUntil: null };
      if (row) await this.failures.update({ usernameKey: key }, fresh);
      else {
        try {
          await this.failures.insert(fresh);
        } catch {
          // another attempt inserted it at the same moment: count on top of it
          await this.failures.increment({ usernameKey: key }, 'failures', 1);
        }
      }
    } else {
      // one UPDATE … SET failures = failures + 1: concurrent failures are all counted
      await this.failures.increment({ usernameKey: key }, 'failures', 1);
    }
    const after = (await this.failures.findOneBy({ usernameKey: key }))!;
    if (after.failures >= maxFailures && after.lockedUntil === null) {
      const until = new Date(now.getTime() + lockoutSeconds * 1000);
      await this.failures.update({ usernameKey: key }, { lockedUntil: until });
      return { lockedUntil: until, failures: after.failures };
    }
    return { lockedUntil: null, failures: after.failures };
  }

  /** A successful login, or an admin's unlock or password reset, starts the count afresh. Answers whether it was locked. */
  async clear(key: string, now = new Date()): Promise<boolean> {
    const locked = (await this.lockedUntil(key, now)) !== null;
    await this.failures.delete({ usernameKey: key });
    return locked;
  }
}
