// The readable API reference, rendered on the server from the same OpenAPI document that
// /api/openapi.json serves (the route schemas), so it can never drift from the code.
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import type { OpenApi } from './presenters.ts';
import { DocsPage } from './views/docs-page.tsx';

export function registerApiDocsPages(app: App, ctx: AppContext) {
  app.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const doc = app.swagger() as OpenApi;
    return reply
      .header('cache-control', 'no-cache')
      .html(<DocsPage ctx={pageContext(request)} doc={doc} baseUrl={ctx.config.baseUrl} />);
  });
}
