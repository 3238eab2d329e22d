import type { Feature } from '../http/context.ts';
import { flushEngagement } from './service.ts';
import { walletPages } from './pages.tsx';
import { walletRoutes } from './routes.ts';

/** The earner's wallet: pages, import, and the /api/v1/me/badges API. */
export const walletFeature: Feature = (app, ctx) => {
  walletPages(app, ctx);
  walletRoutes(app, ctx);
  // Buffered view and share counts are written before the server stops.
  app.addHook('onClose', async () => {
    await flushEngagement(ctx.db).catch(() => undefined);
  });
};
