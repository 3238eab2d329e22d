// The composition root: every feature of the platform, in registration order. This one list
// builds the server (routes), the worker (job handlers, periodic jobs), the hooks features offer
// each other and the database type. One line per feature.
import { accountsFeature } from './accounts/index.ts';
import { adminFeature } from './admin/index.ts';
import { apiDocsFeature } from './api-docs/index.ts';
import { applicationsFeature } from './applications/index.ts';
import { apiKeysFeature } from './apikeys/index.ts';
import { claimCodesFeature } from './claim-codes/index.ts';
import { claimsFeature } from './claims/index.ts';
import type { Config } from './config.ts';
import type { Db } from './db/index.ts';
import { homeFeature } from './home/index.ts';
import type { AppContext, Feature, FeatureHooks, JobRegistry } from './http/context.ts';
import { Runtime } from './http/runtime.ts';
import { issuingFeature } from './issuing/index.ts';
import { jobsFeature } from './jobs/index.ts';
import { limitsFeature } from './limits/index.ts';
import { mailFeature } from './mail/index.ts';
import { orgsFeature } from './orgs/index.ts';
import { publicFeature } from './public/index.ts';
import { reviewsFeature } from './reviews/index.ts';
import { sharingFeature } from './sharing/index.ts';
import { statusListsFeature } from './status-lists/index.ts';
import { templatesFeature } from './templates/index.ts';
import { verificationFeature } from './verification/index.ts';
import { walletFeature } from './wallet/index.ts';

export const features = [
  homeFeature,
  accountsFeature,
  adminFeature,
  orgsFeature,
  templatesFeature,
  issuingFeature,
  statusListsFeature,
  apiKeysFeature,
  apiDocsFeature,
  verificationFeature,
  claimsFeature,
  applicationsFeature,
  reviewsFeature,
  claimCodesFeature,
  walletFeature,
  publicFeature,
  sharingFeature,
  jobsFeature,
  mailFeature,
  limitsFeature,
] as const satisfies readonly Feature<any>[];

type Intersect<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
type TablesOf<F> = F extends Feature<infer T> ? (unknown extends T ? never : T) : never;

/** The whole database as Kysely sees it: the tables every feature's manifest declares. */
export type FeatureTables = Intersect<TablesOf<(typeof features)[number]>>;

/** Every job kind's handler and the periodic jobs, from the manifests (a kind declared twice stops start-up). */
export function jobRegistry(list: readonly Feature<any>[] = features): JobRegistry {
  const registry: JobRegistry = { handlers: {}, periodic: [] };
  for (const f of list) {
    for (const [kind, handler] of Object.entries(f.jobs ?? {})) {
      if (registry.handlers[kind]) throw new Error(`Job kind ${kind} is declared twice (${f.name}).`);
      registry.handlers[kind] = handler;
    }
    registry.periodic.push(...(f.periodic ?? []));
  }
  for (const p of registry.periodic) {
    if (!registry.handlers[p.kind]) throw new Error(`Periodic job ${p.kind} has no handler.`);
  }
  return registry;
}

export function featureHooks(list: readonly Feature<any>[] = features): FeatureHooks {
  return { onAccountMerge: list.flatMap((f) => (f.hooks?.onAccountMerge ? [f.hooks.onAccountMerge] : [])) };
}

/**
 * The context every part of the platform runs with: the database, the configuration, a fresh
 * runtime (caches, pools) and what the features declared. Close it with `ctx.runtime.close()`.
 */
export function createAppContext(db: Db, config: Config): AppContext {
  return { db, config, runtime: new Runtime(), hooks: HOOKS, jobs: JOBS };
}

// Derived once from the manifests: every context shares them (they are never changed).
const HOOKS = featureHooks();
const JOBS = jobRegistry();
