import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBadgeClass,
  buildCryptographicKey,
  buildOb2Assertion,
  buildOb2Issuer,
} from '../../src/ob2/index.ts';
import { buildDidWebDocument, generateRsaKeyPair, signOb2Assertion } from '../../src/proof/index.ts';
import {
  buildStatusEntry,
  buildStatusListCredential,
  createBitstring,
  encodeBitstring,
  setBit,
} from '../../src/status/index.ts';
import { createGuardedFetch, type GuardedFetch, verify, verifyMany } from '../../src/verify/index.ts';
import {
  json,
  NOW,
  newIssuer,
  signDi,
  signJwt,
  startServer,
  type TestIssuer,
  unsignedCredential,
} from './fixtures.ts';

let server: Awaited<ReturnType<typeof startServer>>;
const hits = new Map<string, number>();
const guarded = createGuardedFetch({ allowPrivateNetwork: true });
// Counts each URL the verifier asks for.
const fetch: GuardedFetch = (url, init) => {
  const path = new URL(url).pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  return guarded(url, init);
};

let keyIssuer: TestIssuer;
let webIssuer: TestIssuer;
let inputs: Array<string | object>;

/** An issuer whose key is published as did:web on the test server. */
function onServer(path: string): TestIssuer {
  const pair = newIssuer();
  const did = `did:web:127.0.0.1%3A${new URL(server.base).port}:${path}`;
  const doc = buildDidWebDocument({ did, keys: [{ id: '#key-1', publicKey: pair.publicKey }] });
  server.routes.set(`/${path.replaceAll(':', '/')}/did.json`, json(doc));
  return { ...pair, did, vm: `${did}#key-1` };
}

async function publishList(path: string, owner: TestIssuer, revoked: number[]) {
  const bits = createBitstring();
  for (const i of revoked) setBit(bits, i, true);
  const url = `${server.base}${path}`;
  const list = buildStatusListCredential({
    id: url,
    issuer: owner.did,
    statusPurpose: 'revocation',
    encodedList: encodeBitstring(bits),
    validFrom: '2025-01-01T00:00:00Z',
  });
  server.routes.set(path, json(await signDi(list, owner)));
  return url;
}

const withStatus = (owner: TestIssuer, url: string, index: number, extra: object = {}) =>
  unsignedCredential(owner, {
    credentialStatus: buildStatusEntry({ listCredential: url, index, purpose: 'revocation' }) as never,
    ...extra,
  });

