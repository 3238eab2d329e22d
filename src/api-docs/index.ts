import type { Feature } from '../http/context.ts';
import { registerApiDocsPages } from './pages.tsx';

/** The readable API reference at /api/docs. */
export const apiDocsFeature: Feature = {
  name: 'api-docs',
  routes: registerApiDocsPages,
};
