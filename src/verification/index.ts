import type { Feature } from '../http/context.ts';
import { verificationPages } from './pages.ts';
import { verificationRoutes, verificationScope } from './routes.ts';

/** The public verifier (/verify, POST /api/v1/verify) and in-process verification for other features. */
export const verificationFeature: Feature = {
  name: 'verification',
  routes: (app, ctx) => {
    // This server answers the platform's own URLs: verification fetches them in-process (see platform-verify.ts).
    ctx.runtime.ownOrigin = app;
    app.addHook('onClose', async () => {
      if (ctx.runtime.ownOrigin === app) ctx.runtime.ownOrigin = undefined;
    });
    verificationScope(app, ctx);
    verificationPages(app, ctx);
    verificationRoutes(app, ctx);
  },
};
