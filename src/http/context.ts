import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';

/** What every feature gets: the database and the configuration. Nothing else is global. */
export interface AppContext {
  db: Db;
  config: Config;
}

export interface CurrentUser {
  id: string;
  name: string;
  handle: string | null;
  isAdmin: boolean;
  sessionId: string;
}

/** A feature's routes and pages, registered in its own Fastify scope. */
export type Feature = (app: FastifyInstance, ctx: AppContext) => Promise<void> | void;

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
