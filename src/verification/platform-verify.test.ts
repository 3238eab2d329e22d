import { describe, expect, it } from 'vitest';
import { useTestApp } from '../http/testing.ts';
import { revokeAward } from '../issuing/service.ts';
import { makeWalletBadge } from '../wallet/testing.ts';
import { verifyOnPlatform } from './platform-verify.ts';

describe('verifyOnPlatform', () => {
  const t = useTestApp('pglite');

  it('verifies a badge this platform issued, resolving its did:web and status list in-process', async () => {
    const { ctx, config } = t;
    // Accepted and public: its hosted OB 2.0 assertion is published.
    const earner = await t.user({ email: 'grace@example.org' });
    const { award } = await makeWalletBadge(ctx, earner, { visibility: 'public' });
    const credential = JSON.parse(award.credentialJson);
    expect(credential.issuer.id).toMatch(/^did:web:localhost%3A3000:orgs:/);

    const report = await verifyOnPlatform(ctx, award.credentialJson, {
      recipientEmail: 'Grace@Example.org',
    });
    expect(report.steps.filter((s) => s.result !== 'pass' && s.result !== 'skipped')).toEqual([]);
    expect(report.verdict).toBe('valid');
    expect(report.recipient?.matched).toBe(true);

    // The hosted OB 2.0 assertion of the same award, fetched from our own origin in-process.
    const hosted = await verifyOnPlatform(ctx, `${config.baseUrl}/ob2/assertions/${award.id}`, {
      recipientEmail: 'grace@example.org',
    });
    expect(hosted.format).toBe('ob2-hosted');
    expect(hosted.verdict, JSON.stringify(hosted.steps)).toBe('valid');

    await revokeAward(ctx, award.id, 'Awarded by mistake');
    const hostedRevoked = await verifyOnPlatform(ctx, `${config.baseUrl}/ob2/assertions/${award.id}`);
    expect(hostedRevoked.status).toBe('revoked');

    // Our own status list is read live: the revocation shows at once, with its reason.
    const revoked = await verifyOnPlatform(ctx, award.credentialJson);
    expect(revoked.verdict).toBe('invalid');
    expect(revoked.status).toBe('revoked');
    expect(revoked.summary).toContain('The reason given: Awarded by mistake');
    expect(revoked.steps.find((s) => s.id === 'status')?.message).toContain('Awarded by mistake');
  });
});
