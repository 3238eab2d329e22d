import type { Feature } from '../http/context.ts';
import { registerOrgPages } from './pages.tsx';
import { registerOrgRoutes } from './routes.ts';

/** Organizations: public issuer pages and documents, the dashboard, members, keys and settings. */
export const orgsFeature: Feature = (app, ctx) => {
  registerOrgRoutes(app, ctx);
  registerOrgPages(app, ctx);
};
