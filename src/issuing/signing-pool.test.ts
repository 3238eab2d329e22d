import { multibaseToPublicKey, verifyDataIntegrity, verifyVcJwt } from '@laurel/openbadges/proof';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import { createAppContext } from '../features.ts';
import { makeOrg } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { type AwardFacts, signAwards } from './credential.ts';
import { type PreparedIssuer, prepareIssuer, stageAwards } from './issue.ts';
import { SigningPool } from './signing-pool.ts';

describe('the signing pool', () => {
  const t = useTestDatabase('pglite');
  const config = testConfig();
  const pool = new SigningPool({ workers: 2, minParallel: 8 });
  let issuer: PreparedIssuer;
  let facts: AwardFacts[];
  beforeAll(async () => {
    const ctx = createAppContext(t.db, config);
    const org = await makeOrg(t.db, { config });
    issuer = await prepareIssuer(ctx, org.id, (await makeTemplate(ctx, org)).id);
    const drafts = Array.from({ length: 40 }, (_, i) => ({
      recipientName: `Ünïcode “Name” ${i}`,
      recipientEmail: ` Person${i}@Example.org `,
      issuedAt: new Date(Date.UTC(2026, 0, 1 + i)),
      validUntil: i % 2 ? new Date(Date.UTC(2031, 0, 1)) : null,
      evidenceUrl: i % 3 ? `https://example.org/work/${i}` : null,
      evidenceNarrative: i % 4 ? `Did “task” ${i}\nwith <care> & \\ back\\slash` : null,
    }));
    const slots = drafts.map((_, index) => ({ listId: '00000000-0000-4000-8000-000000000001', index }));
    facts = stageAwards(config, issuer, drafts, slots, new Date('2026-02-03T04:05:06.789Z')).map(
      (s) => s.facts,
    );
  });
  afterAll(() => pool.close());

  it('signs on its threads exactly the texts the calling thread signs, in order', async () => {
    const inPlace = await signAwards(issuer.bundle, facts);
    const threaded = await pool.sign(issuer.bundle, facts);
    expect(pool.started).toBe(2);
    expect(threaded).toEqual(inPlace);
    // Twice over: the threads keep no state from one request to the next that changes a text.
    expect(await pool.sign(issuer.bundle, facts)).toEqual(inPlace);

    // And the texts are real credentials, both proofs valid under the issuer's key.
    const publicKey = issuer.bundle.key.publicKey;
    const credential = JSON.parse(threaded[7]!.credentialJson);
    expect(credential.proof[0].created).toBe('2026-02-03T04:05:06Z');
    const check = await verifyDataIntegrity(
      { ...credential, proof: credential.proof[0] },
      { resolveKey: async () => ({ publicKey, controller: issuer.bundle.key.issuerId }) },
    );
    expect(check.verified).toBe(true);
    const jwt = await verifyVcJwt(threaded[7]!.credentialJwt, {
      resolveKey: async () => ({
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(publicKey).toString('base64url'),
      }),
    });
    expect(jwt.credential.id).toBe(`urn:uuid:${facts[7]!.awardId}`);
    expect(multibaseToPublicKey(issuer.bundle.key.verificationMethod.split('#')[1]!)).toEqual(publicKey);
  });

  it('signs a handful of awards in the calling thread, without starting a thread', async () => {
    const small = new SigningPool({ workers: 2, minParallel: 8 });
    try {
      expect(await small.sign(issuer.bundle, facts.slice(0, 5))).toEqual(
        await signAwards(issuer.bundle, facts.slice(0, 5)),
      );
      expect(small.started).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('refuses work once closed, and a failure in a thread fails the request', async () => {
    const closing = new SigningPool({ workers: 1, minParallel: 2 });
    // A fact that cannot be signed (no status list URL to put in the credential) fails in the thread.
    const bad = { ...facts[0]!, statusIndex: Number.NaN, issuedAt: new Date(Number.NaN) };
    await expect(closing.sign(issuer.bundle, [bad, bad])).rejects.toThrow();
    await closing.close();
    await expect(closing.sign(issuer.bundle, facts)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
