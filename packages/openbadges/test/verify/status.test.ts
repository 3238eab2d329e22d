import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildStatusEntry,
  buildStatusListCredential,
  createBitstring,
  createStatusCache,
  encodeBitstring,
  setBit,
} from '../../src/status/index.ts';
import { createGuardedFetch, type VerificationReport, verify } from '../../src/verify/index.ts';
import {
  json,
  NOW,
  newIssuer,
  signDi,
  startServer,
  type TestIssuer,
  unsignedCredential,
} from './fixtures.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let issuer: TestIssuer;
const fetch = createGuardedFetch({ allowPrivateNetwork: true });
const stepOf = (r: VerificationReport, id: string) => r.steps.find((s) => s.id === id);

beforeAll(async () => {
  server = await startServer();
  issuer = newIssuer();
});
afterAll(() => server.close());

async function publishList(
  path: string,
  revoked: number[],
  opts: { purpose?: 'revocation' | 'suspension'; listIssuer?: TestIssuer; sign?: boolean } = {},
) {
  const bits = createBitstring();
  for (const i of revoked) setBit(bits, i, true);
  const url = `${server.base}${path}`;
  const owner = opts.listIssuer ?? issuer;
  const list = buildStatusListCredential({
    id: url,
    issuer: owner.did,
    statusPurpose: opts.purpose ?? 'revocation',
    encodedList: encodeBitstring(bits),
    validFrom: '2025-01-01T00:00:00Z',
  });
  server.routes.set(path, json(opts.sign === false ? list : await signDi(list, owner)));
  return url;
}

async function credentialWithStatus(status: object) {
  return signDi(unsignedCredential(issuer, { credentialStatus: status as never }), issuer);
}

