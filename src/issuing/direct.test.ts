import { describe, expect, it } from 'vitest';
import { makeUser } from '../accounts/testing.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { makeOrg } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { listWalletItems } from '../wallet/service.ts';
import { issueIntoWallet } from './direct.ts';
import { prepareIssuer } from './issue.ts';
import { getAward } from './service.ts';
import { expectValidCredential } from './test-support.ts';

describe.each(DIALECTS)('issuing into a wallet on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('signs the evidence in, accepts into the wallet and mails "it is in your wallet", in the caller’s transaction', async () => {
    const org = await makeOrg(t.db, { config: t.ctx.config });
    const template = await makeTemplate(t.ctx, org);
    const user = await makeUser(t.db, { email: 'grace@example.org', name: 'Grace Hopper' });
    const issuer = await prepareIssuer(t.ctx, org.id, template.id);
    const { award, item } = await t.db.transaction().execute((trx) =>
      issueIntoWallet(trx, t.ctx, issuer, {
        userId: user.id,
        recipientName: 'Grace Hopper',
        recipientEmail: 'Grace@Example.org',
        evidenceNarrative: 'Wrote the first compiler.',
        evidence: [{ id: 'https://example.org/files/1', name: 'Compiler listing', genre: 'File' }],
      }),
    );
    expect(award).toMatchObject({
      state: 'accepted',
      claimedBy: user.id,
      recipientEmail: 'grace@example.org',
    });
    expect(item).toMatchObject({ userId: user.id, awardId: award.id, badgeName: template.name });
    const credential = JSON.parse(award.credentialJson);
    expect(credential.evidence).toEqual([
      { type: ['Evidence'], narrative: 'Wrote the first compiler.' },
      { id: 'https://example.org/files/1', type: ['Evidence'], name: 'Compiler listing', genre: 'File' },
    ]);
    await expectValidCredential(t.app, t.ctx.config.baseUrl, award);
    expect((await getAward(t.db, award.id))?.evidence).toEqual([
      { id: 'https://example.org/files/1', name: 'Compiler listing', genre: 'File' },
    ]);
    const mail = await t.db
      .selectFrom('emails')
      .select(['subject', 'text'])
      .where('toAddress', '=', 'grace@example.org')
      .executeTakeFirstOrThrow();
    expect(mail.text).toContain('It is in your Laurel wallet');
    expect(mail.text).not.toContain('/claim/');

    const page = await t.app.inject({ url: `/c/${award.id}` });
    expect(page.statusCode).toBe(404); // private in the wallet until the earner shares it
  });

  it('writes nothing when the caller’s transaction fails afterwards', async () => {
    const org = await makeOrg(t.db, { config: t.ctx.config });
    const template = await makeTemplate(t.ctx, org);
    const user = await makeUser(t.db);
    const issuer = await prepareIssuer(t.ctx, org.id, template.id);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await issueIntoWallet(trx, t.ctx, issuer, {
          userId: user.id,
          recipientName: 'A',
          recipientEmail: user.email,
        });
        throw new Error('the caller’s check failed');
      }),
    ).rejects.toThrow('the caller’s check failed');
    expect(await listWalletItems(t.db, user.id)).toEqual([]);
    const count = await t.db
      .selectFrom('awards')
      .select((e) => e.fn.countAll().as('n'))
      .where('orgId', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});
