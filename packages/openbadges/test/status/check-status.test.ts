import { describe, expect, it } from 'vitest';
import { rejectionCode as code } from '../bake/expect-code.ts';
import { createBitstring, encodeBitstring, setBit } from '../../src/status/bitstring.ts';
import {
  buildStatusEntry,
  buildStatusListCredential,
  checkBitstringStatus,
} from '../../src/status/bitstring-credential.ts';
import { createStatusCache } from '../../src/status/status-cache.ts';
import { OpenBadgesError } from '../../src/errors.ts';
import { BITSTRING_STATUS_LIST_CONTEXT, bundledContexts, VC_V2_CONTEXT } from '../../src/contexts/index.ts';

const LIST_URL = 'https://issuer.example/status/1';
const ISSUER = 'did:web:issuer.example';
const now = () => new Date('2026-06-01T00:00:00Z');

function list(purpose: 'revocation' | 'suspension', set: number[] = [], length?: number) {
  const bits = createBitstring(length);
  for (const i of set) setBit(bits, i, true);
  return buildStatusListCredential({
    id: LIST_URL,
    issuer: ISSUER,
    statusPurpose: purpose,
    encodedList: encodeBitstring(bits),
    validFrom: '2026-01-01T00:00:00Z',
  });
}

/** A fetchJson over a fixed map of documents, counting calls; unknown URLs fail like a dead host. */
function server(docs: Record<string, unknown>) {
  const calls: string[] = [];
  return {
    calls,
    fetchJson: async (url: string) => {
      calls.push(url);
      if (!(url in docs)) throw new Error(`connect ECONNREFUSED for ${url}`);
      return structuredClone(docs[url]);
    },
  };
}

