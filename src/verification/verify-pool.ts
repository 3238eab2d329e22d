// Verification of untrusted input off the main thread: a few worker threads, started when the
// first job arrives, each job held to a deadline on its own computation. A job past its deadline
// costs its worker (terminated and replaced); the other jobs that worker held start again on
// another, once.
import { availableParallelism } from 'node:os';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { isOpenBadgesError } from '@laurel/openbadges/errors';
import type { GuardedFetch, VerificationReport } from '@laurel/openbadges/verify';
import type { FromWorker, ToWorker, VerifyInput, VerifyJobOptions } from './worker-protocol.ts';

export interface VerifierPoolOptions {
  /** Worker threads at most, started as jobs arrive. */
  workers: number;
  /** Computation allowed per job; time spent waiting for the network does not count. */
  deadlineMs: number;
  /** The whole job, network included (each fetch has its own timeout too). */
  maxWallMs: number;
  /** Jobs one worker holds at once: one computes, the others wait for the network. */
  jobsPerWorker: number;
  /** Jobs waiting for a worker before new ones are turned away as busy. */
  maxQueued: number;
  resourceLimits: ResourceLimits;
}

export const DEFAULT_POOL_OPTIONS: Readonly<VerifierPoolOptions> = Object.freeze({
  // One core stays with the main thread, which must keep answering pages.
  workers: Math.min(2, Math.max(1, availableParallelism() - 1)),
  deadlineMs: 5000,
  maxWallMs: 60_000,
  jobsPerWorker: 8,
  maxQueued: 64,
  resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
});

export type VerifierFailure = 'timeout' | 'busy' | 'crashed' | 'closed';

