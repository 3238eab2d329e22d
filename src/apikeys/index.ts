import type { Feature } from '../http/context.ts';
import { apiKeyPages } from './pages.tsx';

export const apiKeysFeature: Feature = (app, ctx) => {
  apiKeyPages(app, ctx);
};
