import type { Feature } from '../http/context.ts';
import type { TemplateTables } from './tables.ts';
import { registerTemplatePages } from './pages.tsx';
import { registerTemplateRoutes } from './routes.ts';

/** Badge templates: the editor and designer, public template pages and documents, and the API. */
export const templatesFeature: Feature<TemplateTables> = {
  name: 'templates',
  routes: (app, ctx) => {
    registerTemplateRoutes(app, ctx);
    registerTemplatePages(app, ctx);
  },
};