describe('buildStatusListCredential / buildStatusEntry', () => {
  it('builds the W3C shapes with the VC 2.0 context alone', () => {
    const vc = list('revocation');
    expect(vc).toEqual({
      '@context': [VC_V2_CONTEXT],
      id: LIST_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: ISSUER,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: {
        id: `${LIST_URL}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: expect.stringMatching(/^uH4sI/),
      },
    });
    expect(buildStatusEntry({ listCredential: LIST_URL, index: 94567, purpose: 'revocation' })).toEqual({
      id: `${LIST_URL}#94567`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: LIST_URL,
    });
    const withEnd = buildStatusListCredential({
      id: LIST_URL,
      issuer: { id: ISSUER, name: 'X' },
      statusPurpose: 'suspension',
      encodedList: 'u',
      validFrom: new Date('2026-01-01T00:00:00.250Z'),
      validUntil: new Date('2027-01-01T00:00:00Z'),
    });
    expect(withEnd.validFrom).toBe('2026-01-01T00:00:00.250Z');
    expect(withEnd.validUntil).toBe('2027-01-01T00:00:00Z');
  });

  it('every term used is defined by the bundled VC 2.0 context', () => {
    const v2 = bundledContexts.get(VC_V2_CONTEXT) as { '@context': Record<string, unknown> };
    const terms = JSON.stringify(v2);
    for (const t of ['BitstringStatusListCredential', 'BitstringStatusList', 'BitstringStatusListEntry']) {
      expect(v2['@context']).toHaveProperty(t);
    }
    for (const t of ['encodedList', 'statusPurpose', 'statusListIndex', 'statusListCredential']) {
      expect(terms).toContain(`"${t}"`);
    }
    expect(BITSTRING_STATUS_LIST_CONTEXT).toBeTypeOf('string');
  });
});

describe('checkBitstringStatus', () => {
  const entry = (index: number, purpose: 'revocation' | 'suspension' = 'revocation') =>
    buildStatusEntry({ listCredential: LIST_URL, index, purpose });

  it('reads ok, revoked and suspended', async () => {
    const revocations = server({ [LIST_URL]: list('revocation', [5, 131071]) });
    const opts = { fetchJson: revocations.fetchJson, now, expectedIssuer: ISSUER };
    expect(await checkBitstringStatus(entry(4), opts)).toEqual({
      status: 'ok',
      listCredential: LIST_URL,
      checkedAt: now(),
      fetchedAt: now(),
      stale: false,
      listIssuer: ISSUER,
    });
    expect((await checkBitstringStatus(entry(5), opts)).status).toBe('revoked');
    expect((await checkBitstringStatus(entry(131071), opts)).status).toBe('revoked');
    const suspensions = server({ [LIST_URL]: list('suspension', [7]) });
    expect(
      (await checkBitstringStatus(entry(7, 'suspension'), { fetchJson: suspensions.fetchJson, now })).status,
    ).toBe('suspended');
  });

  it('refuses a list of the wrong purpose, an index out of range, a short list and a foreign issuer', async () => {
    const { fetchJson } = server({ [LIST_URL]: list('suspension') });
    expect(await code(checkBitstringStatus(entry(1), { fetchJson, now }))).toBe('STATUS_INVALID');
    const ok = server({ [LIST_URL]: list('revocation') });
    expect(await code(checkBitstringStatus(entry(131072), { fetchJson: ok.fetchJson, now }))).toBe(
      'STATUS_INVALID',
    );
    expect(
      await code(
        checkBitstringStatus(entry(1), { fetchJson: ok.fetchJson, now, expectedIssuer: 'did:web:other' }),
      ),
    ).toBe('STATUS_INVALID');
    const short = list('revocation');
    short.credentialSubject.encodedList = encodeBitstring(new Uint8Array(1024));
    const s = server({ [LIST_URL]: short });
    expect(await code(checkBitstringStatus(entry(1), { fetchJson: s.fetchJson, now }))).toBe(
      'STATUS_INVALID',
    );
  });

  it('refuses malformed entries and list documents', async () => {
    const { fetchJson } = server({ [LIST_URL]: list('revocation') });
    const bad = [
      null,
      { ...entry(1), type: 'Other' },
      { ...entry(1), statusPurpose: 'message' },
      { ...entry(1), statusListIndex: '-1' },
      { ...entry(1), statusListIndex: 'abc' },
      { ...entry(1), statusListCredential: 'file:///etc/passwd' },
      { ...entry(1), statusSize: 2 },
    ];
    for (const e of bad)
      expect(await code(checkBitstringStatus(e, { fetchJson, now }))).toBe('STATUS_INVALID');
    const docs: unknown[] = [
      'text',
      { ...list('revocation'), type: ['VerifiableCredential'] },
      {
        ...list('revocation'),
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' },
      },
      { ...list('revocation'), validUntil: '2026-02-01T00:00:00Z' },
      { ...list('revocation'), validFrom: '2027-01-01T00:00:00Z' },
      {
        ...list('revocation'),
        credentialSubject: { ...list('revocation').credentialSubject, encodedList: 'u-not-gzip' },
      },
    ];
    for (const doc of docs) {
      const s = server({ [LIST_URL]: doc });
      expect(await code(checkBitstringStatus(entry(1), { fetchJson: s.fetchJson, now }))).toBe(
        'STATUS_INVALID',
      );
    }
  });

  it('allows a list signed a little ahead of the verifier (clock tolerance), not more', async () => {
    const at = (iso: string) =>
      server({ [LIST_URL]: { ...list('revocation', [4]), validFrom: iso } }).fetchJson;
    // 30 s ahead: a list re-signed while the verification ran, or a slightly fast clock.
    const soon = await checkBitstringStatus(entry(4), { fetchJson: at('2026-06-01T00:00:30Z'), now });
    expect(soon.status).toBe('revoked');
    expect(await code(checkBitstringStatus(entry(4), { fetchJson: at('2026-06-01T00:02:00Z'), now }))).toBe(
      'STATUS_INVALID',
    );
    expect(
      await code(
        checkBitstringStatus(entry(4), {
          fetchJson: at('2026-06-01T00:00:30Z'),
          now,
          clockToleranceMs: 0,
        }),
      ),
    ).toBe('STATUS_INVALID');
  });

  it('accepts a numeric index and the StatusList2021 names', async () => {
    const legacy = {
      ...list('revocation', [3]),
      type: ['VerifiableCredential', 'StatusList2021Credential'],
      credentialSubject: { ...list('revocation', [3]).credentialSubject, type: 'StatusList2021' },
    };
    const { fetchJson } = server({ [LIST_URL]: legacy });
    const e = { ...entry(3), type: 'StatusList2021Entry', statusListIndex: 3 };
    expect((await checkBitstringStatus(e, { fetchJson, now })).status).toBe('revoked');
  });

  it('reports an unreachable list as STATUS_UNREACHABLE', async () => {
    const { fetchJson } = server({});
    expect(await code(checkBitstringStatus(entry(1), { fetchJson, now }))).toBe('STATUS_UNREACHABLE');
  });

  it('checks the list proof through the injected verifier', async () => {
    const { fetchJson } = server({ [LIST_URL]: list('revocation', [2]) });
    const seen: object[] = [];
    const good = async (vc: object) => {
      seen.push(vc);
      return { verified: true, issuer: ISSUER };
    };
    const result = await checkBitstringStatus(entry(2), {
      fetchJson,
      now,
      verifyListCredential: good,
      expectedIssuer: ISSUER,
    });
    expect(result.status).toBe('revoked');
    expect(seen).toHaveLength(1);
    const failing = async () => ({ verified: false });
    expect(
      await code(checkBitstringStatus(entry(2), { fetchJson, now, verifyListCredential: failing })),
    ).toBe('STATUS_INVALID');
    const throwing = async () => {
      throw new Error('bad signature');
    };
    expect(
      await code(checkBitstringStatus(entry(2), { fetchJson, now, verifyListCredential: throwing })),
    ).toBe('STATUS_INVALID');
    const keyUnreachable = async () => {
      throw new OpenBadgesError('FETCH_FAILED', 'no route');
    };
    expect(
      await code(checkBitstringStatus(entry(2), { fetchJson, now, verifyListCredential: keyUnreachable })),
    ).toBe('STATUS_UNREACHABLE');
    const otherSigner = async () => ({ verified: true, issuer: 'did:web:other' });
    expect(
      await code(
        checkBitstringStatus(entry(2), {
          fetchJson,
          now,
          verifyListCredential: otherSigner,
          expectedIssuer: ISSUER,
        }),
      ),
    ).toBe('STATUS_INVALID');
  });

  it('uses a fresh cached list, and a stale one (flagged) when the host is down', async () => {
    let t = new Date('2026-06-01T00:00:00Z');
    const clock = () => t;
    const cache = createStatusCache({ maxAgeMs: 60_000, now: clock });
    const docs: Record<string, unknown> = { [LIST_URL]: list('revocation', [9]) };
    const s = server(docs);
    const opts = { fetchJson: s.fetchJson, cache, now: clock };
    const first = await checkBitstringStatus(entry(9), opts);
    expect(first).toMatchObject({ status: 'revoked', stale: false });
    await checkBitstringStatus(entry(9), opts);
    expect(s.calls).toHaveLength(1);

    t = new Date(t.getTime() + 3_600_000);
    delete docs[LIST_URL];
    const stale = await checkBitstringStatus(entry(9), opts);
    expect(stale).toMatchObject({ status: 'revoked', stale: true, fetchedAt: first.fetchedAt, checkedAt: t });
    expect(s.calls).toHaveLength(2);

    // A list that fails its checks is never cached.
    const other = 'https://issuer.example/status/2';
    const bad = server({ [other]: { ...list('suspension'), id: other } });
    const e = buildStatusEntry({ listCredential: other, index: 1, purpose: 'revocation' });
    expect(await code(checkBitstringStatus(e, { fetchJson: bad.fetchJson, cache, now: clock }))).toBe(
      'STATUS_INVALID',
    );
    expect(cache.get(other)).toBeUndefined();
  });
});
