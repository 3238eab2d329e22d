import type { Feature } from '../http/context.ts';
import { apiDocsRoutes } from './page.tsx';

export const apiDocsFeature: Feature = (app, ctx) => {
  apiDocsRoutes(app, ctx);
};