/** Why a verification has no report: the input cost more than allowed, or the verifier is busy or gone. */
export class VerifierError extends Error {
  constructor(
    readonly reason: VerifierFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface PoolResult {
  report: VerificationReport;
  /** Time the job held its worker's compute slot. */
  computeMs: number;
}

export interface VerifierPool {
  run(input: VerifyInput, options: VerifyJobOptions, fetch: GuardedFetch): Promise<PoolResult>;
  /** Ends every worker; jobs still waiting fail as closed. */
  close(): Promise<void>;
}

type Job = {
  id: number;
  input: VerifyInput;
  options: VerifyJobOptions;
  fetch: GuardedFetch;
  resolve: (r: PoolResult) => void;
  reject: (e: VerifierError) => void;
  computeMs: number;
  /** When the job last took the compute slot, while it holds it. */
  since?: number;
  retried: boolean;
  wall: NodeJS.Timeout;
};

type Slot = {
  worker: Worker;
  jobs: Map<number, Job>;
  running?: Job;
  deadline?: NodeJS.Timeout;
  gone: boolean;
};

const WORKER_URL = new URL('./verify-worker.mjs', import.meta.url);

export function createVerifierPool(options: Partial<VerifierPoolOptions> = {}): VerifierPool {
  const opts: VerifierPoolOptions = { ...DEFAULT_POOL_OPTIONS, ...options };
  const slots: Slot[] = [];
  const queue: Job[] = [];
  const exits: Promise<unknown>[] = [];
  let ids = 0;
  let closed = false;

  const failure = (reason: VerifierFailure): VerifierError => {
    const messages: Record<VerifierFailure, string> = {
      timeout: `Verifying this badge took more than ${opts.deadlineMs / 1000} s of computation, so it was stopped. Badges are checked in milliseconds: this one is far larger or more complex than a badge needs to be.`,
      busy: 'The verifier is busy with other badges. Try again in a few seconds.',
      crashed:
        'The verifier stopped while checking this badge (for example, it needed more memory than allowed), so it could not be checked.',
      closed: 'The verifier is shutting down.',
    };
    return new VerifierError(reason, messages[reason]);
  };

  function spawn(): Slot {
    const worker = new Worker(WORKER_URL, { resourceLimits: opts.resourceLimits });
    // Jobs in flight belong to requests, which keep the process alive; an idle pool does not.
    worker.unref();
    const slot: Slot = { worker, jobs: new Map(), gone: false };
    worker.on('message', (m: FromWorker) => onMessage(slot, m));
    worker.on('error', () => lose(slot, 'crashed'));
    worker.on('exit', () => lose(slot, 'crashed'));
    slots.push(slot);
    return slot;
  }

  function pump(): void {
    while (queue.length > 0 && !closed) {
      let slot = slots.reduce<Slot | undefined>(
        (a, b) => (a && a.jobs.size <= b.jobs.size ? a : b),
        undefined,
      );
      if (!slot || (slot.jobs.size > 0 && slots.length < opts.workers)) slot = spawn();
      if (slot.jobs.size >= opts.jobsPerWorker) return;
      const job = queue.shift()!;
      slot.jobs.set(job.id, job);
      const message: ToWorker = { type: 'verify', job: job.id, input: job.input, options: job.options };
      slot.worker.postMessage(message);
    }
  }

  function startClock(slot: Slot, job: Job): void {
    stopClock(slot);
    job.since = performance.now();
    slot.running = job;
    slot.deadline = setTimeout(
      () => lose(slot, 'timeout', job),
      Math.max(0, opts.deadlineMs - job.computeMs),
    );
  }

  function stopClock(slot: Slot): void {
    const job = slot.running;
    clearTimeout(slot.deadline);
    slot.running = undefined;
    if (job?.since !== undefined) {
      job.computeMs += performance.now() - job.since;
      job.since = undefined;
    }
  }

  function settle(slot: Slot, job: Job): void {
    if (slot.running === job) stopClock(slot);
    slot.jobs.delete(job.id);
    clearTimeout(job.wall);
    pump();
  }

  function onMessage(slot: Slot, m: FromWorker): void {
    const job = slot.jobs.get(m.job);
    if (!job || slot.gone) return;
    if (m.type === 'running') startClock(slot, job);
    else if (m.type === 'fetch') {
      if (slot.running === job) stopClock(slot);
      void bridge(slot, job, m);
    } else if (m.type === 'done') {
      settle(slot, job);
      job.resolve({ report: m.report, computeMs: job.computeMs });
    } else {
      settle(slot, job);
      job.reject(failure('crashed'));
    }
  }

  /** Fetches a URL for a worker with the caller's fetch (our own origin answers in-process). */
  async function bridge(slot: Slot, job: Job, m: Extract<FromWorker, { type: 'fetch' }>): Promise<void> {
    let reply: ToWorker;
    const transfer: ArrayBuffer[] = [];
    try {
      const res = await job.fetch(m.url, m.accept ? { accept: m.accept } : {});
      const body = new Uint8Array(res.body);
      transfer.push(body.buffer);
      reply = {
        type: 'fetched',
        request: m.request,
        response: { status: res.status, url: res.url, headers: [...res.headers], body },
      };
    } catch (e) {
      reply = {
        type: 'fetched',
        request: m.request,
        error: isOpenBadgesError(e)
          ? { code: e.code, message: e.message }
          : { code: 'FETCH_FAILED', message: `${m.url.slice(0, 200)} could not be fetched.` },
      };
    }
    if (!slot.gone && slot.jobs.has(job.id)) slot.worker.postMessage(reply, transfer);
  }

  /**
   * A worker is gone: past a job's deadline, out of memory, or crashed. The job to blame fails;
   * the others it held start again elsewhere, once.
   */
  function lose(slot: Slot, reason: 'timeout' | 'crashed', culprit?: Job): void {
    if (slot.gone) return;
    slot.gone = true;
    const blamed = culprit ?? slot.running;
    stopClock(slot);
    slots.splice(slots.indexOf(slot), 1);
    exits.push(slot.worker.terminate());
    for (const job of slot.jobs.values()) {
      if (job !== blamed && !job.retried && !closed) {
        job.retried = true;
        queue.unshift(job);
      } else {
        clearTimeout(job.wall);
        job.reject(failure(closed ? 'closed' : job === blamed ? reason : 'crashed'));
      }
    }
    slot.jobs.clear();
    pump();
  }

  function giveUp(job: Job): void {
    const at = queue.indexOf(job);
    if (at >= 0) queue.splice(at, 1);
    const slot = slots.find((s) => s.jobs.has(job.id));
    if (slot && slot.running === job) {
      lose(slot, 'timeout', job);
      return;
    }
    // Waiting for the network: the worker finishes it in its own time; its answer is dropped.
    slot?.jobs.delete(job.id);
    job.reject(failure('timeout'));
    pump();
  }

  return {
    run(input, options, fetch) {
      if (closed) return Promise.reject(failure('closed'));
      if (queue.length >= opts.maxQueued) return Promise.reject(failure('busy'));
      return new Promise<PoolResult>((resolve, reject) => {
        const job: Job = {
          id: ++ids,
          input,
          options,
          fetch,
          resolve,
          reject,
          computeMs: 0,
          retried: false,
          wall: setTimeout(() => giveUp(job), opts.maxWallMs),
        };
        queue.push(job);
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) {
        clearTimeout(job.wall);
        job.reject(failure('closed'));
      }
      for (const slot of [...slots]) lose(slot, 'crashed');
      await Promise.allSettled(exits);
    },
  };
}
