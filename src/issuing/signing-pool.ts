// Signing awards on every core: a few worker threads (./sign-worker.ts) that run the same
// signAward as the calling thread, so the texts are byte for byte the ones it would make (Ed25519,
// JCS and RDFC are deterministic once the proof's `created` is fixed). Bulk issuing signs a chunk
// here while the main thread writes the previous one; a handful of awards is signed in place,
// where a message round trip would cost more than the signatures.
import { availableParallelism } from 'node:os';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { LaurelError } from '../errors.ts';
import { slot } from '../http/runtime.ts';
import { type AwardFacts, type IssuerBundle, type SignedAward, signAwards } from './credential.ts';

export interface SignRequest {
  id: number;
  bundle: IssuerBundle;
  facts: AwardFacts[];
}
export type SignReply = { id: number; signed: SignedAward[] } | { id: number; error: string };

export interface SigningPoolOptions {
  /**
   * Worker threads at most. Default: the cores this process may use but one, which stays with the
   * main thread (it writes the chunks, and PGlite runs in it): on 2 cores, 10,000 rows on PGlite
   * took 8.9 s with one thread and 11.6 s with two. 0 signs in place.
   */
  workers?: number;
  /** Fewer awards than this are signed in the calling thread (default 16). */
  minParallel?: number;
  /** Each thread's heap (default SIGNING_THREAD_LIMITS). */
  resourceLimits?: ResourceLimits;
}

/*
 * A signing thread keeps about 14 MB alive (the JSON-LD contexts and the code), yet with V8's
 * defaults its heap reached 60–90 MB in a bulk run: a 32 MB young generation, and an old one let
 * grow to 4x what survived the last full collection (the factor V8 gives a heap whose limit is
 * 2 GB or more). Under a 64 MB limit V8 grows it in small steps, so the signed texts of earlier
 * chunks are collected sooner; an 8 MB young generation signs as fast. A thread that
 * ran out would fail its chunk like any lost thread (the step is retried on a new one), but a
 * chunk of 250 awards needs a few MB.
 */
export const SIGNING_THREAD_LIMITS: ResourceLimits = {
  maxOldGenerationSizeMb: 64,
  maxYoungGenerationSizeMb: 8,
};

interface Thread {
  worker: Worker;
  tasks: Map<number, { resolve(s: SignedAward[]): void; reject(e: Error): void }>;
}

const WORKER_URL = new URL('./sign-worker.mjs', import.meta.url);

export class SigningPool {
  readonly workers: number;
  readonly minParallel: number;
  readonly #limits: ResourceLimits;
  readonly #threads: Thread[] = [];
  #ids = 0;
  #closed = false;

  constructor(opts: SigningPoolOptions = {}) {
    this.workers = Math.max(0, opts.workers ?? Math.max(1, availableParallelism() - 1));
    this.minParallel = Math.max(2, opts.minParallel ?? 16);
    this.#limits = opts.resourceLimits ?? SIGNING_THREAD_LIMITS;
  }

  /** The awards signed, in the order of `facts`. */
  async sign(bundle: IssuerBundle, facts: AwardFacts[]): Promise<SignedAward[]> {
    if (this.#closed)
      throw new LaurelError('UNAVAILABLE', 'The server is shutting down; try again in a moment.');
    if (this.workers === 0 || facts.length < this.minParallel) return signAwards(bundle, facts);
    // Contiguous slices, one per thread, each big enough to be worth its message.
    const parts = Math.min(this.workers, Math.ceil(facts.length / (this.minParallel / 2)));
    const size = Math.ceil(facts.length / parts);
    const slices: Promise<SignedAward[]>[] = [];
    for (let i = 0; i < parts; i++)
      slices.push(this.#run(this.#thread(i), bundle, facts.slice(i * size, (i + 1) * size)));
    return (await Promise.all(slices)).flat();
  }

  /** Threads started so far (they start on first use and stay until close). */
  get started(): number {
    return this.#threads.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const threads = this.#threads.splice(0);
    for (const t of threads) this.#fail(t, new Error('The signing pool was closed.'));
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  #thread(i: number): Thread {
    while (this.#threads.length <= i) this.#threads.push(this.#spawn());
    return this.#threads[i]!;
  }

  #spawn(): Thread {
    const worker = new Worker(WORKER_URL, { resourceLimits: this.#limits });
    // An idle pool does not keep the process alive; a thread with work in flight does.
    worker.unref();
    const thread: Thread = { worker, tasks: new Map() };
    worker.on('message', (reply: SignReply) => {
      const task = thread.tasks.get(reply.id);
      if (!task) return;
      thread.tasks.delete(reply.id);
      if (thread.tasks.size === 0) worker.unref();
      if ('error' in reply) task.reject(new Error(reply.error));
      else task.resolve(reply.signed);
    });
    const lost = (e: Error) => {
      // A thread that failed is replaced on the next use; its awards fail with it (the caller retries).
      const at = this.#threads.indexOf(thread);
      if (at >= 0) this.#threads.splice(at, 1);
      this.#fail(thread, e);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`A signing thread exited (code ${code}).`)));
    return thread;
  }

  #run(thread: Thread, bundle: IssuerBundle, facts: AwardFacts[]): Promise<SignedAward[]> {
    const id = ++this.#ids;
    return new Promise((resolve, reject) => {
      thread.tasks.set(id, { resolve, reject });
      thread.worker.ref();
      const request: SignRequest = { id, bundle, facts };
      thread.worker.postMessage(request);
    });
  }

  #fail(thread: Thread, e: Error): void {
    for (const task of thread.tasks.values()) task.reject(e);
    thread.tasks.clear();
  }
}

/** The process's signing pool, started on first use and closed with the runtime. */
export const signingPoolSlot = slot(
  'issuing.signingPool',
  () => new SigningPool(),
  (pool) => pool.close(),
);
