import { describe, expect, it } from '@jest/globals';
import { KeyObject } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { jwtSigningKey } from './gateway.module.js';

const SECRET = 'a-jwt-secret-of-at-least-32-characters!';

describe('the JWT key (issue 11: 12 % of the gateway in crypto.createPublicKey)', () => {
  it('is a secret KeyObject made once from the secret’s bytes, which jsonwebtoken uses as it is', () => {
    const key = jwtSigningKey(SECRET);
    expect(key).toBeInstanceOf(KeyObject);
    expect(key.type).toBe('secret');
    expect(key.export().equals(Buffer.from(SECRET, 'utf8'))).toBe(true);
  });

  it('tokens signed with the string secret (before the upgrade) verify with the key, and the other way round', async () => {
    const before = new JwtService({ secret: SECRET });
    const after = new JwtService({ secret: jwtSigningKey(SECRET) });
    const old = await before.signAsync({ sub: 'reception1' });
    expect(await after.verifyAsync(old)).toMatchObject({ sub: 'reception1' });
    expect(await before.verifyAsync(await after.signAsync({ sub: 'office1' }))).toMatchObject({ sub: 'office1' });
    await expect(new JwtService({ secret: jwtSigningKey(`${SECRET}-other`) }).verifyAsync(old)).rejects.toThrow();
  });
});
