import { beforeAll, describe, expect, it } from 'vitest';
import { mergeAccounts } from '../accounts/service.ts';
import { makeUser } from '../accounts/testing.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { makeOrg } from '../orgs/testing.ts';
import { setTemplateStatus } from '../templates/service.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import { listWalletItems } from '../wallet/service.ts';
import { generateCodes } from './codes.ts';
import { REDEEM_LIMITS, RedeemLimited, RedeemRefusal, type Redeemer, redeemCode } from './redeem.ts';
import {
  createSharedCode,
  disableCode,
  generateBatch,
  getCodeSet,
  listRedemptions,
  setDisabled,
} from './service.ts';

describe.each(DIALECTS)('redeeming claim codes on %s', (dialect) => {
  const t = useTestApp(dialect);
  let org: Org;
  let template: Template;
  let ipCounter = 0;

  /** A new verified account redeeming from an address of its own (the address limits are tested apart). */
  async function person(
    opts: { verified?: boolean; name?: string } = {},
  ): Promise<Redeemer & { email: string }> {
    const user = await makeUser(t.db, { name: opts.name ?? 'Redeeming Person', verified: opts.verified });
    ipCounter++;
    return {
      userId: user.id,
      name: user.name,
      ip: `198.51.${ipCounter >> 8}.${ipCounter & 255}`,
      email: user.email,
    };
  }

  /** The refusal a redemption ends with. */
  async function refusal(who: Redeemer, code: string) {
    const e = await redeemCode(t.ctx, who, code).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(RedeemRefusal);
    return e as RedeemRefusal;
  }

  const shared = (
    input: Partial<Parameters<typeof createSharedCode>[2]> = {},
    by: Parameters<typeof createSharedCode>[3] = {},
  ) => createSharedCode(t.db, t.config, { orgId: org.id, templateId: template.id, ...input }, by);

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config, name: 'Code Society' });
    template = await makeTemplate(t.ctx, org, { name: 'Conference Attendee' });
  });

  it('issues the badge to the verified address, accepted into the wallet, once per person', async () => {
    const { codes, set } = await shared({ code: 'spring-2027', maxUses: 5 });
    expect(codes).toEqual(['SPRI-NG20-27']);
    const ada = await person({ name: 'Ada Redeemer' });
    const done = await redeemCode(t.ctx, ada, ' Spring 2027 ');
    expect(done.badgeName).toBe('Conference Attendee');
    const award = await t.db
      .selectFrom('awards')
      .selectAll()
      .where('id', '=', done.awardId)
      .executeTakeFirstOrThrow();
    expect(award).toMatchObject({
      recipientEmail: ada.email,
      recipientName: 'Ada Redeemer',
      state: 'accepted',
    });
    expect(award.claimedBy).toBe(ada.userId);
    expect((await listWalletItems(t.db, ada.userId)).map((i) => i.id)).toEqual([done.itemId]);

    const again = await refusal(ada, 'SPRING2027');
    expect(again.reason).toBe('already redeemed');
    expect(again.itemId).toBe(done.itemId);
    expect(await getCodeSet(t.db, org.id, set.id)).toMatchObject({ redeemed: 1 });
    const uses = await listRedemptions(t.db, set.id);
    expect(uses).toMatchObject([
      { userName: 'Ada Redeemer', recipientEmail: ada.email, awardId: done.awardId },
    ]);
  });

  it('answers "not valid" alike for an unknown code, a disabled one and one of a disabled set', async () => {
    const { codes, set } = await generateBatch(t.db, t.config, {
      orgId: org.id,
      templateId: template.id,
      count: 3,
    });
    const who = await person();
    const unknown = await refusal(who, 'ZZZZ-ZZZZ-ZZZZ');
    await disableCode(t.db, t.config, set, codes[0]!.toLowerCase());
    const oneDisabled = await refusal(who, codes[0]!);
    await setDisabled(t.db, org.id, set.id, true);
    const setDisabledToo = await refusal(who, codes[1]!);
    const tooShort = await refusal(who, 'abc');
    for (const e of [unknown, oneDisabled, setDisabledToo, tooShort]) {
      expect(e.reason).toBe('not valid');
      expect(e.message).toBe(unknown.message);
      expect(e.message).toMatch(/^That code is not valid/);
    }
    await setDisabled(t.db, org.id, set.id, false);
    await expect(redeemCode(t.ctx, who, codes[1]!)).resolves.toMatchObject({
      badgeName: 'Conference Attendee',
    });
  });

  it('says a right code is not open yet, closed or used up', async () => {
    const soon = await shared({ opensAt: new Date(Date.now() + 3600_000) });
    const who = await person();
    const early = await refusal(who, soon.codes[0]!);
    expect(early.reason).toBe('not open yet');
    expect(early.message).toMatch(/right, but it cannot be redeemed yet/);

    const closing = await shared({ closesAt: new Date(Date.now() + 3600_000) });
    await t.db
      .updateTable('claimCodeSets')
      .set({ closesAt: new Date(Date.now() - 1000) })
      .where('id', '=', closing.set.id)
      .execute();
    expect((await refusal(who, closing.codes[0]!)).reason).toBe('closed');

    const once = await shared({ maxUses: 1 });
    await redeemCode(t.ctx, await person(), once.codes[0]!);
    const late = await refusal(who, once.codes[0]!);
    expect(late.reason).toBe('used up');
    expect(late.message).toMatch(/used as many times as it allows/);
  });

  it('gives one person one code of a batch: a second code stays for someone else', async () => {
    const { codes, set } = await generateBatch(t.db, t.config, {
      orgId: org.id,
      templateId: template.id,
      count: 2,
    });
    const [ada, bob] = [await person(), await person()];
    await redeemCode(t.ctx, ada, codes[0]!);
    expect((await refusal(ada, codes[1]!)).reason).toBe('already redeemed');
    expect((await refusal(bob, codes[0]!)).reason).toBe('used up');
    await redeemCode(t.ctx, bob, codes[1]!);
    expect(await getCodeSet(t.db, org.id, set.id)).toMatchObject({ redeemed: 2 });
  });

  it('issues exactly one award when people redeem one single-use code at the same moment', async () => {
    const { codes, set } = await generateBatch(t.db, t.config, {
      orgId: org.id,
      templateId: template.id,
      count: 1,
    });
    const people = [await person(), await person(), await person()];
    const results = await Promise.allSettled(people.map((p) => redeemCode(t.ctx, p, codes[0]!)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ reason: 'used up' });
    const awards = await t.db
      .selectFrom('awards')
      .select('id')
      .where(
        'recipientEmail',
        'in',
        people.map((p) => p.email),
      )
      .execute();
    expect(awards).toHaveLength(1);
    const code = await t.db
      .selectFrom('claimCodes')
      .select('uses')
      .where('setId', '=', set.id)
      .executeTakeFirstOrThrow();
    expect(code.uses).toBe(1);
  });

  it('issues one award when one person sends two codes of a batch at once', async () => {
    const { codes, set } = await generateBatch(t.db, t.config, {
      orgId: org.id,
      templateId: template.id,
      count: 2,
    });
    const who = await person();
    const results = await Promise.allSettled(codes.map((c) => redeemCode(t.ctx, who, c)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await listWalletItems(t.db, who.userId)).length).toBe(1);
    expect(await getCodeSet(t.db, org.id, set.id)).toMatchObject({ redeemed: 1 });
  });

  it('asks an account without a confirmed address to confirm it first, and issues nothing', async () => {
    const { codes } = await shared();
    const who = await person({ verified: false });
    const e = await refusal(who, codes[0]!);
    expect(e.reason).toBe('email not verified');
    expect(await listWalletItems(t.db, who.userId)).toEqual([]);
  });

  it('says a right code of an archived badge cannot be redeemed', async () => {
    const other = await makeTemplate(t.ctx, org, { name: 'Retired Badge' });
    const { codes } = await createSharedCode(t.db, t.config, { orgId: org.id, templateId: other.id });
    await setTemplateStatus(t.db, other.id, 'archived');
    expect((await refusal(await person(), codes[0]!)).reason).toBe('badge unavailable');
  });

  it('refuses a taken code and checks the window, limit and template', async () => {
    await shared({ code: 'TAKEN-CODE-1' });
    const other = await makeOrg(t.db, { config: t.config });
    const otherTemplate = await makeTemplate(t.ctx, other);
    await expect(
      createSharedCode(t.db, t.config, {
        orgId: other.id,
        templateId: otherTemplate.id,
        code: 'taken code 1',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', fields: [{ field: 'code' }] });
    await expect(shared({ code: 'a b' })).rejects.toMatchObject({
      code: 'INVALID',
      fields: [{ field: 'code' }],
    });
    await expect(shared({ maxUses: 0 })).rejects.toMatchObject({ fields: [{ field: 'maxUses' }] });
    await expect(
      shared({ opensAt: new Date(Date.now() + 7200_000), closesAt: new Date(Date.now() + 3600_000) }),
    ).rejects.toMatchObject({ fields: [{ field: 'closesAt' }] });
    await expect(
      createSharedCode(t.db, t.config, { orgId: org.id, templateId: otherTemplate.id }),
    ).rejects.toMatchObject({ fields: [{ field: 'templateId' }] });
    await expect(
      generateBatch(t.db, t.config, { orgId: org.id, templateId: template.id, count: 10_001 }),
    ).rejects.toMatchObject({ fields: [{ field: 'count' }] });
  });

  it('charges a chosen code refused as taken like a wrong code at /redeem, so choosing is no way to guess', async () => {
    await shared({ code: 'GUESS-ME-0001' });
    const chooser = await makeUser(t.db);
    const choose = () => shared({ code: 'guess me 0001' }, { userId: chooser.id });
    for (let i = 0; i < REDEEM_LIMITS.account.capacity; i++)
      await expect(choose()).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(choose()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // A code nobody holds is still created by someone else, and generated codes are never charged.
    await expect(
      shared({ code: 'FRESH-CODE-0002' }, { userId: (await makeUser(t.db)).id }),
    ).resolves.toBeTruthy();
  });

  it('stores no code in clear, and replaces a generated code that collides with a stored one', async () => {
    await shared({ code: 'COLLIDES-HERE' });
    let calls = 0;
    // The first draw repeats a code already on the server; the replacement is drawn fresh.
    const generate = (n: number) =>
      calls++ === 0 ? ['COLLIDESHERE', ...generateCodes(n - 1)] : generateCodes(n);
    const { codes, set } = await generateBatch(
      t.db,
      t.config,
      { orgId: org.id, templateId: template.id, count: 50 },
      {},
      generate,
    );
    expect(calls).toBe(2);
    expect(codes).toHaveLength(50);
    expect(codes).not.toContain('COLL-IDES-HERE');
    expect(new Set(codes).size).toBe(50);
    const rows = await t.db
      .selectFrom('claimCodes')
      .select(['codeHash', 'sealed'])
      .where('setId', '=', set.id)
      .execute();
    expect(rows).toHaveLength(50);
    const dump = JSON.stringify(rows);
    for (const code of codes) expect(dump).not.toContain(code.replace(/-/g, ''));
    // Every exported code redeems.
    await expect(redeemCode(t.ctx, await person(), codes[0]!)).resolves.toBeTruthy();
  });

  it('refuses guesses past the account limit with 429 and a wait, while right codes cost nothing', async () => {
    const { codes } = await generateBatch(t.db, t.config, {
      orgId: org.id,
      templateId: template.id,
      count: 2,
    });
    const guesser = await person();
    // A right code, a closed one or one already redeemed is no guess: only wrong codes count.
    for (let i = 0; i < REDEEM_LIMITS.account.capacity; i++)
      expect((await refusal(guesser, `WRONG-CODE-${String(i).padStart(2, '0')}`)).reason).toBe('not valid');
    const limited = await redeemCode(t.ctx, guesser, codes[0]!).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RedeemLimited);
    expect((limited as RedeemLimited).retryAfterSeconds).toBeGreaterThan(0);
    expect((limited as RedeemLimited).code).toBe('RATE_LIMITED');
    // Another account is not held up by this one's guesses.
    await expect(redeemCode(t.ctx, await person(), codes[1]!)).resolves.toBeTruthy();
  });

  it('refuses guesses from one address past its limit, whichever account sends them', async () => {
    const ip = '203.0.113.77';
    let refused = 0;
    for (let i = 0; i < REDEEM_LIMITS.address.capacity + 3; i++) {
      const who = { ...(await person()), ip };
      const e = await redeemCode(t.ctx, who, `ADDR-GUESS-${String(i).padStart(2, '0')}`).catch(
        (err: unknown) => err,
      );
      if (e instanceof RedeemLimited) refused++;
      else expect(e).toMatchObject({ reason: 'not valid' });
    }
    expect(refused).toBe(3);
  });

  it('moves redemptions with a merged account: a set both redeemed stays redeemed once', async () => {
    const both = await shared();
    const onlyOld = await shared();
    const [kept, merged] = [await person(), await person()];
    await redeemCode(t.ctx, kept, both.codes[0]!);
    await redeemCode(t.ctx, merged, both.codes[0]!);
    await redeemCode(t.ctx, merged, onlyOld.codes[0]!);
    await t.db.transaction().execute((trx) => mergeAccounts(trx, t.ctx.hooks, merged.userId, kept.userId));
    const rows = await t.db
      .selectFrom('claimCodeRedemptions')
      .select(['setId', 'userId'])
      .where('setId', 'in', [both.set.id, onlyOld.set.id])
      .execute();
    expect(rows.map((r) => [r.setId, r.userId]).sort()).toEqual(
      [
        [both.set.id, kept.userId],
        [onlyOld.set.id, kept.userId],
      ].sort(),
    );
    expect((await refusal(kept, onlyOld.codes[0]!)).reason).toBe('already redeemed');
  });
});
