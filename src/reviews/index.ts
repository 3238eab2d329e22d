import type { Feature } from '../http/context.ts';
import { reviewPages } from './pages.tsx';
import { registerReviewRoutes } from './routes.ts';

/**
 * The review side of earning by application: the queue, the application page with its thread
 * and timeline, decisions (issuing on the last approval), external reviewers, and the JSON API.
 * Its tables are the applications feature's (src/applications/tables.ts).
 */
export const reviewsFeature: Feature = {
  name: 'reviews',
  routes: (app, ctx) => {
    registerReviewRoutes(app, ctx);
    reviewPages(app, ctx);
  },
};
