// The organization's sharing analytics page.
import { memberOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { SlugParams } from '../http/schemas.ts';
import { orgAnalytics } from './service.ts';
import { AnalyticsPage } from './views/analytics.tsx';

export function analyticsPages(app: App, ctx: AppContext) {
  app.get(
    '/manage/:slug/analytics',
    { config: { access: { role: 'viewer' } }, schema: { hide: true, params: SlugParams } },
    async (request, reply) => {
      const access = memberOf(request);
      const stats = await orgAnalytics(ctx, access.org.id);
      return reply.html(
        <AnalyticsPage ctx={pageContext(request)} org={access.org} role={access.role} stats={stats} />,
      );
    },
  );
}
