import type { Feature } from '../http/context.ts';
import { moveMemberships } from './members.ts';
import { registerOrgPages } from './pages.tsx';
import { registerOrgRoutes } from './routes.ts';
import type { OrgTables } from './tables.ts';

/** Organizations: public issuer pages and documents, the dashboard, members, keys and settings. */
export const orgsFeature: Feature<OrgTables> = {
  name: 'orgs',
  hooks: { onAccountMerge: moveMemberships },
  routes: (app, ctx) => {
    registerOrgRoutes(app, ctx);
    registerOrgPages(app, ctx);
  },
};
