import type { Feature } from '../http/context.ts';
import { apiKeyPages } from './pages.tsx';

export const apiKeysFeature: Feature = {
  name: 'apikeys',
  routes: (app, ctx) => {
    apiKeyPages(app, ctx);
  },
};
