import type { Feature } from '../http/context.ts';
import { claimPages } from './pages.tsx';
import { claimRoutes } from './routes.ts';
import type { ClaimsTables } from './tables.ts';
import { enqueueClaimReminders, sendClaimReminder } from './reminders.ts';

/** Claiming: the award email's link, accept into the wallet or decline for good; pages and /api/v1/claims. */
export const claimsFeature: Feature<ClaimsTables> = {
  name: 'claims',
  jobs: { 'claims.reminders': enqueueClaimReminders, 'claims.reminder': sendClaimReminder },
  periodic: [{ kind: 'claims.reminders', everyMs: 60 * 60_000 }],
  routes: (app, ctx) => {
    claimPages(app, ctx);
    claimRoutes(app, ctx);
  },
};
