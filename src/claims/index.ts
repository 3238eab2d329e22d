import type { Feature } from '../http/context.ts';
import { claimPages } from './pages.tsx';

/** Claiming: the award email's link, accept into the wallet or decline for good. */
export const claimsFeature: Feature = (app, ctx) => {
  claimPages(app, ctx);
};
