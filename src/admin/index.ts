import type { Feature } from '../http/context.ts';
import { adminPages } from './pages.ts';

/** The platform administrator's pages: overview, failed jobs and mail, the development mailbox. */
export const adminFeature: Feature = {
  name: 'admin',
  routes: adminPages,
};
