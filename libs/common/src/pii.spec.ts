import { describe, expect, it } from '@jest/globals';
import { isSealed, normalisePii, parsePiiKey, parsePiiKeyList, PiiError, PiiKeyring, sealedKeyId, SEALED_RE } from './pii.js';

const ID = '45030219800101123X';
const key = (byte: number) => Buffer.alloc(32, byte);

describe('PII sealing (AES-256-GCM)', () => {
  const ring = new PiiKeyring({ id: 'k1', key: key(1) });

  it('round-trips every kind, self-describing with the key id, a fresh IV each time', () => {
    for (const [kind, clear] of [
      ['id-number', ID],
      ['phone', '13812345678'],
      ['address', '广西壮族自治区桂林市阳和街道 12 号 🏠'],
    ] as const) {
      const a = ring.seal(kind, clear);
      const b = ring.seal(kind, clear);
      expect(a).toMatch(SEALED_RE);
      expect(a.startsWith('pii:v1:k1:')).toBe(true);
      expect(a).not.toBe(b); // random 96-bit IV per value
      expect(a).not.toContain(clear);
      expect(ring.open(kind, a)).toBe(clear);
      expect(sealedKeyId(a)).toBe('k1');
    }
    expect(ring.seal('phone', '').length).toBeGreaterThan(0);
    expect(ring.open('phone', ring.seal('phone', ''))).toBe('');
  });

  it('refuses a wrong key, a tampered tag, IV or ciphertext, and another field kind', () => {
    const sealed = ring.seal('id-number', ID);
    const other = new PiiKeyring({ id: 'k1', key: key(2) });
    expect(() => other.open('id-number', sealed)).toThrow(PiiError);
    const [p, v, kid, iv, ct, tag] = sealed.split(':');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [
      [p, v, kid, iv, ct, flip(tag)],
      [p, v, kid, flip(iv), ct, tag],
      [p, v, kid, iv, flip(ct), tag],
    ]) {
      expect(() => ring.open('id-number', bad.join(':'))).toThrow(PiiError);
    }
    // The field kind is authenticated: an identity number does not open as a phone.
    expect(() => ring.open('phone', sealed)).toThrow(/another kind of field/);
    expect(() => ring.open('id-number', 'pii:v1:k9:' + sealed.split(':').slice(3).join(':'))).toThrow(/no key k9/);
    expect(() => ring.open('id-number', ID)).toThrow(/not a sealed value/);
  });

  it('rotates: the new key seals, an old key still opens what it sealed, reseal moves values to the current key', () => {
    const old = ring.seal('phone', '13812345678');
    const rotated = new PiiKeyring({ id: 'k2', key: key(3) }, [{ id: 'k1', key: key(1) }]);
    expect(rotated.open('phone', old)).toBe('13812345678');
    const fresh = rotated.seal('phone', '13812345678');
    expect(sealedKeyId(fresh)).toBe('k2');
    const resealed = rotated.reseal('phone', old)!;
    expect(sealedKeyId(resealed)).toBe('k2');
    expect(rotated.reseal('phone', resealed)).toBe(resealed); // already current: left as it is
    expect(new PiiKeyring({ id: 'k2', key: key(3) }).open('phone', resealed)).toBe('13812345678');
    expect(() => new PiiKeyring({ id: 'k2', key: key(3) }).open('phone', old)).toThrow(/no key k1/);
    expect(() => new PiiKeyring({ id: 'k1', key: key(1) }, [{ id: 'k1', key: key(2) }])).toThrow(/twice/);
  });

  it('keeps sealed values and empties as they are, reveals values written before encryption', () => {
    const sealed = ring.seal('address', '阳和街道');
    expect(ring.sealOptional('address', sealed)).toBe(sealed);
    expect(ring.sealOptional('address', null)).toBeNull();
    expect(ring.sealOptional('address', undefined)).toBeNull();
    expect(isSealed(ring.sealOptional('address', '阳和街道'))).toBe(true);
    expect(ring.reveal('address', '阳和街道')).toBe('阳和街道');
    expect(ring.reveal('address', sealed)).toBe('阳和街道');
    expect(ring.reveal('address', null)).toBeNull();
  });
});

