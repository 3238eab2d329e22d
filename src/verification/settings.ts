import { type GuardedFetch, type InputLimits, inputLimits } from '@laurel/openbadges/verify';
import type { AppContext } from '../http/context.ts';
import { type CostBudget, DEFAULT_COST_BUDGET } from './cost-limit.ts';
import { DEFAULT_POOL_OPTIONS, type VerifierPoolOptions } from './verify-pool.ts';

/** How the public verifier bounds anonymous work: input limits, the worker pool, the cost budget. */
export interface VerifierSettings {
  /** The library's defaults: 1 MB of JSON, 32 levels, 1,000 items per list, 20,000 values. */
  limits: InputLimits;
  pool: VerifierPoolOptions;
  cost: CostBudget;
}

/** A context may carry overrides of the verifier's settings (tests use it for short deadlines). */
export type VerificationContext = AppContext & {
  verifier?: {
    limits?: Partial<InputLimits>;
    pool?: Partial<VerifierPoolOptions>;
    cost?: Partial<CostBudget>;
    /** How URLs outside our own origin are fetched; default the SSRF-guarded network fetch. */
    outsideFetch?: GuardedFetch;
  };
};

export function verifierSettings(ctx: VerificationContext): VerifierSettings {
  const o = ctx.verifier ?? {};
  return {
    limits: inputLimits(o.limits),
    pool: { ...DEFAULT_POOL_OPTIONS, ...o.pool },
    cost: { ...DEFAULT_COST_BUDGET, ...o.cost },
  };
}
