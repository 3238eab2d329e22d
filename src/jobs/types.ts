import type { AppContext } from '../http/context.ts';

/** Runs one job. Handlers must be idempotent: a job may run again after a crash or a lease timeout. */
export type JobHandler = (payload: any, ctx: AppContext & { jobId: string }) => Promise<void>;
