import type { Feature } from '../http/context.ts';
import { apiKeyPages } from './pages.tsx';
import type { ApiKeyTables } from './tables.ts';

/** API keys of an organization: the page that creates and revokes them (checked in http/access.ts). */
export const apiKeysFeature: Feature<ApiKeyTables> = {
  name: 'apikeys',
  routes: (app, ctx) => {
    apiKeyPages(app, ctx);
  },
};