describe('the blind index (HMAC-SHA256 under a key derived from the PII key)', () => {
  const ring = new PiiKeyring({ id: 'k1', key: key(1) });

  it('is stable for the same person however the desk typed it, and differs for another person', () => {
    const a = ring.index('id-number', ID);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(ring.index('id-number', ID.toLowerCase())).toBe(a);
    expect(ring.index('id-number', ` ${ID} `)).toBe(a);
    expect(ring.index('id-number', '450302198001011231')).not.toBe(a);
    const p = ring.index('name-phone', '王五', '13812345678');
    expect(ring.index('name-phone', ' 王五 ', '138-1234-5678')).toBe(p);
    expect(ring.index('name-phone', '王五', '+86 138 1234 5678')).toBe(p);
    expect(ring.index('name-phone', '王六', '13812345678')).not.toBe(p);
    expect(ring.index('name-phone', '王五', '13812345679')).not.toBe(p);
    // Name and phone are separated: ("王五1", "3812345678") is another key.
    expect(ring.index('name-phone', '王五1', '3812345678')).not.toBe(p);
  });

  it('is keyed: another key gives another index, and it is not a plain hash of the value', async () => {
    const other = new PiiKeyring({ id: 'k1', key: key(2) });
    expect(other.index('id-number', ID)).not.toBe(ring.index('id-number', ID));
    const { createHash, createHmac } = await import('node:crypto');
    expect(ring.index('id-number', ID)).not.toBe(createHash('sha256').update(ID).digest('hex'));
    // Not an HMAC under the encryption key itself either: the index key is derived (HKDF).
    expect(ring.index('id-number', ID)).not.toBe(createHmac('sha256', key(1)).update(`id-number\u0000${ID}`).digest('hex'));
  });

  it('gives a lookup the index under every key of the ring, the current first', () => {
    const rotated = new PiiKeyring({ id: 'k2', key: key(3) }, [{ id: 'k1', key: key(1) }]);
    expect(rotated.indexCandidates('id-number', ID)).toEqual([rotated.index('id-number', ID), ring.index('id-number', ID)]);
  });
});

describe('keys from configuration', () => {
  it('reads a 32-byte base64 key (standard or url-safe) and refuses anything else', () => {
    const b = key(7).toString('base64');
    expect(parsePiiKey(b)).toEqual(key(7));
    expect(parsePiiKey(key(7).toString('base64url'))).toEqual(key(7));
    expect(() => parsePiiKey(Buffer.alloc(31).toString('base64'))).toThrow(/31 bytes/);
    expect(() => parsePiiKey('not base64!')).toThrow(/not base64/);
  });

  it('reads kid:base64 lists and the settings of a rotation', () => {
    const list = `k1:${key(1).toString('base64')}, k0:${key(0).toString('base64')}`;
    expect(parsePiiKeyList(list).map((k) => k.id)).toEqual(['k1', 'k0']);
    expect(() => parsePiiKeyList('K1:abc')).toThrow(/key id "K1"/);
    expect(() => parsePiiKeyList('nocolon')).toThrow(/kid:base64/);
    const ring = PiiKeyring.fromSettings({ key: key(2).toString('base64'), keyId: 'k2', oldKeys: list });
    expect(ring.currentKeyId).toBe('k2');
    expect(ring.keyIds).toEqual(['k2', 'k1', 'k0']);
    expect(PiiKeyring.fromSettings({ key: key(2).toString('base64') }).currentKeyId).toBe('k1');
  });

  it('normalises as documented', () => {
    expect(normalisePii.idNumber(' 45030219800101123x ')).toBe(ID);
    expect(normalisePii.phone('(0773) 283-4567')).toBe('07732834567');
    expect(normalisePii.phone('0086 13812345678')).toBe('13812345678');
    expect(normalisePii.name('  王  五 ')).toBe('王 五');
  });
});
