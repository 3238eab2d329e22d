import type { Batch } from './batch.ts';
import { type Ctx, createContext, toError, type VerifyOptions } from './context.ts';
import { readInput } from './read-input.ts';
import { step, type VerificationReport } from './report.ts';
import { finish } from './verdict.ts';

export type { KeyResolver, VerifyOptions } from './context.ts';
export { findJsonLdLink } from './read-input.ts';

/**
 * Verifies a badge in any form (OB 3.0 JSON or VC-JWT, OB 2.0 hosted or signed, baked PNG/SVG,
 * a URL to any of them) and reports each check of OB 3.0 §9 / OB 2.0 as a step. Never throws:
 * unreadable or hostile input becomes a report.
 */
export function verify(
  input: Uint8Array | string | object,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  return verifyIn(input, options, undefined);
}

/** verify(), with what a batch shares (verifyMany). */
export async function verifyIn(
  input: Uint8Array | string | object,
  options: VerifyOptions,
  batch: Batch | undefined,
): Promise<VerificationReport> {
  const ctx: Ctx = createContext(options, batch);
  try {
    return await readInput(input, ctx, undefined);
  } catch (e) {
    const err = toError(e);
    return finish({
      format: 'unknown',
      steps: [
        step('format', 'fail', 'The input could not be examined.', { code: err.code, detail: err.message }),
      ],
    });
  }
}
