import type { Feature } from '../http/context.ts';
import { reviewPages } from './pages.tsx';
import { registerReviewRoutes } from './routes.ts';
import type { ReviewTables } from './tables.ts';

/**
 * The review side of earning by application: the queue, the application page with its thread
 * and timeline, decisions (issuing on the last approval), external reviewers, and the JSON API.
 * It reads the applications feature's tables and keeps its own counts (tables.ts).
 */
export const reviewsFeature: Feature<ReviewTables> = {
  name: 'reviews',
  routes: (app, ctx) => {
    registerReviewRoutes(app, ctx);
    reviewPages(app, ctx);
  },
};
