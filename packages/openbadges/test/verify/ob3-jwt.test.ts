// OB 3.0 verification of VC-JWTs (HS/EdDSA, RS256 with published keys, keys in the header), baked
// images and refresh services.
import { beforeAll, describe, expect, it } from 'vitest';
import { bakeImage } from '../../src/bake/index.ts';
import { unreadableStep } from '../../src/verify/index.ts';
import {
  mapFetch,
  newIssuer,
  response,
  signDi,
  signJwt,
  type TestIssuer,
  TINY_SVG,
  tinyPng,
  unsignedCredential,
} from './fixtures.ts';
import { mutate, noNetwork, run, stepOf, TAMPER_PATHS, TAMPERED_SENTENCE } from './ob3-support.ts';

let issuer: TestIssuer;
let other: TestIssuer;
let di: Record<string, any>;
let jwt: string;

beforeAll(async () => {
  issuer = newIssuer();
  other = newIssuer();
  di = await signDi(unsignedCredential(issuer), issuer);
  jwt = await signJwt(unsignedCredential(issuer), issuer);
});

describe('verify: OB 3.0 VC-JWT', () => {
  it('accepts the signed JWT', async () => {
    const r = await run(jwt);
    expect(r).toMatchObject({ verdict: 'valid', format: 'ob3-jwt', container: 'text' });
    expect(stepOf(r, 'key')?.result).toBe('pass');
  });

  const replacePayload = (token: string, edit: (p: Record<string, any>) => void) => {
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    edit(payload);
    return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
  };

  for (const path of TAMPER_PATHS) {
    it(`detects a changed ${path}`, async () => {
      const tampered = replacePayload(jwt, (p) => Object.assign(p, mutate(p, path)));
      const r = await run(tampered);
      expect(r.verdict).toBe('invalid');
      expect(stepOf(r, 'proof')).toMatchObject({
        result: 'fail',
        code: 'PROOF_INVALID',
        message: 'The signature does not match the credential: it was changed after it was signed.',
      });
    });
  }

  it('rejects a signature from another token and a key that is not the issuer’s', async () => {
    const otherJwt = await signJwt(unsignedCredential(issuer, { id: 'urn:uuid:other' }), issuer);
    const spliced = `${jwt.split('.').slice(0, 2).join('.')}.${otherJwt.split('.')[2]}`;
    expect(stepOf(await run(spliced), 'proof')).toMatchObject({
      code: 'PROOF_INVALID',
      message: TAMPERED_SENTENCE,
    });
    const forged = await signJwt(unsignedCredential(issuer), other);
    const r = await run(forged);
    expect(stepOf(r, 'proof')?.result).toBe('pass');
    expect(stepOf(r, 'key')).toMatchObject({ result: 'fail', code: 'KEY_CONTROLLER_MISMATCH' });
  });

  it('accepts the older form with the credential in a vc claim, and checks its claims', async () => {
    const { CompactSign } = await import('jose');
    const { privateKeyObject } = await import('../../src/proof/index.ts');
    const { validUntil: _until, ...cred } = unsignedCredential(issuer) as Record<string, any>;
    const sign = (payload: object) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: issuer.vm })
        .sign(privateKeyObject(issuer.secretKey));
    const claims = { iss: issuer.did, jti: cred.id, nbf: Date.parse(cred.validFrom) / 1000 };
    const ok = await run(await sign({ ...claims, vc: cred }));
    expect(ok, JSON.stringify(ok.steps)).toMatchObject({ verdict: 'valid', format: 'ob3-jwt' });
    // exp stands for validUntil in this form, so the date check sees it.
    const expired = await run(
      await sign({ ...claims, exp: Date.parse('2026-01-01T00:00:00Z') / 1000, vc: cred }),
    );
    expect(stepOf(expired, 'dates')).toMatchObject({ result: 'fail', code: 'EXPIRED' });
    const lying = await run(await sign({ ...claims, iss: other.did, vc: cred }));
    expect(stepOf(lying, 'proof')).toMatchObject({
      result: 'fail',
      code: 'JWT_INVALID',
      message: 'The token is not a valid VC-JWT: the JWT iss claim does not match the credential.',
    });
    expect(lying.verdict).toBe('invalid');
  });

  it('reports dates and recipient for JWTs too', async () => {
    const expired = await run(jwt, { now: () => new Date('2031-01-01T00:00:00Z') });
    expect(expired).toMatchObject({
      status: 'expired',
      summary: 'The badge expired on 2030-01-01T00:00:00Z.',
    });
    expect(stepOf(expired, 'dates')?.message).toBe('The credential expired on 2030-01-01T00:00:00Z.');
    const early = await run(jwt, { now: () => new Date('2020-01-01T00:00:00Z') });
    expect(early).toMatchObject({ status: 'not-yet-valid', summary: 'The badge is not valid yet.' });
    expect(stepOf(early, 'dates')?.message).toBe(
      'The credential only becomes valid on 2025-01-01T00:00:00Z.',
    );
    const stranger = await run(jwt, { recipient: { email: 'nobody@example.org' } });
    expect(stepOf(stranger, 'recipient')).toMatchObject({
      code: 'RECIPIENT_MISMATCH',
      message: 'The credential was not issued to the recipient you named.',
    });
    expect(stranger.summary).toBe('The badge was not issued to the recipient you named.');
  });
});

