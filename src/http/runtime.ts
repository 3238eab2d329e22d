import type { FastifyInstance } from 'fastify';
import { LaurelError } from '../errors.ts';

/**
 * A piece of per-process state (a cache, a pool of child processes, a client): how to make it
 * on first use and how to end it. Modules declare their slots as constants; the values live in
 * the context's Runtime, so two contexts in one process share nothing and closing one ends its own.
 */
export interface Slot<T> {
  readonly name: string;
  create(runtime: Runtime): T;
  close?(value: T): Promise<void> | void;
}

export function slot<T>(
  name: string,
  create: (runtime: Runtime) => T,
  close?: (value: T) => Promise<void> | void,
): Slot<T> {
  return { name, create, close };
}

/** The per-process state of one AppContext. */
export class Runtime {
  readonly #values = new Map<Slot<unknown>, unknown>();
  #closed = false;
  /**
   * The server answering this platform's own URLs, set when it is built: the platform fetches
   * its own credentials, status lists and keys in-process instead of over the network.
   */
  ownOrigin: FastifyInstance | undefined;

  get<T>(s: Slot<T>): T {
    if (this.#values.has(s)) return this.#values.get(s) as T;
    // A request still running while its server shuts down hears 503, as for any resource going away.
    if (this.#closed)
      throw new LaurelError('UNAVAILABLE', `The server is shutting down (${s.name}); try again in a moment.`);
    const value = s.create(this);
    this.#values.set(s, value);
    return value;
  }

  /** The slot's value if it was ever made (closing or measuring without starting it). */
  peek<T>(s: Slot<T>): T | undefined {
    return this.#values.get(s) as T | undefined;
  }

  /** Ends every value made, newest first; the runtime can't make new ones afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    const made = [...this.#values].reverse();
    this.#values.clear();
    for (const [s, value] of made) await s.close?.(value);
  }
}
