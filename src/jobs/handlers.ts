// Every job kind and the function that runs it. One line per kind.
import { bulkIssueJob } from '../issuing/bulk/service.ts';
import { sendEmail } from '../mail/deliver.ts';
import { EMAIL_JOB } from '../mail/outbox.ts';
import { cleanup } from './maintenance.ts';
import { enqueueClaimReminders, sendClaimReminder } from '../claims/service.ts';
import { sendExpiryNotices } from '../wallet/expiry.ts';
import type { JobHandler } from './types.ts';

export type { JobHandler } from './types.ts';

export const jobHandlers: Record<string, JobHandler> = {
  [EMAIL_JOB]: sendEmail,
  'bulk.issue': bulkIssueJob,
  'maintenance.cleanup': cleanup,
  'claims.reminders': enqueueClaimReminders,
  'claims.reminder': sendClaimReminder,
  'wallet.expiry-notices': sendExpiryNotices,
};
