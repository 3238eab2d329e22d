import type { Feature } from '../http/context.ts';
import { flushEngagement } from './service.ts';
import { walletPages } from './pages.tsx';
import { pendingRoutes } from './pending-routes.ts';
import { walletRoutes } from './routes.ts';

/** The earner's wallet: pages, import, badges waiting for a decision, and the /api/v1/me/badges API. */
export const walletFeature: Feature = (app, ctx) => {
  walletPages(app, ctx);
  walletRoutes(app, ctx);
  pendingRoutes(app, ctx);
  // Buffered view and share counts are written before the server stops.
  app.addHook('onClose', async () => {
    await flushEngagement(ctx.db).catch(() => undefined);
  });
};
