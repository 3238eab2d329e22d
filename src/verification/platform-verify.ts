import { defaultDocumentLoader } from '@laurel/openbadges/contexts';
import { didWebFromUrl } from '@laurel/openbadges/proof';
import {
  createGuardedFetch,
  type GuardedFetch,
  type InputLimits,
  type VerificationReport,
  type VerifyOptions,
  verify,
  verifyMany,
} from '@laurel/openbadges/verify';
import type { AppContext } from '../http/context.ts';
import { slot } from '../http/runtime.ts';
import { getAward } from '../issuing/service.ts';
import { createOwnOriginFetch } from './own-origin-fetch.ts';
import type { VerificationContext } from './settings.ts';
import { exceptOwnOrigin, newStatusCache } from './status-cache.ts';
import type { PoolResult, VerifierPool } from './verify-pool.ts';
import type { VerifyInput } from './worker-protocol.ts';

export type { VerificationReport };

// Other issuers' status lists, one cache per runtime; each verifier worker thread keeps its own.
const statusCacheSlot = slot('verification.statusCache', () => newStatusCache());

// The SSRF-guarded network fetch for every URL outside our own origin.
const outsideFetchSlot = slot('verification.outsideFetch', () =>
  createGuardedFetch({ timeoutMs: 8000, userAgent: 'Laurel verifier' }),
);

/** The fetch the platform verifies with: our own origin in-process, the rest through the SSRF guard. */
export function platformFetch(ctx: AppContext): GuardedFetch {
  const app = ctx.runtime.ownOrigin;
  if (!app) {
    // Outside a server (CLI, a worker process without routes): our own origin over the network,
    // exempt from the private-address check because it is where this platform lives.
    return createGuardedFetch({
      timeoutMs: 8000,
      userAgent: 'Laurel verifier',
      allowedPrivateOrigins: [new URL(ctx.config.baseUrl).origin],
    });
  }
  const outside = (ctx as VerificationContext).verifier?.outsideFetch ?? ctx.runtime.get(outsideFetchSlot);
  return createOwnOriginFetch({ app, baseUrl: ctx.config.baseUrl, outside });
}

/** What every platform verification passes to the library: our fetch, the status cache, the loader, the clock. */
function platformVerifyOptions(ctx: AppContext, now: Date | undefined): VerifyOptions {
  return {
    fetch: platformFetch(ctx),
    ...(now ? { now: () => now } : {}),
    // Our own status lists are never cached, in a server or not: they are read from the database
    // on every verification, so a revocation made by any process shows on the next one.
    statusCache: exceptOwnOrigin(ctx.runtime.get(statusCacheSlot), ctx.config.baseUrl),
    documentLoader: defaultDocumentLoader,
  };
}

/**
 * Verifies a badge from any input the library reads (PNG/SVG bytes, JSON, a JWT, a URL, an
 * object) with the platform's fetch and the shared status-list cache. Never throws on
 * untrusted input: every failure is a step of the report.
 */
export async function verifyOnPlatform(
  ctx: AppContext,
  input: Uint8Array | string | object,
  opts: { recipientEmail?: string; now?: Date; followRefresh?: boolean } = {},
): Promise<VerificationReport> {
  const report = await verify(input, {
    ...platformVerifyOptions(ctx, opts.now),
    ...(opts.recipientEmail ? { recipient: { email: opts.recipientEmail } } : {}),
    ...(opts.followRefresh ? { followRefresh: true } : {}),
  });
  return await withOwnRevocationReason(ctx, report);
}

/**
 * Verifies many badges at once (re-verifying imported wallet badges): each report the one
 * verifyOnPlatform gives that input alone, in the order of the inputs, with the documents they
 * share fetched once. Never throws.
 */
export async function verifyManyOnPlatform(
  ctx: AppContext,
  inputs: ReadonlyArray<Uint8Array | string | object>,
  opts: { now?: Date } = {},
): Promise<VerificationReport[]> {
  const reports = await verifyMany(inputs, { ...platformVerifyOptions(ctx, opts.now), concurrency: 8 });
  return await Promise.all(reports.map((r) => withOwnRevocationReason(ctx, r)));
}

/**
 * Verifies input from anyone (the public verifier) in the worker pool: held to the limits, its
 * computation to the pool's deadline, every URL fetched here with the platform's fetch. Throws a
 * VerifierError when the job had to be stopped or the pool is busy.
 */
export async function verifyUntrusted(
  ctx: AppContext,
  pool: VerifierPool,
  input: VerifyInput,
  opts: { recipientEmail?: string; followRefresh?: boolean; limits: InputLimits; maxInputBytes: number },
): Promise<PoolResult> {
  const result = await pool.run(input, { ...opts, baseUrl: ctx.config.baseUrl }, platformFetch(ctx));
  return { ...result, report: await withOwnRevocationReason(ctx, result.report) };
}

/*
 * A Bitstring Status List says only that a credential is revoked, not why. For a credential this
 * platform issued (issuer is one of our did:web organizations, id urn:uuid:<award>), the issuer's
 * reason is in our database: add it to the report. Whoever holds the credential may read why it
 * was revoked, whether or not its earner shows the badge publicly.
 */
async function withOwnRevocationReason(
  ctx: AppContext,
  report: VerificationReport,
): Promise<VerificationReport> {
  if (report.status !== 'revoked') return report;
  const id = (report.credential as { id?: unknown } | undefined)?.id;
  const match = typeof id === 'string' ? /^urn:uuid:([0-9a-f-]{36})$/i.exec(id) : null;
  const ownPrefix = `${didWebFromUrl(ctx.config.baseUrl)}:`;
  if (!match || !report.issuer?.id.startsWith(ownPrefix)) return report;
  const award = await getAward(ctx.db, match[1]!.toLowerCase());
  const reason = award?.revokedAt ? award.revocationReason?.trim() : undefined;
  if (!reason) return report;
  const sentence = ` The reason given: ${reason.slice(0, 500)}`;
  return {
    ...report,
    summary: report.summary + sentence,
    steps: report.steps.map((s) =>
      s.id === 'status' && s.code === 'REVOKED' && !s.message.includes('The reason given')
        ? { ...s, message: s.message + sentence }
        : s,
    ),
  };
}
