// `/`: what Laurel is for visitors; the way in to everything for a signed-in user.
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { listOrgsForUser } from '../orgs/service.ts';
import { UserHome, VisitorHome } from './views/home.tsx';

export function homePages(app: App, ctx: AppContext) {
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (!request.user) return reply.html(VisitorHome({ ctx: pageContext(request) }));
    const orgs = (await listOrgsForUser(ctx.db, request.user.id)).map(({ org, role }) => ({
      slug: org.slug,
      name: org.name,
      role,
    }));
    return reply.html(UserHome({ ctx: pageContext(request), orgs }));
  });
}
