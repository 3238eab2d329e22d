import type { Feature } from '../http/context.ts';
import { analyticsPages } from './pages.tsx';

/** Sharing analytics for organizations (the share links themselves live on the badge pages). */
export const sharingFeature: Feature = {
  name: 'sharing',
  routes: (app, ctx) => {
    analyticsPages(app, ctx);
  },
};
