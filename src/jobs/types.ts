import type { AppContext } from '../http/context.ts';

export interface JobContext extends AppContext {
  jobId: string;
  /** When the job first ran, the start of its retries (absent when a test calls a handler directly). */
  firstRunAt?: Date;
}

/**
 * Runs one job. Handlers must be idempotent: a job may run again after a crash or a lease
 * timeout. A thrown error retries the job later; a PermanentJobError fails it for good at once.
 */
export type JobHandler = (payload: any, ctx: JobContext) => Promise<void>;

/** A failure that trying again cannot fix (e.g. the mail server says the mailbox does not exist). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}
