// Answers the verifier gives itself: input over a limit, a verification stopped, a busy pool, an
// address out of budget. They carry the verifier's own codes (VERIFY_TIMEOUT, BUSY, the library's
// PNG_TOO_LARGE, …), which are outside the platform's status table, so the status comes from here.
import { OpenBadgesError } from '@laurel/openbadges/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { LaurelError } from '../errors.ts';
import { pageContext } from '../http/auth.ts';
import { problem } from '../http/problem.ts';
import { refusalStatus } from './input.ts';
import { VerifierError } from './verify-pool.ts';
import { type VerifyFormValues, VerifyPage } from './views/verify.tsx';

export type Refusal = { status: number; code: string; detail: string; retryAfter?: number };

export const isTooLarge = (e: unknown) => {
  const err = e as FastifyError & { code?: string };
  return (
    err?.statusCode === 413 ||
    err?.code === 'FST_REQ_FILE_TOO_LARGE' ||
    err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ||
    (e instanceof LaurelError && e.code === 'TOO_LARGE')
  );
};

const VERIFIER_REFUSALS: Record<VerifierError['reason'], { status: number; code: string }> = {
  timeout: { status: 422, code: 'VERIFY_TIMEOUT' },
  crashed: { status: 422, code: 'VERIFY_FAILED' },
  busy: { status: 503, code: 'BUSY' },
  closed: { status: 503, code: 'UNAVAILABLE' },
};

/** The refusal an error stands for, or undefined for an error the verifier does not answer itself. */
export function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof OpenBadgesError && refusalStatus(error.code) !== 422)
    return { status: refusalStatus(error.code), code: error.code, detail: error.message };
  if (error instanceof VerifierError) {
    const r = VERIFIER_REFUSALS[error.reason];
    return { ...r, detail: error.message, ...(r.status === 503 ? { retryAfter: 5 } : {}) };
  }
  return undefined;
}

/** The refusal on the form's page (keeping what was typed) or as a problem for the API. */
export function sendRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  r: Refusal,
  values?: VerifyFormValues,
) {
  if (r.retryAfter !== undefined) reply.header('retry-after', String(r.retryAfter));
  if (!request.url.startsWith('/api/'))
    return reply.html(VerifyPage({ ctx: pageContext(request), values, error: r.detail }), r.status);
  return reply
    .status(r.status)
    .type('application/problem+json')
    .send(problem(r.status, r.code, r.detail));
}

export const budgetSentence = (seconds: number) =>
  `This address has used its verification budget for now (large or slow badges use it up faster). Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
