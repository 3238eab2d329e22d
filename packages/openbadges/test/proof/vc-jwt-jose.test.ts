/**
 * The VC-JWT signer and verifier run over node:crypto, not jose (see src/proof/compact-jws.ts);
 * these tests hold them to jose: the same bytes for the same header and payload, each side
 * verifying the other's tokens, and the same refusals.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, compactVerify, exportJWK, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isOpenBadgesError } from '../../src/errors.ts';
import {
  prepareVcJwtSigner,
  privateKeyObject,
  publicKeyObject,
  signVcJwt,
  vcJwtClaims,
  verifyVcJwt,
} from '../../src/proof/index.ts';
import { makeCredential } from './credentials.ts';
import { newIssuer } from './did-key.ts';

const issuer = newIssuer();
const credential: Record<string, any> = {
  ...makeCredential(77, issuer.did),
  validUntil: '2030-01-01T00:00:00Z',
};
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const at = new Date('2026-01-01T00:00:00Z');

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  return isOpenBadgesError(e) ? e.code : e === undefined ? undefined : `non-library error: ${e}`;
}

/** jose's compact JWS of the same header and payload text. */
const joseToken = (header: object, payload: object, key: Parameters<CompactSign['sign']>[0]) =>
  new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader(header as never).sign(key);

describe('VC-JWT over node:crypto, held to jose', () => {
  it('EdDSA and RS256 tokens are byte for byte what jose signs, and jose verifies them', async () => {
    const payload = { ...credential, ...vcJwtClaims(credential) };
    const ed = await signVcJwt(credential, { alg: 'EdDSA', secretKey: issuer.secretKey, kid: issuer.vm });
    expect(ed).toBe(
      await joseToken(
        { alg: 'EdDSA', typ: 'JWT', kid: issuer.vm },
        payload,
        privateKeyObject(issuer.secretKey),
      ),
    );
    const rs = await signVcJwt(credential, {
      alg: 'RS256',
      privateKey: rsa.privateKey,
      kid: 'https://i.example/k',
    });
    expect(rs).toBe(
      await joseToken({ alg: 'RS256', typ: 'JWT', kid: 'https://i.example/k' }, payload, rsa.privateKey),
    );

    const verified = await jwtVerify(ed, publicKeyObject(issuer.publicKey), { currentDate: at, typ: 'JWT' });
    expect(verified.payload).toEqual(payload);
    expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: issuer.vm });
    expect((await jwtVerify(rs, rsa.publicKey, { currentDate: at })).payload).toEqual(payload);
  });

  it('verifies what jose signs (SignJWT), EdDSA and RS256', async () => {
    const claims = { ...credential, ...vcJwtClaims(credential) };
    const ed = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: issuer.vm })
      .sign(privateKeyObject(issuer.secretKey));
    const r = await verifyVcJwt(ed);
    expect(r.credential).toEqual(credential);
    expect(r.header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: issuer.vm });
    const rs = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(rsa.privateKey);
    const viaJwk = await verifyVcJwt(rs, { resolveKey: async () => exportJWK(rsa.publicKey) });
    expect(viaJwk.credential).toEqual(credential);
    // A WebCrypto key, as jose hands them out, works as well as a KeyObject.
    const cryptoKey = await crypto.subtle.importKey(
      'jwk',
      await exportJWK(rsa.publicKey),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    );
    expect((await verifyVcJwt(rs, { resolveKey: async () => cryptoKey })).credential.id).toBe(credential.id);
  });

  it('a prepared signer signs what signVcJwt signs, for any credential, synchronously', async () => {
    const signer = prepareVcJwtSigner({ secretKey: issuer.secretKey, verificationMethod: issuer.vm });
    expect(signer.header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: issuer.vm });
    for (let i = 0; i < 5; i++) {
      const c = makeCredential(300 + i, issuer.did);
      const token = signer.sign(c);
      expect(typeof token).toBe('string');
      expect(token).toBe(await signVcJwt(c, { secretKey: issuer.secretKey, verificationMethod: issuer.vm }));
      expect((await verifyVcJwt(token)).credential).toEqual(c);
    }
    expect(() => prepareVcJwtSigner({ alg: 'RS256', secretKey: issuer.secretKey })).toThrow(/seed/);
  });

  it('refuses what jose refuses: unknown crit, an unencoded payload, a short RSA key, bad base64url', async () => {
    const payload = { ...credential, ...vcJwtClaims(credential) };
    const key = privateKeyObject(issuer.secretKey);
    const critExp = await joseToken(
      { alg: 'EdDSA', kid: issuer.vm, crit: ['exp'], exp: 1 },
      payload,
      key,
    ).catch(() => undefined);
    // jose will not even sign it; made by hand, both refuse it.
    expect(critExp).toBeUndefined();
    const [, p] = (await signVcJwt(credential, { secretKey: issuer.secretKey, kid: issuer.vm })).split('.');
    const handCrit = `${b64({ alg: 'EdDSA', kid: issuer.vm, crit: ['urn:x'], 'urn:x': 1 })}.${p}.`;
    expect(await codeOf(verifyVcJwt(handCrit))).toBe('JWT_INVALID');
    await expect(compactVerify(handCrit, publicKeyObject(issuer.publicKey))).rejects.toThrow();

    // crit b64 true is an ordinary token to jose, and to us.
    const b64True = await joseToken({ alg: 'EdDSA', kid: issuer.vm, b64: true, crit: ['b64'] }, payload, key);
    expect((await verifyVcJwt(b64True)).credential).toEqual(credential);
    const b64False = `${b64({ alg: 'EdDSA', kid: issuer.vm, b64: false, crit: ['b64'] })}.abc.`;
    expect(await codeOf(verifyVcJwt(b64False))).toBe('JWT_INVALID');

    const short = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(await codeOf(signVcJwt(credential, { alg: 'RS256', privateKey: short.privateKey }))).toBe(
      'KEY_INVALID',
    );
    const shortToken = await joseToken({ alg: 'RS256' }, payload, short.privateKey).catch(() => undefined);
    expect(shortToken).toBeUndefined();
    const [h, pl, s] = (
      await signVcJwt(credential, { alg: 'RS256', privateKey: rsa.privateKey, kid: 'k' })
    ).split('.');
    expect(await codeOf(verifyVcJwt(`${h}.${pl}.${s}`, { resolveKey: async () => short.publicKey }))).toBe(
      'JWT_INVALID',
    );
    expect(
      await codeOf(verifyVcJwt(`${h}.${pl}.${s}`, { resolveKey: async () => exportJWK(short.publicKey) })),
    ).toBe('KEY_INVALID');
    // An Ed25519 key for an RS256 token (and the other way round) does not verify anything.
    expect(
      await codeOf(
        verifyVcJwt(`${h}.${pl}.${s}`, { resolveKey: async () => publicKeyObject(issuer.publicKey) }),
      ),
    ).toBe('JWT_INVALID');
    // A segment of a length base64 cannot have.
    let odd = pl!;
    while (odd.length % 4 !== 1) odd += 'A';
    expect(await codeOf(verifyVcJwt(`${h}.${odd}.${s}`, { resolveKey: async () => rsa.publicKey }))).toBe(
      'JWT_INVALID',
    );
  });
});