beforeAll(async () => {
  server = await startServer();
  keyIssuer = newIssuer();
  webIssuer = onServer('issuers:web');
  const keyList = await publishList('/status/key', keyIssuer, [5]);
  const webList = await publishList('/status/web', webIssuer, [9]);

  const valid = await signDi(withStatus(keyIssuer, keyList, 1), keyIssuer);
  const revoked = await signDi(withStatus(keyIssuer, keyList, 5), keyIssuer);
  const webValid = await signDi(withStatus(webIssuer, webList, 2), webIssuer);
  const webRevoked = await signDi(withStatus(webIssuer, webList, 9), webIssuer);
  const statusLess = await signDi(unsignedCredential(webIssuer), webIssuer);
  const tampered = { ...(await signDi(withStatus(webIssuer, webList, 3), webIssuer)), name: 'Forged' };
  // Says it is the did:web issuer's, signed with the did:key issuer's key.
  const wrongKey = await signDi(
    { ...unsignedCredential(webIssuer), issuer: { id: webIssuer.did, name: 'Impostor' } },
    keyIssuer,
  );
  const expired = await signDi(
    withStatus(webIssuer, webList, 4, { validUntil: '2026-01-01T00:00:00Z' }),
    webIssuer,
  );
  const jwt = await signJwt(withStatus(webIssuer, webList, 6), webIssuer);
  const jwtRevoked = await signJwt(withStatus(webIssuer, webList, 9), webIssuer);
  const [h, p, s] = jwt.split('.');
  const jwtTampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), name: 'X' })).toString('base64url')}.${s}`;
  // OB 2.0: hosted and signed assertions sharing a badge class and an issuer profile.
  const base = server.base;
  const rsa = generateRsaKeyPair();
  server.routes.set(
    '/ob2/issuer',
    json(
      buildOb2Issuer({
        id: `${base}/ob2/issuer`,
        name: 'Guild',
        url: base,
        email: 'badges@guild.example',
        publicKey: `${base}/ob2/key`,
      }),
    ),
  );
  server.routes.set(
    '/ob2/badge',
    json(
      buildBadgeClass({
        id: `${base}/ob2/badge`,
        name: 'Carpentry',
        description: 'Joins wood.',
        image: `${base}/badge.png`,
        criteria: { narrative: 'Build a chair.' },
        issuer: `${base}/ob2/issuer`,
      }),
    ),
  );
  server.routes.set(
    '/ob2/key',
    json(
      buildCryptographicKey({
        id: `${base}/ob2/key`,
        owner: `${base}/ob2/issuer`,
        publicKeyPem: rsa.publicKeyPem,
      }),
    ),
  );
  const ob2 = (path: string) =>
    buildOb2Assertion({
      id: `${base}${path}`,
      recipient: { email: 'Carpenter@Example.org', salt: 's1' },
      badge: `${base}/ob2/badge`,
      issuedOn: '2020-05-01T00:00:00Z',
    });
  for (const path of ['/ob2/a/1', '/ob2/a/2']) server.routes.set(path, json(ob2(path)));
  const signedOb2 = signOb2Assertion(
    { ...ob2('/ob2/s/1'), verification: { type: 'SignedBadge', creator: `${base}/ob2/key` } },
    rsa.privateKey,
  );
  const gone = onServer('issuers:gone');
  const unknownIssuer = await signDi(unsignedCredential(gone), gone);
  server.routes.delete('/issuers/gone/did.json');
  inputs = [
    valid,
    revoked,
    webValid,
    webRevoked,
    statusLess,
    tampered,
    wrongKey,
    expired,
    jwt,
    jwtRevoked,
    jwtTampered,
    unknownIssuer,
    'not a badge',
    webValid,
    JSON.stringify(revoked),
    ob2('/ob2/a/1'),
    ob2('/ob2/a/2'),
    signedOb2,
  ];
});
afterAll(() => server.close());

describe('verifyMany', () => {
  it('gives each credential the report verify() gives it alone, in input order', async () => {
    const options = { fetch, now: () => NOW };
    hits.clear();
    const alone = [];
    for (const input of inputs) alone.push(await verify(input, options));
    const aloneHits = new Map(hits);
    hits.clear();
    const together = await verifyMany(inputs, { ...options, concurrency: 4 });
    expect(together).toEqual(alone);

    // The mix really is mixed: every verdict and failure kind appears.
    const codes = (i: number) => together[i]!.steps.filter((s) => s.code).map((s) => s.code);
    expect(together.map((r) => r.verdict)).toEqual([
      'valid',
      'invalid',
      'valid',
      'invalid',
      'valid',
      'invalid',
      'invalid',
      'invalid',
      'valid',
      'invalid',
      'invalid',
      'indeterminate',
      'invalid',
      'valid',
      'invalid',
      'valid',
      'valid',
      'valid',
    ]);
    expect(together[1]!.status).toBe('revoked');
    expect(codes(5)).toContain('PROOF_INVALID');
    expect(codes(6)).toContain('KEY_CONTROLLER_MISMATCH');
    expect(together[7]!.status).toBe('expired');
    expect(codes(10)).toContain('PROOF_INVALID');
    expect(codes(11)).toContain('FETCH_FAILED');

    // Shared: each document once, where one at a time fetched it per credential.
    expect(aloneHits.get('/issuers/web/did.json')).toBeGreaterThan(5);
    expect(aloneHits.get('/status/web')).toBeGreaterThan(5);
    expect(hits.get('/issuers/web/did.json')).toBe(1);
    expect(hits.get('/status/web')).toBe(1);
    expect(hits.get('/status/key')).toBe(1);
    expect(aloneHits.get('/ob2/issuer')).toBe(3);
    expect(hits.get('/ob2/issuer')).toBe(1);
    expect(hits.get('/ob2/badge')).toBe(1);
  });

  it('retries what failed once it has settled, as verifying alone would', async () => {
    let calls = 0;
    const flaky: GuardedFetch = async (url, init) => {
      calls++;
      if (calls === 1)
        throw new (await import('../../src/errors.ts')).OpenBadgesError('FETCH_FAILED', 'down');
      return fetch(url, init);
    };
    const cred = await signDi(unsignedCredential(webIssuer), webIssuer);
    const [first, second] = await verifyMany([cred, cred], { fetch: flaky, now: () => NOW, concurrency: 1 });
    expect(first!.verdict).not.toBe('valid');
    expect(second!.verdict).toBe('valid');
  });

  it('answers an empty list with no reports and any junk with a report, never a throw', async () => {
    expect(await verifyMany([])).toEqual([]);
    const [r] = await verifyMany([42 as never], { concurrency: 0 });
    expect(r!.verdict).toBe('invalid');
  });
});
