// A signing thread of ./signing-pool.ts: signs each request's awards in order with the same
// signAwards the main thread uses, and answers with the texts.
import { parentPort } from 'node:worker_threads';
import { signAwards } from './credential.ts';
import type { SignReply, SignRequest } from './signing-pool.ts';

const port = parentPort!;
port.on('message', async ({ id, bundle, facts }: SignRequest) => {
  let reply: SignReply;
  try {
    reply = { id, signed: await signAwards(bundle, facts) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
