// Redeeming a claim code: the signed-in person's verified address gets the badge, straight into
// their wallet, in one transaction with the code's use. Guessing is bounded per account and
// per client address by token buckets shared by every process (src/limits/cost-budget.ts).
import type { Executor } from '../db/index.ts';
import { verifiedEmailsOf } from '../accounts/service.ts';
import { sourceOf } from '../accounts/rate-limit.ts';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { issueIntoWallet } from '../issuing/direct.ts';
import { type PreparedIssuer, prepareIssuer } from '../issuing/issue.ts';
import { type BucketRule, balance, spend } from '../limits/cost-budget.ts';
import { limitKey } from '../limits/keys.ts';
import { codeHasher, normalizeCode, plausibleCode } from './codes.ts';
import { stateAt } from './policy.ts';

/** Why a code gave nothing; each has its own sentence and status (see REFUSALS). */
export type RefusalReason =
  | 'not valid'
  | 'not open yet'
  | 'closed'
  | 'used up'
  | 'already redeemed'
  | 'badge unavailable'
  | 'email not verified';

/**
 * A redemption that gave nothing. Only a code that exists and is enabled says more than
 * "not valid": whether it is closed, used up or not open yet, and whether this person has it.
 */
export class RedeemRefusal extends LaurelError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    /** The wallet item of a badge this person already redeemed from the same set. */
    readonly itemId: string | null = null,
  ) {
    super(REFUSALS[reason].code, message, [{ field: 'code', message }]);
  }
}

/** Each refusal's error code (and so its HTTP status) and the stable code the API names it by. */
export const REFUSALS: Record<RefusalReason, { code: LaurelError['code']; problem: string }> = {
  'not valid': { code: 'INVALID', problem: 'CODE_NOT_VALID' },
  'not open yet': { code: 'CONFLICT', problem: 'CODE_NOT_OPEN_YET' },
  closed: { code: 'GONE', problem: 'CODE_CLOSED' },
  'used up': { code: 'GONE', problem: 'CODE_USED_UP' },
  'already redeemed': { code: 'CONFLICT', problem: 'CODE_ALREADY_REDEEMED' },
  'badge unavailable': { code: 'GONE', problem: 'BADGE_UNAVAILABLE' },
  'email not verified': { code: 'FORBIDDEN', problem: 'EMAIL_NOT_VERIFIED' },
};

export const NOT_VALID = 'That code is not valid. Check it and try again.';

/** Too many wrong codes: the seconds until one more try is allowed. */
export class RedeemLimited extends LaurelError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'RATE_LIMITED',
      `Too many codes that were not valid. Try again in ${retryAfterSeconds < 90 ? `${retryAfterSeconds} seconds` : `${Math.ceil(retryAfterSeconds / 60)} minutes`}.`,
      [{ field: 'code', message: 'Too many codes that were not valid in a short time.' }],
    );
  }
}

/**
 * Wrong codes allowed per account and per client address, as token buckets: a full bucket
 * covers typos and a queue of people behind one venue's address, then guesses trickle in
 * (2 a minute per account, 6 per address) where 60 random bits need ~10^18.
 */
export const REDEEM_LIMITS = {
  account: { capacity: 10, refillPerSecond: 1 / 30 },
  address: { capacity: 30, refillPerSecond: 1 / 10 },
} satisfies Record<string, BucketRule>;

export interface Redeemer {
  userId: string;
  name: string;
  /** The client address (a /64 for IPv6 counts as one). */
  ip: string;
}

export interface Redeemed {
  awardId: string;
  itemId: string;
  badgeName: string;
  orgName: string;
}

export interface Bucket {
  key: string;
  rule: BucketRule;
}

/**
 * Refuses when a bucket has less than one try left. Only a wrong code is charged, after it
 * failed: a burst of parallel guesses may all pass this look before any is charged, but each
 * is charged after, so the bucket sinks as far below zero and the guesser waits that much
 * longer; over time the guesses stay within the refill rate. A person who gets it right pays
 * one read per bucket and no write.
 */
export function admit(buckets: Bucket[], left: number[]): void {
  const wait = Math.max(0, ...left.map((n, i) => (n < 1 ? (1 - n) / buckets[i]!.rule.refillPerSecond : 0)));
  if (wait > 0) throw new RedeemLimited(Math.max(1, Math.ceil(wait)));
}

export const charge = (db: Executor, buckets: Bucket[], now: number) =>
  Promise.all(buckets.map((b) => spend(db, b.key, b.rule, 1, now)));

/**
 * Redeems `typed` for `who`. Only codes that are not valid (unknown or disabled) cost a try: a
 * person who gets it right, or hears that a right code is closed, pays for no one's guesses.
 */