describe('verify: baked images', () => {
  it('verifies PNG and SVG badges with both proof forms', async () => {
    for (const [image, format] of [
      [tinyPng(), 'png'],
      [new TextEncoder().encode(TINY_SVG), 'svg'],
    ] as const) {
      const withJson = bakeImage(image, { kind: 'ob3-json', text: JSON.stringify(di) });
      const withJwt = bakeImage(image, { kind: 'ob3-jwt', text: jwt });
      expect(await run(withJson)).toMatchObject({ verdict: 'valid', format: 'ob3-json', container: format });
      expect(await run(withJwt)).toMatchObject({ verdict: 'valid', format: 'ob3-jwt', container: format });
      const tampered = bakeImage(image, { kind: 'ob3-json', text: JSON.stringify(mutate(di, 'name')) });
      expect(stepOf(await run(tampered), 'proof')?.code).toBe('PROOF_INVALID');
    }
  });

  it('says when an image carries no badge', async () => {
    const r = await run(tinyPng());
    expect(r).toMatchObject({ verdict: 'invalid', format: 'unknown', container: 'png' });
    expect(stepOf(r, 'format')).toMatchObject({
      code: 'PNG_NO_CREDENTIAL',
      message: 'The PNG image has no badge baked into it.',
    });
    expect(unreadableStep(r)).toBe(stepOf(r, 'format'));
    // The checks it never reached are listed as skipped.
    expect(r.steps.map((s) => [s.id, s.result])).toEqual([
      ['format', 'fail'],
      ...['parse', 'schema', 'proof', 'key', 'issuer', 'dates', 'status', 'recipient'].map((id) => [
        id,
        'skipped',
      ]),
    ]);
    expect(stepOf(r, 'proof')?.message).toBe('Not checked, because an earlier check failed.');
    // A badge that fails a check is not "unreadable".
    expect(unreadableStep(await run(mutate(di, 'name')))).toBeUndefined();
  });
});

describe('verify: RS256 VC-JWT with a JWK published by the issuer', () => {
  it('accepts a key on the issuer’s origin and refuses one elsewhere', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'https://issuer.example/keys/1' };
    const fetch = mapFetch({
      'https://issuer.example/keys/1': jwk,
      'https://elsewhere.example/jwks.json': { keys: [jwk] },
    });
    const cred = {
      ...unsignedCredential(issuer),
      issuer: { id: 'https://issuer.example/issuers/1', type: ['Profile'], name: 'RSA Org' },
    };
    const token = await (await import('../../src/proof/index.ts')).signVcJwt(cred, {
      alg: 'RS256',
      privateKey,
      kid: 'https://issuer.example/keys/1',
    });
    const ok = await run(token, { fetch });
    expect(ok.verdict, JSON.stringify(ok.steps)).toBe('valid');
    expect(stepOf(ok, 'proof')?.message).toBe('The JWT signature (RS256) matches the credential.');
    const elsewhere = await (await import('../../src/proof/index.ts')).signVcJwt(cred, {
      alg: 'RS256',
      privateKey,
      kid: 'https://elsewhere.example/jwks.json',
    });
    const r = await run(elsewhere, { fetch });
    expect(stepOf(r, 'proof')?.result).toBe('pass');
    expect(stepOf(r, 'key')).toMatchObject({ result: 'fail', code: 'KEY_CONTROLLER_MISMATCH' });
  });
});

