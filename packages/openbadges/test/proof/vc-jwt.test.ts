import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { isOpenBadgesError } from '../../src/errors.ts';
import { ed25519PublicJwk, privateKeyObject, signVcJwt, verifyVcJwt } from '../../src/proof/index.ts';
import { makeCredential } from './credentials.ts';
import { newIssuer } from './did-key.ts';

const pair = newIssuer();
const { did, vm } = pair;
const credential: Record<string, any> = { ...makeCredential(21, did), validUntil: '2030-01-01T00:00:00Z' };
credential.credentialSubject.id = 'did:example:learner';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const parts = (jwt: string) => jwt.split('.');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString());

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  return isOpenBadgesError(e) ? e.code : e === undefined ? undefined : `non-library error: ${e}`;
}

describe('VC-JWT (OB 3.0 JSON Web Token proof format)', () => {
  it('EdDSA round trip with a did:key kid; header and claims as OB 3.0 §8.2 says', async () => {
    const jwt = await signVcJwt(credential, { alg: 'EdDSA', privateKey: pair.secretKey, kid: vm });
    const [h, p] = parts(jwt).map((x, i) => (i < 2 ? decode(x) : x));
    expect(h).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: vm });
    // The payload is the credential itself plus the registered claims, nothing else.
    expect(p).toEqual({
      ...credential,
      iss: did,
      jti: credential.id,
      sub: 'did:example:learner',
      nbf: Math.floor(Date.parse(credential.validFrom) / 1000),
      exp: Math.floor(Date.parse('2030-01-01T00:00:00Z') / 1000),
    });
    const result = await verifyVcJwt(jwt, { now: () => new Date('2029-01-01T00:00:00Z') });
    expect(result.credential).toEqual(credential);
    expect(result.keySource).toBe('kid');
    expect(result.expires?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(result.timely).toBe(true);
    // Dates are reported, not enforced.
    expect((await verifyVcJwt(jwt, { now: () => new Date('2031-01-01T00:00:00Z') })).timely).toBe(false);
  });

  it('accepts the signDataIntegrity option names', async () => {
    const jwt = await signVcJwt(credential, { secretKey: pair.secretKey, verificationMethod: vm });
    expect((await verifyVcJwt(jwt)).header.kid).toBe(vm);
  });

  it('RS256 round trip with a key from resolveKey', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = 'https://issuer.example/keys/rsa-1';
    const jwt = await signVcJwt(credential, { alg: 'RS256', privateKey: rsa.privateKey, kid });
    const seen: string[] = [];
    const result = await verifyVcJwt(jwt, {
      resolveKey: async (k) => {
        seen.push(k);
        return exportJWK(rsa.publicKey);
      },
    });
    expect(result.header.alg).toBe('RS256');
    expect(result.credential).toEqual(credential);
    expect(seen).toEqual([kid]);
    const viaKeyObject = await verifyVcJwt(jwt, { resolveKey: async () => rsa.publicKey });
    expect(viaKeyObject.credential.id).toBe(credential.id);
  });

  it('verifies with a jwk in the header, which carries no private part', async () => {
    const jwk = { ...ed25519PublicJwk(pair.publicKey), d: Buffer.from(pair.secretKey).toString('base64url') };
    const jwt = await signVcJwt(credential, { alg: 'EdDSA', privateKey: pair.secretKey, jwk: jwk as never });
    const header = decode(parts(jwt)[0]);
    expect(header.jwk).toEqual(ed25519PublicJwk(pair.publicKey));
    expect(header.jwk.d).toBeUndefined();
    const result = await verifyVcJwt(jwt);
    expect(result.keySource).toBe('jwk');
  });

  it('reads the VC 1.1 form with the credential under vc', async () => {
    const { id, issuer: _issuer, validFrom: _from, ...rest } = credential;
    const payload = { vc: rest, iss: did, jti: id, nbf: 1700000000, sub: 'did:example:learner' };
    const jwt = await new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: vm })
      .sign(privateKeyObject(pair.secretKey));
    const result = await verifyVcJwt(jwt);
    expect(result.credential.id).toBe(id);
    expect(result.credential.issuer).toBe(did);
    expect(result.credential.validFrom).toBe('2023-11-14T22:13:20Z');
    expect(result.notBefore?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it('refuses a tampered payload, a wrong key, alg none and mismatched claims', async () => {
    const jwt = await signVcJwt(credential, { alg: 'EdDSA', privateKey: pair.secretKey, kid: vm });
    const [h, p, s] = parts(jwt);
    const forged = { ...decode(p), name: 'Forged' };
    expect(await codeOf(verifyVcJwt(`${h}.${b64(forged)}.${s}`))).toBe('PROOF_INVALID');

    const other = newIssuer();
    const otherVm = other.vm;
    const wrongKid = await signVcJwt(credential, { alg: 'EdDSA', privateKey: other.secretKey, kid: vm });
    expect(await codeOf(verifyVcJwt(wrongKid))).toBe('PROOF_INVALID');
    expect(
      await codeOf(verifyVcJwt(jwt, { resolveKey: async () => ed25519PublicJwk(other.publicKey) })),
    ).toBe('PROOF_INVALID');
    expect(otherVm).not.toBe(vm);

    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    expect(await codeOf(verifyVcJwt(none))).toBe('JWT_INVALID');
    const hs = `${b64({ alg: 'HS256', typ: 'JWT', kid: vm })}.${p}.${s}`;
    expect(await codeOf(verifyVcJwt(hs))).toBe('JWT_INVALID');

    const payload = { ...credential, iss: 'did:example:someone-else' };
    const lying = await new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'EdDSA', kid: vm })
      .sign(privateKeyObject(pair.secretKey));
    expect(await codeOf(verifyVcJwt(lying))).toBe('JWT_INVALID');
    // An exp the credential does not carry as validUntil would escape the date check.
    const { validUntil: _until, ...open } = credential as Record<string, unknown>;
    const hiddenExpiry = await new CompactSign(Buffer.from(JSON.stringify({ ...open, exp: 1_000_000_000 })))
      .setProtectedHeader({ alg: 'EdDSA', kid: vm })
      .sign(privateKeyObject(pair.secretKey));
    expect(await codeOf(verifyVcJwt(hiddenExpiry))).toBe('JWT_INVALID');
    expect(await codeOf(verifyVcJwt('not a jwt'))).toBe('JWT_INVALID');
    const noKey = `${b64({ alg: 'EdDSA' })}.${p}.${s}`;
    expect(await codeOf(verifyVcJwt(noKey))).toBe('KEY_NOT_FOUND');
  });

  it('refuses to sign with a key that does not fit the algorithm', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await codeOf(signVcJwt(credential, { alg: 'EdDSA', privateKey: rsa.privateKey }))).toBe(
      'KEY_INVALID',
    );
    expect(await codeOf(signVcJwt(credential, { alg: 'RS256', privateKey: pair.secretKey }))).toBe(
      'KEY_INVALID',
    );
  });
});
