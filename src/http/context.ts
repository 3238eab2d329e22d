import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import type { JobHandler } from '../jobs/types.ts';
import type { Runtime } from './runtime.ts';

/**
 * What every feature gets: the database, the configuration, the per-process runtime (every
 * cache and pool, and the platform's own-origin fetch) and the hooks other features declared.
 * Nothing else is global: two contexts in one process (tests, a CLI beside a server) share nothing.
 */
export interface AppContext {
  db: Db;
  config: Config;
  runtime: Runtime;
  hooks: FeatureHooks;
  /** Every job kind's handler and the periodic jobs, gathered from the features' manifests. */
  jobs: JobRegistry;
}

export interface JobRegistry {
  handlers: Record<string, JobHandler>;
  periodic: PeriodicJob[];
}

export interface CurrentUser {
  id: string;
  name: string;
  handle: string | null;
  isAdmin: boolean;
  sessionId: string;
}

/** A Fastify scope whose routes get their params, query and body typed from their TypeBox schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Moves a merged account's rows of one feature to the account it was merged into (in the merge transaction). */
export type AccountMergeHook = (
  trx: Transaction<Database>,
  fromUserId: string,
  toUserId: string,
) => Promise<void>;

/** Points where one feature lets others take part without importing them. */
export interface FeatureHooks {
  /** Run inside the merge transaction, before the merged account is deleted. */
  onAccountMerge: AccountMergeHook[];
}

/** Work a worker enqueues once per period (see jobs/schedule.ts); the kind needs a handler. */
export interface PeriodicJob {
  kind: string;
  everyMs: number;
}

/**
 * A feature's manifest: everything the composition root (src/features.ts) needs to build the
 * server, the worker and the database type. `Tables` is the feature's table interface (type
 * only); its migrations are the SQL files in its own `migrations/` folder.
 */
export interface Feature<Tables = unknown> {
  name: string;
  /** Registers its routes and pages, in its own scope. */
  routes?: (app: App, ctx: AppContext) => Promise<void> | void;
  /** Job kinds this feature runs, and the function that runs each. */
  jobs?: Record<string, JobHandler>;
  periodic?: PeriodicJob[];
  hooks?: Partial<{ [K in keyof FeatureHooks]: FeatureHooks[K][number] }>;
  /** Type only: the feature's tables, joined into the database type. */
  tables?: Tables;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null;
    /** The token to put in forms (`<CsrfField />`) and in the `x-csrf-token` header. */
    csrfToken: string;
  }
  interface FastifyReply {
    /** Sends a rendered page as text/html. */
    html(page: { toString(): string }, status?: number): FastifyReply;
  }
}
