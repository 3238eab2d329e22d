// What the administrator's overview shows, gathered from the features that own it.
import { countUsers } from '../accounts/service.ts';
import type { AppContext } from '../http/context.ts';
import { jobCounts, listFailedJobs } from '../jobs/queue.ts';
import { listFailedMail } from '../mail/failures.ts';
import { mailCounts } from '../mail/mailbox.ts';
import { countOrgs } from '../orgs/service.ts';
import type { Overview } from './views/overview.tsx';

export async function platformOverview(ctx: AppContext): Promise<Overview> {
  const { db } = ctx;
  return {
    users: await countUsers(db),
    orgs: await countOrgs(db),
    jobs: await jobCounts(db),
    mail: await mailCounts(db),
    failed: await listFailedJobs(db),
    failedMail: await listFailedMail(db),
    smtp: Boolean(ctx.config.smtpUrl),
  };
}
