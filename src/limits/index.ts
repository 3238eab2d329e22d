import type { Feature } from '../http/context.ts';
import { cleanupLimits } from './cleanup.ts';
import type { LimitTables } from './tables.ts';

/**
 * Rate limits shared by every process on the database: @fastify/rate-limit's store
 * (request-store.ts) and cost-charging token buckets (cost-budget.ts), with their clean-up.
 */
export const limitsFeature: Feature<LimitTables> = {
  name: 'limits',
  jobs: { 'limits.cleanup': cleanupLimits },
  periodic: [{ kind: 'limits.cleanup', everyMs: 10 * 60_000 }],
};
