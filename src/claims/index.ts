import type { Feature } from '../http/context.ts';
import { claimPages } from './pages.tsx';
import { claimRoutes } from './routes.ts';

/** Claiming: the award email's link, accept into the wallet or decline for good; pages and /api/v1/claims. */
export const claimsFeature: Feature = (app, ctx) => {
  claimPages(app, ctx);
  claimRoutes(app, ctx);
};