export async function redeemCode(ctx: AppContext, who: Redeemer, typed: string): Promise<Redeemed> {
  const { db } = ctx;
  const now = Date.now();
  const buckets: Bucket[] = [
    { key: limitKey('redeem-account', who.userId), rule: REDEEM_LIMITS.account },
    { key: limitKey('redeem-address', sourceOf(who.ip)), rule: REDEEM_LIMITS.address },
  ];
  // Independent reads, sent at once (PostgreSQL answers them on several connections); they
  // are judged in order: the address, then the limits, then the code.
  const [emails, left, found] = await Promise.all([
    verifiedEmailsOf(db, who.userId),
    Promise.all(buckets.map((b) => balance(db, b.key, b.rule, now))),
    findCode(ctx, normalizeCode(typed)),
  ]);
  const email = emails[0];
  if (!email)
    throw new RedeemRefusal(
      'email not verified',
      'Confirm your email address first: open the link we emailed you, then redeem the code. The badge goes to a confirmed address.',
    );
  admit(buckets, left);
  try {
    return await attempt(ctx, who, email, found);
  } catch (e) {
    if (e instanceof RedeemRefusal && e.reason === 'not valid') await charge(db, buckets, Date.now());
    throw e;
  }
}

const notValid = () => new RedeemRefusal('not valid', NOT_VALID);

/** The code's row and its set's owner, by the code's keyed hash (nothing for an implausible code). */
async function findCode(ctx: AppContext, code: string) {
  if (!plausibleCode(code)) return undefined;
  return ctx.db
    .selectFrom('claimCodes as c')
    .innerJoin('claimCodeSets as s', 's.id', 'c.setId')
    .select(['c.id', 's.id as setId', 's.orgId', 's.templateId', 's.createdBy'])
    .where('c.codeHash', '=', codeHasher(ctx.config.secret)(code))
    .executeTakeFirst();
}

async function attempt(
  ctx: AppContext,
  who: Redeemer,
  email: string,
  found: Awaited<ReturnType<typeof findCode>>,
): Promise<Redeemed> {
  if (!found) throw notValid();
  let issuer: PreparedIssuer | null = null;
  try {
    issuer = await prepareIssuer(ctx, found.orgId, found.templateId);
  } catch (e) {
    if (!(e instanceof LaurelError && e.code === 'INVALID')) throw e;
  }
  return ctx.db.transaction().execute(async (trx) => {
    // The code's row lock orders every redemption of this code: the checks below see the uses
    // and redemptions of every transaction before this one.
    const row = await trx
      .selectFrom('claimCodes as c')
      .innerJoin('claimCodeSets as s', 's.id', 'c.setId')
      .select([
        'c.uses',
        'c.maxUses',
        'c.disabledAt as codeDisabledAt',
        's.disabledAt',
        's.opensAt',
        's.closesAt',
      ])
      .where('c.id', '=', found.id)
      .forUpdate('c')
      .executeTakeFirst();
    if (!row) throw notValid();
    const state = stateAt(row, new Date(), { ...row, disabledAt: row.codeDisabledAt });
    if (state === 'disabled') throw notValid();
    const mine = await trx
      .selectFrom('claimCodeRedemptions as r')
      .leftJoin('walletItems as w', 'w.awardId', 'r.awardId')
      .select('w.id as itemId')
      .where('r.setId', '=', found.setId)
      .where('r.userId', '=', who.userId)
      .executeTakeFirst();
    if (mine) throw alreadyRedeemed(mine.itemId ?? null);
    if (state === 'scheduled')
      throw new RedeemRefusal('not open yet', 'This code is right, but it cannot be redeemed yet.');
    if (state === 'closed')
      throw new RedeemRefusal('closed', 'This code is right, but the time to redeem it has ended.');
    if (state === 'used up')
      throw new RedeemRefusal(
        'used up',
        'This code is right, but it has been used as many times as it allows.',
      );
    if (!issuer) throw unavailable();
    await trx
      .updateTable('claimCodes')
      .set({ uses: row.uses + 1 })
      .where('id', '=', found.id)
      .execute();
    const { award, item } = await issueIntoWallet(trx, ctx, issuer, {
      userId: who.userId,
      recipientName: who.name,
      recipientEmail: email,
      createdBy: found.createdBy,
    }).catch((e: unknown) => {
      throw e instanceof LaurelError && e.code === 'CONFLICT' ? unavailable() : e;
    });
    // Unique per person and set: the same person's second code of a batch, redeemed at the same
    // moment under another code's lock, waits here for this one to commit and then rolls back.
    const claimed = await trx
      .insertInto('claimCodeRedemptions')
      .values({ setId: found.setId, codeId: found.id, userId: who.userId, awardId: award.id })
      .onConflict((oc) => oc.columns(['setId', 'userId']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!claimed) throw alreadyRedeemed(null);
    return { awardId: award.id, itemId: item.id, badgeName: issuer.template.name, orgName: issuer.org.name };
  });
}

const alreadyRedeemed = (itemId: string | null) =>
  new RedeemRefusal(
    'already redeemed',
    'You already have this badge: you redeemed a code for it before.',
    itemId,
  );

const unavailable = () =>
  new RedeemRefusal(
    'badge unavailable',
    'This code is right, but its badge cannot be issued now. Ask the organization that gave you the code.',
  );
