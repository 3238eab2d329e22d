import type { Feature } from '../http/context.ts';
import { profilePages } from './pages.tsx';
import { publicBadgeRoutes } from './routes.tsx';

/** Public badge pages (`/c/:id` and its documents, images, embed, shares) and profiles (`/u/:handle`). */
export const publicFeature: Feature = {
  name: 'public',
  routes: (app, ctx) => {
    publicBadgeRoutes(app, ctx);
    profilePages(app, ctx);
  },
};
