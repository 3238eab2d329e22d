import type { Feature } from '../http/context.ts';
import { statusListRoutes } from './routes.ts';
import type { StatusListTables } from './tables.ts';

/** Status lists: the signed Bitstring status lists revocations are published in. */
export const statusListsFeature: Feature<StatusListTables> = {
  name: 'status-lists',
  routes: statusListRoutes,
};
