import type { Feature } from '../http/context.ts';
import { flushEngagement } from './engagement.ts';
import { sendExpiryNotices } from './expiry.ts';
import { walletPages } from './pages.tsx';
import { reverifyImported } from './reverify.ts';
import { walletRoutes } from './routes.ts';
import { moveWalletItems } from './service.ts';
import type { WalletTables } from './tables.ts';

/** The earner's wallet: pages, import, badges waiting for a decision, and the /api/v1/me/badges API. */
export const walletFeature: Feature<WalletTables> = {
  name: 'wallet',
  jobs: { 'wallet.expiry-notices': sendExpiryNotices, 'wallet.reverify-imported': reverifyImported },
  periodic: [
    { kind: 'wallet.expiry-notices', everyMs: 6 * 60 * 60_000 },
    { kind: 'wallet.reverify-imported', everyMs: 60 * 60_000 },
  ],
  hooks: { onAccountMerge: moveWalletItems },
  routes: (app, ctx) => {
    walletPages(app, ctx);
    walletRoutes(app, ctx);
    // Buffered view and share counts are written before the server stops.
    app.addHook('onClose', async () => {
      await flushEngagement(ctx).catch(() => undefined);
    });
  },
};
