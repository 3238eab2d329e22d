import type { Feature } from '../http/context.ts';
import { homePages } from './pages.ts';

/** `/`: what Laurel is for visitors; the way in to everything for a signed-in user. */
export const homeFeature: Feature = {
  name: 'home',
  routes: homePages,
};
