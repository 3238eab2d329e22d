import { matchesIdentity } from '@laurel/openbadges/ob3';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { makeOrg, makeTestUser } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import {
  acceptAward,
  awardCountsByTemplate,
  findAwardByClaimToken,
  getAward,
  listOrgAwards,
  rejectAward,
  revokeAward,
} from './service.ts';
import { issueAward, resendClaimEmail } from './issue.ts';
import { expectValidCredential, servedStatusBit } from './test-support.ts';
import { issueTestAward } from './testing.ts';

describe.each(DIALECTS)('issuing service on %s', (dialect) => {
  const t = useTestApp(dialect);
  const config = testConfig();

  const outboxFor = (to: string) =>
    t.db
      .selectFrom('emails')
      .select(['subject', 'html', 'text', 'attachments', 'dedupeKey'])
      .where('toAddress', '=', to)
      .execute();

  it('issues a signed credential that the library, Digital Bazaar and the official schema all accept', async () => {
    const { award, claimToken, org, template } = await issueTestAward(t.ctx, {
      recipientEmail: '  Ada.Lovelace@Example.ORG ',
      evidenceUrl: 'https://example.org/work/1',
      evidenceNarrative: 'Built the analytical engine programme.',
    });
    expect(award.recipientEmail).toBe('ada.lovelace@example.org');
    const credential = JSON.parse(award.credentialJson);
    expect(credential.id).toBe(`urn:uuid:${award.id}`);
    expect(credential.issuer.id).toBe(`did:web:localhost%3A3000:orgs:${org.slug}`);
    expect(credential.credentialSubject.achievement.id).toBe(
      `${config.baseUrl}/orgs/${org.slug}/badges/${template.id}`,
    );
    expect(award.credentialJson).not.toContain('ada.lovelace');
    expect(credential.credentialStatus).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListCredential: `${config.baseUrl}/orgs/${org.slug}/status/${award.statusListId}`,
    });
    expect(credential.evidence[0]).toMatchObject({ id: 'https://example.org/work/1' });
    await expectValidCredential(t.app, config.baseUrl, award);

    expect(await findAwardByClaimToken(t.db, claimToken)).toMatchObject({ id: award.id });
    const stored = await getAward(t.db, award.id);
    expect(stored?.credentialJson).toBe(award.credentialJson);

    const mails = await outboxFor('ada.lovelace@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.dedupeKey).toBe(`award:${award.id}`);
    expect(mails[0]!.text).toContain(`${config.baseUrl}/claim/${claimToken}`);
    expect(mails[0]!.html).toContain(`cid:badge-${award.id}@laurel`);
    expect(JSON.stringify(mails[0]!.attachments)).toContain(`badge-${award.id}@laurel`);
  });

  it('issues to a look-alike spelling as to the canonical address, with the same recipient hash', async () => {
    for (const spelling of ['ｇｒａｃｅ@Example.org', 'gr\u200Bace@example.org.', 'GRACE@EXAMPLE.ORG']) {
      const { award } = await issueTestAward(t.ctx, { recipientEmail: spelling });
      expect(award.recipientEmail).toBe('grace@example.org');
      const subject = JSON.parse(award.credentialJson).credentialSubject;
      expect(matchesIdentity(subject.identifier[0], 'grace@example.org')).toBe(true);
    }
    expect(await issueTestAward(t.ctx, { recipientEmail: 'grace@0x7f.1' }).catch((e) => e.fields)).toEqual([
      { field: 'recipientEmail', message: expect.stringContaining('is not an email address') },
    ]);
  });

  it('gives every award its own status index, also when issued concurrently', async () => {
    const org = await makeOrg(t.db, { config });
    const template = await makeTemplate(t.ctx, org);
    const awards = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        issueAward(t.ctx, {
          orgId: org.id,
          templateId: template.id,
          recipientName: `R ${i}`,
          recipientEmail: `r${i}@example.org`,
        }),
      ),
    );
    const indices = new Set(awards.map((a) => `${a.statusListId}:${a.statusIndex}`));
    expect(indices.size).toBe(8);
  });

  it('rejects bad input with field errors and writes nothing', async () => {
    const org = await makeOrg(t.db, { config });
    const template = await makeTemplate(t.ctx, org);
    const other = await makeTemplate(t.ctx, await makeOrg(t.db, { config }));
    const draft = await makeTemplate(t.ctx, org, { status: 'draft' });
    const base = {
      orgId: org.id,
      templateId: template.id,
      recipientName: 'A',
      recipientEmail: 'a@example.org',
    };
    const fields = async (over: object) => {
      try {
        await issueAward(t.ctx, { ...base, ...over });
        return [];
      } catch (e) {
        return (e as { fields: { field: string }[] }).fields.map((f) => f.field);
      }
    };
    expect(await fields({ recipientEmail: 'not-an-email' })).toEqual(['recipientEmail']);
    expect(await fields({ recipientName: '  ' })).toEqual(['recipientName']);
    expect(await fields({ evidenceUrl: 'javascript:alert(1)' })).toEqual(['evidenceUrl']);
    expect(await fields({ issuedAt: new Date(Date.now() + 5 * 86_400_000) })).toEqual(['issuedAt']);
    expect(await fields({ issuedAt: new Date('2024-01-10'), validUntil: new Date('2024-01-01') })).toEqual([
      'validUntil',
    ]);
    expect(await fields({ templateId: other.id })).toEqual(['templateId']);
    expect(await fields({ templateId: draft.id })).toEqual(['templateId']);
    // A template whose fixed expiry date has passed: the error says where the date comes from.
    const lapsed = await makeTemplate(t.ctx, org, { expiry: { kind: 'date', date: '2024-06-30' } });
    const refusal = await issueAward(t.ctx, { ...base, templateId: lapsed.id }).catch((e) => e);
    expect(refusal.fields).toEqual([
      {
        field: 'validUntil',
        message: expect.stringContaining('template makes every badge expire on 2024-06-30'),
      },
    ]);
    const { total } = await listOrgAwards(t.db, org.id, {});
    expect(total).toBe(0);
  });

  it('replays the same Idempotency-Key and refuses it for a different request', async () => {
    const org = await makeOrg(t.db, { config });
    const template = await makeTemplate(t.ctx, org);
    const input = {
      orgId: org.id,
      templateId: template.id,
      recipientName: 'B',
      recipientEmail: 'b@example.org',
      idempotencyKey: 'k-1',
    };
    const first = await issueAward(t.ctx, input);
    const again = await issueAward(t.ctx, input);
    expect(again.id).toBe(first.id);
    expect(again.replayed).toBe(true);
    await expect(issueAward(t.ctx, { ...input, recipientName: 'C' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await outboxFor('b@example.org')).toHaveLength(1);
  });

  it('accepts, revokes (flipping the served status bit) and rejects (deleting personal data)', async () => {
    const { award, org, template } = await issueTestAward(t.ctx);
    const user = await makeTestUser(t.db);
    const accepted = await acceptAward(t.db, award.id, user.id);
    expect(accepted.state).toBe('accepted');
    await expect(acceptAward(t.db, award.id, (await makeTestUser(t.db)).id)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await getAward(t.db, award.id)).toMatchObject({ state: 'accepted', claimedBy: user.id });

    const credential = JSON.parse(award.credentialJson);
    expect(await servedStatusBit(t.app, config.baseUrl, credential)).toBe(false);
    await expect(revokeAward(t.ctx, award.id, '  ')).rejects.toMatchObject({ code: 'INVALID' });
    const revoked = await revokeAward(t.ctx, award.id, 'Issued in error', user.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(revoked.revocationReason).toBe('Issued in error');
    expect(await servedStatusBit(t.app, config.baseUrl, credential)).toBe(true);
    await expect(revokeAward(t.ctx, award.id, 'again')).rejects.toMatchObject({ code: 'CONFLICT' });

    const second = await issueTestAward(t.ctx, { org, template });
    const neighbour = JSON.parse(second.award.credentialJson);
    expect(await servedStatusBit(t.app, config.baseUrl, neighbour)).toBe(false);
    const rejected = await rejectAward(t.ctx, second.award.id);
    expect(rejected).toMatchObject({
      state: 'rejected',
      recipientName: null,
      recipientEmail: null,
      credentialJson: '',
      revocationReason: 'Declined by the recipient',
    });
    expect(await servedStatusBit(t.app, config.baseUrl, neighbour)).toBe(true);
    expect(await servedStatusBit(t.app, config.baseUrl, credential)).toBe(true);
  });

  it('a re-sent claim link works, and so does the first one, until the award is accepted', async () => {
    const { award, claimToken } = await issueTestAward(t.ctx);
    const { claimUrl } = await resendClaimEmail(t.ctx, award.id, { reminder: true });
    const second = claimUrl.split('/claim/')[1]!;
    expect(second).not.toBe(claimToken);
    expect((await findAwardByClaimToken(t.db, claimToken))?.id).toBe(award.id);
    expect((await findAwardByClaimToken(t.db, second))?.id).toBe(award.id);
    expect(await findAwardByClaimToken(t.db, `${second.slice(0, -2)}xx`)).toBeNull();
    const reminders = await outboxFor(award.recipientEmail!);
    expect(reminders.filter((m) => m.subject.startsWith('Reminder'))).toHaveLength(1);
    await acceptAward(t.db, award.id, (await makeTestUser(t.db)).id);
    // Both links now lead to an accepted award; the claim page shows it as used.
    expect((await findAwardByClaimToken(t.db, claimToken))?.state).toBe('accepted');
    await expect(resendClaimEmail(t.ctx, award.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('counts the awards of an org per template and state', async () => {
    const { award, org, template } = await issueTestAward(t.ctx);
    const second = await issueTestAward(t.ctx, { org, template });
    await issueTestAward(t.ctx, { org, template });
    const other = await makeTemplate(t.ctx, org, { name: 'Other badge' });
    await issueTestAward(t.ctx, { org, template: other });
    await acceptAward(t.db, award.id, (await makeTestUser(t.db)).id);
    await rejectAward(t.ctx, second.award.id);
    const counts = await awardCountsByTemplate(t.db, org.id);
    expect(counts.get(template.id)).toEqual({ pending: 1, accepted: 1, rejected: 1 });
    expect(counts.get(other.id)).toEqual({ pending: 1, accepted: 0, rejected: 0 });
    expect(counts.size).toBe(2);
  });

  it('lists and filters the issued awards of an org', async () => {
    const org = await makeOrg(t.db, { config });
    const template = await makeTemplate(t.ctx, org);
    const mk = (name: string, email: string) =>
      issueAward(t.ctx, {
        orgId: org.id,
        templateId: template.id,
        recipientName: name,
        recipientEmail: email,
      });
    const grace = await mk('Grace Hopper', 'grace@navy.example');
    await mk('Alan Turing', 'alan@bletchley.example');
    await mk('100%_sure', 'pct@example.org');
    const expired = await issueAward(t.ctx, {
      orgId: org.id,
      templateId: template.id,
      recipientName: 'Old',
      recipientEmail: 'old@example.org',
      issuedAt: new Date('2020-01-01'),
      validUntil: new Date('2021-01-01'),
    });
    await revokeAward(t.ctx, grace.id, 'Mistake');
    expect((await listOrgAwards(t.db, org.id, { q: 'HOPPER' })).items.map((a) => a.id)).toEqual([grace.id]);
    expect((await listOrgAwards(t.db, org.id, { q: 'bletchley' })).total).toBe(1);
    expect((await listOrgAwards(t.db, org.id, { q: '%_' })).total).toBe(1);
    expect((await listOrgAwards(t.db, org.id, { state: 'revoked' })).items.map((a) => a.id)).toEqual([
      grace.id,
    ]);
    expect((await listOrgAwards(t.db, org.id, { state: 'expired' })).items.map((a) => a.id)).toEqual([
      expired.id,
    ]);
    expect((await listOrgAwards(t.db, org.id, { state: 'pending' })).total).toBe(2);
    const page = await listOrgAwards(t.db, org.id, { limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 4 });
    expect(page.items).toHaveLength(2);
  });
});
