import { describe, expect, it } from 'vitest';
import { decodeOb2Jws, generateRsaKeyPair, signOb2Assertion, verifyOb2Jws } from '../../src/proof/index.ts';

const assertion = {
  '@context': 'https://w3id.org/openbadges/v2',
  type: 'Assertion',
  id: 'urn:uuid:2f0e5f7c-5d7e-4a59-9d0b-6f7b0b1a7c11',
  recipient: {
    type: 'email',
    hashed: true,
    salt: 'pepper',
    identity: 'sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5',
  },
  badge: 'https://issuer.example/badges/1',
  verification: { type: 'SignedBadge', creator: 'https://issuer.example/keys/1' },
  issuedOn: '2024-01-01T00:00:00Z',
};

describe('Open Badges 2.0 signed assertions', () => {
  const keys = generateRsaKeyPair();

  it('round-trips and exposes the creator before verification', () => {
    const jws = signOb2Assertion(assertion, keys.privateKey);
    const { header, payload } = decodeOb2Jws(jws);
    expect(header).toEqual({ alg: 'RS256' });
    expect((payload.verification as { creator: string }).creator).toBe('https://issuer.example/keys/1');
    expect(verifyOb2Jws(jws, keys.publicKeyPem)).toEqual(assertion);
  });

  it('refuses a tampered payload, another key and other algorithms', () => {
    const jws = signOb2Assertion(assertion, keys.privateKey);
    const [h, , s] = jws.split('.');
    const forged = Buffer.from(JSON.stringify({ ...assertion, badge: 'https://evil.example/b' })).toString(
      'base64url',
    );
    expect(() => verifyOb2Jws(`${h}.${forged}.${s}`, keys.publicKeyPem)).toThrow(
      expect.objectContaining({ code: 'PROOF_INVALID' }),
    );
    expect(() => verifyOb2Jws(jws, generateRsaKeyPair().publicKeyPem)).toThrow(
      expect.objectContaining({ code: 'PROOF_INVALID' }),
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${jws.split('.')[1]}.`;
    expect(() => verifyOb2Jws(none, keys.publicKeyPem)).toThrow(
      expect.objectContaining({ code: 'JWT_INVALID' }),
    );
    expect(() => decodeOb2Jws('a.b')).toThrow(expect.objectContaining({ code: 'JWT_INVALID' }));
    expect(() => verifyOb2Jws(jws, 'not a pem')).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });
});