describe('verify: Bitstring Status List over HTTP', () => {
  it('passes a credential whose bit is clear and fails one whose bit is set', async () => {
    const url = await publishList('/status/1', [7]);
    const ok = await verify(
      await credentialWithStatus(buildStatusEntry({ listCredential: url, index: 3, purpose: 'revocation' })),
      { fetch, now: () => NOW },
    );
    expect(ok.verdict).toBe('valid');
    expect(stepOf(ok, 'status')?.message).toBe(
      'The issuer’s status list shows the credential as not revoked.',
    );
    const revoked = await verify(
      await credentialWithStatus(buildStatusEntry({ listCredential: url, index: 7, purpose: 'revocation' })),
      { fetch, now: () => NOW },
    );
    expect(revoked).toMatchObject({
      verdict: 'invalid',
      status: 'revoked',
      summary: 'The issuer has revoked this badge.',
    });
    expect(stepOf(revoked, 'status')).toMatchObject({
      result: 'fail',
      code: 'REVOKED',
      message: 'The issuer has revoked this credential.',
    });
  });

  it('reports suspension', async () => {
    const url = await publishList('/status/suspended', [2], { purpose: 'suspension' });
    const r = await verify(
      await credentialWithStatus(buildStatusEntry({ listCredential: url, index: 2, purpose: 'suspension' })),
      { fetch, now: () => NOW },
    );
    expect(r).toMatchObject({ verdict: 'invalid', status: 'suspended' });
  });

  it('accepts an unsigned list, and a list another issuer issued and signed (saying so)', async () => {
    const unsigned = await publishList('/status/unsigned', [], { sign: false });
    expect(
      (
        await verify(
          await credentialWithStatus(
            buildStatusEntry({ listCredential: unsigned, index: 1, purpose: 'revocation' }),
          ),
          { fetch, now: () => NOW },
        )
      ).verdict,
    ).toBe('valid');
    const foreignIssuer = newIssuer();
    const foreign = await publishList('/status/foreign', [], { listIssuer: foreignIssuer });
    const r = await verify(
      await credentialWithStatus(
        buildStatusEntry({ listCredential: foreign, index: 1, purpose: 'revocation' }),
      ),
      { fetch, now: () => NOW },
    );
    // Bitstring Status List §3.2: the issuers "might differ"; the list must be its own issuer's.
    expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
    expect(stepOf(r, 'status')).toMatchObject({
      result: 'pass',
      message: `The status list shows the credential as not revoked. The status list is issued by ${foreignIssuer.did}, not by the credential’s issuer, which the Bitstring Status List specification allows.`,
    });
    // A list that names another issuer but carries a proof by someone else is not that issuer's.
    const misattributed = buildStatusListCredential({
      id: `${server.base}/status/misattributed`,
      issuer: foreignIssuer.did,
      statusPurpose: 'revocation',
      encodedList: encodeBitstring(createBitstring()),
      validFrom: '2025-01-01T00:00:00Z',
    });
    server.routes.set('/status/misattributed', json(await signDi(misattributed, issuer)));
    const bad = await verify(
      await credentialWithStatus(
        buildStatusEntry({ listCredential: misattributed.id, index: 1, purpose: 'revocation' }),
      ),
      { fetch, now: () => NOW },
    );
    expect(stepOf(bad, 'status')).toMatchObject({ result: 'fail', code: 'STATUS_INVALID' });
    expect(bad.verdict).toBe('invalid');
  });

  it('is indeterminate when the list is unreachable, and uses a cached copy with its age', async () => {
    const url = await publishList('/status/flaky', []);
    const cred = await credentialWithStatus(
      buildStatusEntry({ listCredential: url, index: 4, purpose: 'revocation' }),
    );
    let clock = new Date('2026-06-01T00:00:00Z');
    const statusCache = createStatusCache({ maxAgeMs: 60_000, now: () => clock });
    expect((await verify(cred, { fetch, now: () => clock, statusCache })).verdict).toBe('valid');
    server.routes.delete('/status/flaky');
    clock = new Date('2026-06-01T03:00:00Z');
    const cached = await verify(cred, { fetch, now: () => clock, statusCache });
    expect(cached.verdict).toBe('valid');
    expect(stepOf(cached, 'status')).toMatchObject({ result: 'warn' });
    expect(stepOf(cached, 'status')?.message).toBe(
      'The status list could not be reached; a copy fetched 3 hours ago shows the credential as not revoked.',
    );
    const uncached = await verify(cred, { fetch, now: () => clock });
    expect(uncached.verdict).toBe('indeterminate');
    expect(stepOf(uncached, 'status')).toMatchObject({ result: 'warn', code: 'STATUS_UNREACHABLE' });
    expect(uncached.summary).toContain('could not be fully checked');
  });

  it('refuses to fetch a list on a private network with the default fetch', async () => {
    const url = await publishList('/status/private', []);
    const r = await verify(
      await credentialWithStatus(buildStatusEntry({ listCredential: url, index: 1, purpose: 'revocation' })),
      { now: () => NOW },
    );
    expect(stepOf(r, 'status')).toMatchObject({ result: 'warn', code: 'STATUS_UNREACHABLE' });
    expect(stepOf(r, 'status')?.detail).toContain('private');
  });
});

describe('verify: 1EdTech revocation list', () => {
  it('reports revocation with the reason the list gives', async () => {
    const cred = await credentialWithStatus({
      id: `${server.base}/revocations`,
      type: '1EdTechRevocationList',
    });
    server.routes.set('/revocations', json({ id: `${server.base}/revocations`, revokedCredential: [] }));
    expect((await verify(cred, { fetch, now: () => NOW })).verdict).toBe('valid');
    server.routes.set(
      '/revocations',
      json({ revokedCredential: [{ id: cred.id, revoked: true, revocationReason: 'Awarded in error.' }] }),
    );
    const r = await verify(cred, { fetch, now: () => NOW });
    expect(r).toMatchObject({ verdict: 'invalid', status: 'revoked' });
    expect(stepOf(r, 'status')?.message).toBe(
      'The issuer has revoked this credential. The reason given: Awarded in error.',
    );
  });
});
