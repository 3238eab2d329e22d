import { describe, expect, it } from 'vitest';
import { rejectionCode as code } from '../bake/expect-code.ts';
import { OpenBadgesError } from '../../src/errors.ts';
import { check1EdTechRevocation, checkOb2RevocationList } from '../../src/status/revocation-list.ts';
import { createStatusCache } from '../../src/status/status-cache.ts';

const URL = 'https://1edtech.edu/credentials/3732/revocations';
const entry = { id: URL, type: '1EdTechRevocationList' };

function fetchFrom(doc: unknown) {
  return async (url: string) => {
    if (url !== URL || doc === undefined) throw new Error('unreachable');
    return doc;
  };
}

describe('check1EdTechRevocation', () => {
  const list = {
    id: URL,
    issuer: 'https://1edtech.edu/issuers/565049',
    revokedCredential: [
      { id: 'urn:uuid:a', revoked: true, revocationReason: 'Issued in error' },
      { id: 'urn:uuid:b' },
      { id: 'urn:uuid:c', revoked: false },
    ],
  };

  it('finds revoked credentials (revoked true or absent) and their reason', async () => {
    const fetchJson = fetchFrom(list);
    expect(await check1EdTechRevocation(entry, 'urn:uuid:a', { fetchJson })).toMatchObject({
      revoked: true,
      reason: 'Issued in error',
      listUrl: URL,
    });
    expect((await check1EdTechRevocation(entry, 'urn:uuid:b', { fetchJson })).revoked).toBe(true);
    expect((await check1EdTechRevocation(entry, 'urn:uuid:c', { fetchJson })).revoked).toBe(false);
    expect((await check1EdTechRevocation(entry, 'urn:uuid:z', { fetchJson })).revoked).toBe(false);
  });

  it('also reads the plural revokedCredentials and an empty list', async () => {
    const plural = fetchFrom({ revokedCredentials: [{ id: 'urn:uuid:a' }] });
    expect((await check1EdTechRevocation(entry, 'urn:uuid:a', { fetchJson: plural })).revoked).toBe(true);
    expect(
      (await check1EdTechRevocation(entry, 'urn:uuid:a', { fetchJson: fetchFrom({ id: URL }) })).revoked,
    ).toBe(false);
  });

  it('types its failures', async () => {
    const fetchJson = fetchFrom(list);
    expect(await code(check1EdTechRevocation({ id: URL, type: 'Other' }, 'x', { fetchJson }))).toBe(
      'STATUS_INVALID',
    );
    expect(await code(check1EdTechRevocation({ type: '1EdTechRevocationList' }, 'x', { fetchJson }))).toBe(
      'STATUS_INVALID',
    );
    expect(await code(check1EdTechRevocation(entry, 'x', { fetchJson: fetchFrom(undefined) }))).toBe(
      'STATUS_UNREACHABLE',
    );
    expect(await code(check1EdTechRevocation(entry, 'x', { fetchJson: fetchFrom([1]) }))).toBe(
      'STATUS_INVALID',
    );
    expect(
      await code(check1EdTechRevocation(entry, 'x', { fetchJson: fetchFrom({ revokedCredential: {} }) })),
    ).toBe('STATUS_INVALID');
  });

  it('falls back to a cached list when the host is down', async () => {
    let t = new Date('2026-01-01T00:00:00Z');
    const cache = createStatusCache({ maxAgeMs: 1000, now: () => t });
    await check1EdTechRevocation(entry, 'urn:uuid:a', { fetchJson: fetchFrom(list), cache, now: () => t });
    t = new Date('2026-01-02T00:00:00Z');
    const r = await check1EdTechRevocation(entry, 'urn:uuid:a', {
      fetchJson: fetchFrom(undefined),
      cache,
      now: () => t,
    });
    expect(r).toMatchObject({ revoked: true, stale: true, fetchedAt: new Date('2026-01-01T00:00:00Z') });
  });
});

describe('checkOb2RevocationList', () => {
  const list = {
    '@context': 'https://w3id.org/openbadges/v2',
    id: 'https://issuer.example/revocations',
    type: 'RevocationList',
    revokedAssertions: [
      'https://issuer.example/assertions/1',
      { id: 'urn:uuid:2', revocationReason: 'Honor code violation' },
      { uid: 'abc-3' },
    ],
  };

  it('matches by id (string or object) and by uid', () => {
    expect(checkOb2RevocationList(list, { id: 'https://issuer.example/assertions/1' })).toEqual({
      revoked: true,
    });
    expect(checkOb2RevocationList(list, { id: 'urn:uuid:2' })).toEqual({
      revoked: true,
      reason: 'Honor code violation',
    });
    expect(checkOb2RevocationList(list, { id: 'urn:uuid:3', uid: 'abc-3' })).toEqual({ revoked: true });
    expect(checkOb2RevocationList(list, { id: 'urn:uuid:4', uid: 'abc-4' })).toEqual({ revoked: false });
    expect(checkOb2RevocationList({ type: 'RevocationList' }, { id: 'x' })).toEqual({ revoked: false });
  });

  it('refuses documents that are not revocation lists', () => {
    expect(() => checkOb2RevocationList([], { id: 'x' })).toThrow(OpenBadgesError);
    expect(() => checkOb2RevocationList({ type: 'Issuer' }, { id: 'x' })).toThrow(/RevocationList/);
    expect(() => checkOb2RevocationList({ revokedAssertions: 'x' }, { id: 'x' })).toThrow(OpenBadgesError);
  });
});
