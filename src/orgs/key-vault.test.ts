import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './key-vault.ts';

describe('key vault', () => {
  const secret = randomBytes(32);
  const orgId = '6d1f1d3e-1111-4a4a-8b8b-000000000001';
  const key = new Uint8Array(randomBytes(32));

  it('round-trips, and a fresh nonce makes every sealing different', () => {
    const a = sealSecret(secret, orgId, key);
    const b = sealSecret(secret, orgId, key);
    expect(a.equals(b)).toBe(false);
    expect(Buffer.from(openSecret(secret, orgId, a)).equals(Buffer.from(key))).toBe(true);
    expect(a.includes(Buffer.from(key))).toBe(false);
  });

  it('refuses a tampered ciphertext, a wrong server secret and another org id', () => {
    const sealed = sealSecret(secret, orgId, key);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => openSecret(secret, orgId, tampered)).toThrow(/could not be decrypted/);
    expect(() => openSecret(randomBytes(32), orgId, sealed)).toThrow(/could not be decrypted/);
    expect(() => openSecret(secret, '6d1f1d3e-1111-4a4a-8b8b-000000000002', sealed)).toThrow(
      /could not be decrypted/,
    );
    expect(() => openSecret(secret, orgId, sealed.subarray(0, 10))).toThrow(/format/);
  });
});
