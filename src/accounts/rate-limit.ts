import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { LaurelError } from '../errors.ts';

export interface Limit {
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;

export const LIMITS = {
  /** Failed logins from one source, whatever the account: one machine spraying passwords. */
  loginFailuresPerSource: { limit: 50, windowMs: 15 * MINUTE },
  /** Failed logins to one account from one source: one machine guessing one password. */
  loginFailuresPerAccountSource: { limit: 10, windowMs: 15 * MINUTE },
  /** Failed logins to one account from every source without its device cookie: a botnet. */
  loginFailuresPerAccount: { limit: 100, windowMs: 60 * MINUTE },
  /** Failed logins with one device cookie, after which it stops exempting (a stolen cookie). */
  loginFailuresPerDevice: { limit: 10, windowMs: 60 * MINUTE },
  /** Addresses one account adds (each gets a confirmation email). */
  addressesPerAccount: { limit: 5, windowMs: 15 * MINUTE },
  /** Emailed links and sign-ups asked for by one source. */
  mailPerSource: { limit: 20, windowMs: 15 * MINUTE },
  /**
   * Emails to one address. The window is shorter than the shortest link life (a login link,
   * 15 minutes), so a link mailed before the budget ran out still works (see mailAllowed).
   */
  mailPerAddress: { limit: 3, windowMs: 10 * MINUTE },
} satisfies Record<string, Limit>;

/** One counter: what is counted (scope), for whom (value), under which rule. */
export interface Bucket {
  scope: string;
  value: string;
  rule: Limit;
}

interface Taken {
  key: string;
  windowStart: Date;
}

// Keys carry no address in clear: a hash is enough to count.
const keyOf = (b: Bucket) => `${b.scope}:${createHash('sha256').update(b.value).digest('hex').slice(0, 32)}`;
const windowOf = (rule: Limit, now: number) => Math.floor(now / rule.windowMs) * rule.windowMs;

/**
 * The source a request is counted under: its IPv4 address, or the /64 of an IPv6 one (one
 * subscriber commonly holds a whole /64, so single addresses would cost an attacker nothing).
 */
export function sourceOf(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * What the previous window still counts: its hits, weighted by the share of it that lies
 * within one window length of now. Added to the current window's hits this makes a sliding
 * window, so a guesser gains nothing by waiting for a window to turn over.
 */
async function carriedOver(db: Db, key: string, rule: Limit, now: number): Promise<number> {
  const start = windowOf(rule, now);
  const previous = await db
    .selectFrom('rateLimits')
    .select('hits')
    .where('key', '=', key)
    .where('windowStart', '=', new Date(start - rule.windowMs))
    .executeTakeFirst();
  return (previous?.hits ?? 0) * (1 - (now - start) / rule.windowMs);
}

/**
 * Counts one in the bucket (in the database, so every process behind a load balancer sees the
 * same numbers); says whether the count over the last window length is within the limit.
 */
async function take(db: Db, b: Bucket): Promise<{ allowed: boolean; taken: Taken }> {
  const now = Date.now();
  const taken = { key: keyOf(b), windowStart: new Date(windowOf(b.rule, now)) };
  const row = await db
    .insertInto('rateLimits')
    .values({ key: taken.key, windowStart: taken.windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(['key', 'windowStart']).doUpdateSet({ hits: sql`rate_limits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  const count = row.hits + (await carriedOver(db, taken.key, b.rule, now));
  return { allowed: count <= b.rule.limit, taken };
}

async function giveBack(db: Db, taken: Taken[]): Promise<void> {
  for (const t of taken) {
    await db
      .updateTable('rateLimits')
      .set({ hits: sql`greatest(rate_limits.hits - 1, 0)` })
      .where('key', '=', t.key)
      .where('windowStart', '=', t.windowStart)
      .execute();
  }
}

/** Whether the bucket is already at its limit (nothing is counted). */
export async function spent(db: Db, b: Bucket): Promise<boolean> {
  const now = Date.now();
  const key = keyOf(b);
  const row = await db
    .selectFrom('rateLimits')
    .select('hits')
    .where('key', '=', key)
    .where('windowStart', '=', new Date(windowOf(b.rule, now)))
    .executeTakeFirst();
  return (row?.hits ?? 0) + (await carriedOver(db, key, b.rule, now)) >= b.rule.limit;
}

export const tooMany = (
  message = 'Too many attempts in a short time. Please wait 15 minutes and try again.',
) => new LaurelError('RATE_LIMITED', message);

/**
 * Runs `attempt` and counts it in every bucket only when it fails, so a person who gets it
 * right never pays for someone else's wrong guesses. The attempt is counted before it runs
 * and given back when it succeeds: concurrent attempts then see each other, and a burst of
 * parallel guesses cannot slip past the limit. Over any limit: RATE_LIMITED, without running
 * the attempt (a locked-out guesser learns nothing, not even whether the guess was right).
 */
export async function countFailures(
  db: Db,
  buckets: Bucket[],
  attempt: () => Promise<boolean>,
  refusal: () => LaurelError = tooMany,
): Promise<boolean> {
  const taken: Taken[] = [];
  let allowed = true;
  for (const b of buckets) {
    const r = await take(db, b);
    taken.push(r.taken);
    allowed &&= r.allowed;
  }
  if (!allowed) {
    await giveBack(db, taken);
    throw refusal();
  }
  const ok = await attempt().catch(async (e) => {
    await giveBack(db, taken);
    throw e;
  });
  if (ok) await giveBack(db, taken);
  return ok;
}

/** Counts a request; RATE_LIMITED (429) when its bucket is over the limit. */
export async function enforce(db: Db, b: Bucket): Promise<void> {
  if (!(await take(db, b)).allowed) throw tooMany();
}

/** Counts a request that sends mail against its source's budget. */
export const limitSource = (db: Db, scope: string, ip: string) =>
  enforce(db, { scope: `${scope}-source`, value: sourceOf(ip), rule: LIMITS.mailPerSource });

/**
 * Counts one email to `address` under `purpose`; false once the address has had its share.
 * The caller then sends nothing and answers exactly as if it had sent, so the page reveals
 * neither the limit nor whether the address has an account. Only sent mail counts: a flood
 * of refused requests cannot keep the budget spent, so whenever it is, a link went out less
 * than 1⅓ windows ago (13 minutes, within a login link's 15), and one more goes out as soon
 * as the window slides.
 */
export async function mailAllowed(db: Db, purpose: string, address: string): Promise<boolean> {
  const r = await take(db, { scope: `${purpose}-address`, value: address, rule: LIMITS.mailPerAddress });
  if (!r.allowed) await giveBack(db, [r.taken]);
  return r.allowed;
}
