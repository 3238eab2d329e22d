import type { Feature } from '../http/context.ts';
import { applyPages } from './apply/pages.tsx';
import { registerManagePages } from './manage/pages.tsx';
import type { ApplicationTables } from './tables.ts';

/**
 * Earning by application: per-template settings, versioned forms, applications with their files,
 * the review (reviewers, external reviewers, approvals, the thread and timeline), renewal.
 */
export const applicationsFeature: Feature<ApplicationTables> = {
  name: 'applications',
  routes: (app, ctx) => {
    registerManagePages(app, ctx);
    applyPages(app, ctx);
  },
};
