// The public verifier's per-process state: the worker pool that verifies untrusted input and the
// per-address cost budget (whose balances are in the database, shared by every process). Both
// live in the context's runtime, made on the first request with the context's settings; closing
// the runtime ends the pool's workers.
import type { VerificationReport } from '@laurel/openbadges/verify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { slot } from '../http/runtime.ts';
import { type CostLimiter, clientKey, createCostLimiter } from './cost-limit.ts';
import { MAX_VERIFY_BYTES, type VerifyRequestInput } from './input.ts';
import { verifyUntrusted } from './platform-verify.ts';
import { budgetSentence, sendRefusal } from './refusals.ts';
import { type VerificationContext, type VerifierSettings, verifierSettings } from './settings.ts';
import { createVerifierPool, VerifierError, type VerifierPool } from './verify-pool.ts';

export interface PublicVerifier {
  settings: VerifierSettings;
  pool: VerifierPool;
  budget: CostLimiter;
}

const publicVerifierSlot = slot<{ made?: PublicVerifier }>(
  'verification.publicVerifier',
  () => ({}),
  async (held) => {
    await held.made?.pool.close();
  },
);

export function publicVerifier(ctx: VerificationContext): PublicVerifier {
  const held = ctx.runtime.get(publicVerifierSlot);
  if (!held.made) {
    const settings = verifierSettings(ctx);
    held.made = {
      settings,
      pool: createVerifierPool(settings.pool),
      budget: createCostLimiter(ctx.db, settings.cost),
    };
  }
  return held.made;
}

/** An onRequest hook refusing an address with no budget left before its body is read; its bytes are charged. */
export function spendBudget(ctx: VerificationContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { budget } = publicVerifier(ctx);
    const client = clientKey(request.ip);
    const admission = await budget.admit(client);
    if (!admission.ok) {
      return sendRefusal(request, reply, {
        status: 429,
        code: 'RATE_LIMITED',
        detail: budgetSentence(admission.retryAfterSeconds),
        retryAfter: admission.retryAfterSeconds,
      });
    }
    await budget.charge(client, { requests: 1, bytes: Number(request.headers['content-length']) || 0 });
  };
}

/** Verifies in the pool and charges the computation to the address (the deadline when stopped). */
export async function verifyCharged(
  ctx: VerificationContext,
  request: FastifyRequest,
  input: VerifyRequestInput,
): Promise<VerificationReport> {
  const { settings, pool, budget } = publicVerifier(ctx);
  const client = clientKey(request.ip);
  // A body sent without a length (chunked) is charged for what it carried.
  if (
    !request.headers['content-length'] &&
    (typeof input.value === 'string' || input.value instanceof Uint8Array)
  )
    await budget.charge(client, { bytes: input.value.length });
  try {
    const { report, computeMs } = await verifyUntrusted(ctx, pool, input.value, {
      recipientEmail: input.recipientEmail,
      followRefresh: input.followRefresh,
      limits: settings.limits,
      maxInputBytes: MAX_VERIFY_BYTES,
    });
    await budget.charge(client, { computeMs });
    return report;
  } catch (e) {
    if (e instanceof VerifierError && e.reason === 'timeout')
      await budget.charge(client, { computeMs: settings.pool.deadlineMs });
    throw e;
  }
}
