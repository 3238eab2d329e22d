import type { Feature } from '../http/context.ts';
import { moveRedemptions } from './merge.ts';
import { registerClaimCodePages } from './pages.tsx';
import { registerClaimCodeRoutes } from './routes.ts';
import type { ClaimCodeTables } from './tables.ts';

/** Claim codes: shared event codes and batches of single-use codes per template, and /redeem. */
export const claimCodesFeature: Feature<ClaimCodeTables> = {
  name: 'claim-codes',
  hooks: { onAccountMerge: moveRedemptions },
  routes: (app, ctx) => {
    registerClaimCodeRoutes(app, ctx);
    registerClaimCodePages(app, ctx);
  },
};
