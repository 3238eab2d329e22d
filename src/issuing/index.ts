import type { Feature } from '../http/context.ts';
import type { IssuingTables } from './tables.ts';
import { engagementCounts } from '../wallet/engagement.ts';
import { bulkPages } from './bulk/pages.tsx';
import { bulkIssueJob } from './bulk/service.ts';
import { identityChangeWarning, issuerIdentityChanges } from './identity-check.ts';
import { issuingPages } from './pages.tsx';
import { publicAwardRoutes } from './public-routes.ts';
import { awardRoutes } from './routes.ts';

/** Issuing: the awards API, the dashboard pages, bulk CSV and OB 2.0 hosting. */
export const issuingFeature: Feature<IssuingTables> = {
  name: 'issuing',
  jobs: { 'bulk.issue': bulkIssueJob },
  routes: (app, ctx) => {
    awardRoutes(app, ctx);
    issuingPages(app, ctx, (c, ids) => engagementCounts(c, ids));
    bulkPages(app, ctx);
    publicAwardRoutes(app, ctx);
    // Before any badge is issued the identifier simply follows PUBLIC_URL; after, a change is told.
    // Advisory only: a database not reachable yet must not stop the server from starting.
    app.addHook('onReady', async () => {
      const changes = await issuerIdentityChanges(ctx).catch(() => []);
      for (const change of changes) app.log.warn(identityChangeWarning(change));
    });
  },
};