describe('verify: refreshService (followed only when asked)', () => {
  const REFRESH = 'https://society.example/refresh/1';
  const withRefresh = (extra: Record<string, unknown> = {}) =>
    signDi(
      {
        ...unsignedCredential(issuer),
        refreshService: { id: REFRESH, type: '1EdTechCredentialRefresh' },
        ...extra,
      },
      issuer,
    );

  it('checks the newer copy the issuer’s service returns', async () => {
    const original = await withRefresh({ validUntil: '2026-01-01T00:00:00Z' });
    const newer = await withRefresh({ validUntil: '2028-01-01T00:00:00Z' });
    const fetch = mapFetch({ [REFRESH]: newer });
    // Without the option the expired original is what is checked.
    expect((await run(original, { fetch })).status).toBe('expired');
    const r = await run(original, { fetch, followRefresh: true });
    expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
    expect(r.validUntil).toBe('2028-01-01T00:00:00Z');
    expect(stepOf(r, 'refresh')).toMatchObject({
      result: 'pass',
      message: 'The issuer’s refresh service returned a newer copy, which is what was checked.',
    });
    expect(r.steps.map((s) => s.id).slice(3, 6)).toEqual(['proof', 'key', 'refresh']);
    // The service answering with a JWT works too.
    const jwtCopy = await signJwt(
      { ...unsignedCredential(issuer), validUntil: '2028-01-01T00:00:00Z' },
      issuer,
    );
    const viaJwt = await run(original, {
      followRefresh: true,
      fetch: async (url, init) =>
        url === REFRESH
          ? response(200, url, 'application/jwt', new TextEncoder().encode(jwtCopy))
          : noNetwork(url, init),
    });
    expect(viaJwt).toMatchObject({ verdict: 'valid', format: 'ob3-jwt' });
  });

  it('keeps the original when the service fails or returns a copy that is not the issuer’s', async () => {
    const original = await withRefresh();
    const warned = 'The issuer’s refresh service gave no newer copy, so the credential as given was checked.';
    const down = await run(original, { followRefresh: true });
    expect(down.verdict).toBe('valid');
    expect(stepOf(down, 'refresh')).toMatchObject({ result: 'warn', message: warned, code: 'FETCH_FAILED' });
    const forged = await signDi(unsignedCredential(issuer, { validUntil: '2099-01-01T00:00:00Z' }), other);
    const r = await run(original, { followRefresh: true, fetch: mapFetch({ [REFRESH]: forged }) });
    expect(r.credential).toEqual(original);
    expect(stepOf(r, 'refresh')).toMatchObject({ result: 'warn', message: warned });
    expect(stepOf(r, 'refresh')?.detail).toContain('signing key');
    const elsewhere = await signDi(
      { ...unsignedCredential(other), refreshService: { id: REFRESH, type: '1EdTechCredentialRefresh' } },
      other,
    );
    const foreign = await run(original, { followRefresh: true, fetch: mapFetch({ [REFRESH]: elsewhere }) });
    expect(stepOf(foreign, 'refresh')?.detail).toContain('another issuer');
    // A tampered original is not refreshed: its refresh address is not the issuer's word.
    const tampered = await run(mutate(original, 'name'), { followRefresh: true, fetch: mapFetch({}) });
    expect(stepOf(tampered, 'refresh')).toBeUndefined();
  });
});

describe('verify: RS256 VC-JWT with a JsonWebKey verification method', () => {
  it('resolves the RSA key from a did:web document and from a key document', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { signVcJwt } = await import('../../src/proof/index.ts');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKeyJwk = publicKey.export({ format: 'jwk' });
    const did = 'did:web:rsa.example';
    const method = { id: `${did}#rsa-1`, type: 'JsonWebKey', controller: did, publicKeyJwk };
    const keyDoc = {
      id: 'https://rsa.example/keys/2',
      type: 'JsonWebKey',
      controller: 'https://rsa.example/issuers/2',
      publicKeyJwk,
    };
    const fetch = mapFetch({
      'https://rsa.example/.well-known/did.json': {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: did,
        verificationMethod: [method],
        assertionMethod: [method.id],
      },
      'https://rsa.example/keys/2': keyDoc,
    });
    const signed = (issuerId: string, kid: string) =>
      signVcJwt(
        { ...unsignedCredential(issuer), issuer: { id: issuerId, type: ['Profile'], name: 'RSA Org' } },
        { alg: 'RS256', privateKey, kid },
      );
    const viaDid = await run(await signed(did, method.id), { fetch });
    expect(viaDid.verdict, JSON.stringify(viaDid.steps)).toBe('valid');
    expect(stepOf(viaDid, 'key')?.message).toBe(`The signing key belongs to the issuer RSA Org (${did}).`);
    const viaDoc = await run(await signed(keyDoc.controller, keyDoc.id), { fetch });
    expect(viaDoc.verdict, JSON.stringify(viaDoc.steps)).toBe('valid');
    // The DID's key does not make a credential naming another issuer valid.
    const claimed = await run(await signed('https://rsa.example/issuers/2', method.id), { fetch });
    expect(stepOf(claimed, 'key')).toMatchObject({ result: 'fail', code: 'KEY_CONTROLLER_MISMATCH' });
  });
});

describe('verify: VC-JWT with the key in its header', () => {
  it('accepts it only when the key is the issuer’s own did:key', async () => {
    const { ed25519ToJwk, signVcJwt } = await import('../../src/proof/index.ts');
    const jwk = ed25519ToJwk(issuer.publicKey);
    const own = await signVcJwt(unsignedCredential(issuer), {
      alg: 'EdDSA',
      privateKey: issuer.secretKey,
      jwk: jwk as never,
    });
    const ok = await run(own);
    expect(ok.verdict, JSON.stringify(ok.steps)).toBe('valid');
    const strangerJwk = ed25519ToJwk(other.publicKey);
    const claimed = await signVcJwt(unsignedCredential(issuer), {
      alg: 'EdDSA',
      privateKey: other.secretKey,
      jwk: strangerJwk as never,
    });
    const r = await run(claimed);
    expect(stepOf(r, 'proof')?.result).toBe('pass');
    expect(stepOf(r, 'key')).toMatchObject({ result: 'fail', code: 'KEY_UNPROVEN' });
    expect(stepOf(r, 'key')?.message).toContain('not shown to belong to the issuer');
    expect(r.summary).toBe(
      'The signing key is not shown to belong to the issuer, so nothing proves that the issuer made this badge.',
    );
    expect(r.verdict).toBe('invalid');
  });
});
