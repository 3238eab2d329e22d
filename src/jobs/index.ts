import type { Feature } from '../http/context.ts';
import { cleanup } from './maintenance.ts';
import type { JobTables } from './tables.ts';

/** The durable job queue itself: its table and the hourly clean-up of what nobody needs any more. */
export const jobsFeature: Feature<JobTables> = {
  name: 'jobs',
  jobs: { 'maintenance.cleanup': cleanup },
  periodic: [{ kind: 'maintenance.cleanup', everyMs: 60 * 60_000 }],
};
