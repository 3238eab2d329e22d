import type { Feature } from '../http/context.ts';
import { apiDocsRoutes } from './page.tsx';

export const apiDocsFeature: Feature = {
  name: 'api-docs',
  routes: (app, ctx) => {
    apiDocsRoutes(app, ctx);
  },
};
