import type { Feature } from '../http/context.ts';
import { registerVerificationApp } from './platform-verify.ts';
import { verificationRoutes } from './routes.ts';

/** The public verifier (/verify, POST /api/v1/verify) and in-process verification for other features. */
export const verificationFeature: Feature = {
  name: 'verification',
  routes: (app, ctx) => {
    registerVerificationApp(ctx, app);
    verificationRoutes(app, ctx);
  },
};
