// A verifier worker: runs the library's verify() on untrusted input for ./verify-pool.ts, off the
// main thread. Every URL is fetched by the main thread (our own origin answers in-process there);
// while a job waits for one it gives up the compute slot, so another job can run and the pool's
// deadline counts only this job's own computation.
import { parentPort } from 'node:worker_threads';
import { defaultDocumentLoader } from '@laurel/openbadges/contexts';
import { OpenBadgesError } from '@laurel/openbadges/errors';
import { fetchedResponse, type GuardedFetch, verify } from '@laurel/openbadges/verify';
import { exceptOwnOrigin, newStatusCache } from './status-cache.ts';
import type { BridgedResponse, FromWorker, ToWorker } from './worker-protocol.ts';

const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);
// The module state below belongs to this worker thread alone (each thread loads its own copy of
// the module): its status-list cache, its compute slot and the fetches it waits for.
const statusCache = newStatusCache();

// The compute slot: a chain of promises, each job waiting for the one before to let go.
let slot: Promise<void> = Promise.resolve();
function acquireSlot(): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const before = slot;
  slot = before.then(() => held);
  return before.then(() => release);
}

type Pending = { resolve: (r: BridgedResponse) => void; reject: (e: Error) => void };
const pending = new Map<number, Pending>();
let requests = 0;

async function run(message: Extract<ToWorker, { type: 'verify' }>): Promise<void> {
  const { job, input, options } = message;
  let release = await acquireSlot();
  send({ type: 'running', job });
  let waiting = 0;
  const fetch: GuardedFetch = async (url, init) => {
    if (waiting++ === 0) release();
    const request = ++requests;
    try {
      const response = await new Promise<BridgedResponse>((resolve, reject) => {
        pending.set(request, { resolve, reject });
        send({ type: 'fetch', job, request, url, ...(init?.accept ? { accept: init.accept } : {}) });
      });
      return fetchedResponse(
        response.status,
        response.url,
        Object.fromEntries(response.headers),
        response.body,
      );
    } finally {
      if (--waiting === 0) {
        release = await acquireSlot();
        send({ type: 'running', job });
      }
    }
  };
  // The job's clock crosses the thread boundary as an ISO string.
  const at = options.now ? new Date(options.now) : undefined;
  try {
    const report = await verify(input, {
      fetch,
      documentLoader: defaultDocumentLoader,
      statusCache: exceptOwnOrigin(statusCache, options.baseUrl),
      maxInputBytes: options.maxInputBytes,
      limits: options.limits,
      ...(at ? { now: () => at } : {}),
      ...(options.recipientEmail ? { recipient: { email: options.recipientEmail } } : {}),
      ...(options.followRefresh ? { followRefresh: true } : {}),
    });
    send({ type: 'done', job, report });
  } catch (e) {
    send({ type: 'failed', job, message: e instanceof Error ? e.message : String(e) });
  } finally {
    release();
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'verify') {
    void run(message);
    return;
  }
  const waiter = pending.get(message.request);
  pending.delete(message.request);
  if (!waiter) return;
  if ('error' in message) waiter.reject(new OpenBadgesError(message.error.code, message.error.message));
  else waiter.resolve(message.response);
});
