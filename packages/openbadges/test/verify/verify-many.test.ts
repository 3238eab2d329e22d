import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDidWebDocument } from '../../src/proof/index.ts';
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
