import { afterEach, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import { buildServer } from '../http/server.ts';
import { makeOrg } from '../orgs/testing.ts';
import { issuerIdentityChanges } from './identity-check.ts';
import { issueTestAward } from './testing.ts';
import { createAppContext } from '../features.ts';

describe('the issuer identifier and PUBLIC_URL', () => {
  const t = useTestDatabase('pglite');
  const first = testConfig({ baseUrl: 'http://localhost:3000' });
  const moved = testConfig({ baseUrl: 'https://badges.example.org' });
  afterEach(() => vi.restoreAllMocks());

  it('follows PUBLIC_URL until a badge is issued, then warns at start when PUBLIC_URL changes', async () => {
    const org = await makeOrg(t.db, { config: first });
    // Nothing issued: a new PUBLIC_URL is simply the organization's new identifier.
    expect(await issuerIdentityChanges(createAppContext(t.db, moved))).toEqual([]);

    await issueTestAward(createAppContext(t.db, first), { org });
    expect(await issuerIdentityChanges(createAppContext(t.db, first))).toEqual([]);
    expect(await issuerIdentityChanges(createAppContext(t.db, moved))).toEqual([
      {
        slug: org.slug,
        issuedAs: `did:web:localhost%3A3000:orgs:${org.slug}`,
        now: `did:web:badges.example.org:orgs:${org.slug}`,
      },
    ]);

    const app = await buildServer(createAppContext(t.db, moved));
    const warn = vi.spyOn(app.log, 'warn');
    await app.ready();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining(`Organization ${org.slug} issued badges as did:web:localhost%3A3000`),
    );
    await app.close();
  });
});
