import { Batch } from './batch.ts';
import type { VerifyOptions } from './context.ts';
import { createGuardedFetch } from './fetch.ts';
import type { VerificationReport } from './report.ts';
import { verifyIn } from './verify.ts';

export type VerifyManyOptions = VerifyOptions & {
  /**
   * Most credentials verified at once (default 8). The work is mostly CPU in this thread; the
   * overlap is for the network, so a few slow hosts do not hold up the rest.
   */
  concurrency?: number;
};

const DEFAULT_CONCURRENCY = 8;

/**
 * Verifies many badges (an import, a re-verification of a wallet) with the options of verify(),
 * sharing what they have in common: each document fetched once (DID and key documents, issuer
 * profiles, badge classes, status lists), each verification method resolved once, each status
 * list's proof checked once, and one JSON-LD context cache. Every check still runs for every
 * credential, against its own clock reading, so each report is the one verify() gives for that
 * input alone. Reports come back in the order of the inputs; never throws.
 */
export async function verifyMany(
  inputs: ReadonlyArray<Uint8Array | string | object>,
  options: VerifyManyOptions = {},
): Promise<VerificationReport[]> {
  const { concurrency = DEFAULT_CONCURRENCY, ...verifyOptions } = options;
  const batch = new Batch(verifyOptions.fetch ?? createGuardedFetch());
  const reports = new Array<VerificationReport>(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      reports[i] = await verifyIn(inputs[i]!, verifyOptions, batch);
    }
  };
  const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, inputs.length));
  await Promise.all(Array.from({ length: width }, worker));
  return reports;
}
