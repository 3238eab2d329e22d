import { OpenBadgesError } from '@laurel/openbadges/errors';
import { fetchedResponse, type GuardedFetch, inputLimits } from '@laurel/openbadges/verify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NOW,
  newIssuer,
  signDi,
  unsignedCredential,
} from '../../packages/openbadges/test/verify/fixtures.ts';
import { manyEvidence } from '../../packages/openbadges/test/verify/hostile.ts';
import { createVerifierPool, type VerifierPool, VerifierError } from './verify-pool.ts';
import type { VerifyJobOptions } from './worker-protocol.ts';

const options: VerifyJobOptions = {
  now: NOW.toISOString(),
  maxInputBytes: 5 * 1024 * 1024,
  limits: inputLimits(),
  baseUrl: 'http://localhost:3000',
};
/** Canonicalizing 20,000 evidence items for a signature that cannot match: seconds of computation. */
async function heavyJob(): Promise<{ input: object; options: VerifyJobOptions }> {
  const issuer = newIssuer();
  const { proof } = await signDi(unsignedCredential(issuer), issuer);
  return {
    input: { ...unsignedCredential(issuer, { evidence: manyEvidence(20_000) as never }), proof },
    options: { ...options, limits: inputLimits({ maxArrayLength: 100_000, maxValues: 1e6, maxBytes: 1e8 }) },
  };
}

const noNetwork: GuardedFetch = async (url) => {
  throw new OpenBadgesError('FETCH_FAILED', `${url} could not be reached.`);
};

describe('the verifier pool', () => {
  let pool: VerifierPool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it('verifies off the main thread, fetching every URL through the caller', async () => {
    pool = createVerifierPool({ workers: 1 });
    const issuer = newIssuer();
    const signed = await signDi(unsignedCredential(issuer), issuer);
    const valid = await pool.run(signed, options, noNetwork);
    expect(valid.report.verdict).toBe('valid');
    expect(valid.computeMs).toBeGreaterThan(0);

    const fetched: string[] = [];
    const hosted: GuardedFetch = async (url) => {
      fetched.push(url);
      return fetchedResponse(
        200,
        url,
        { 'content-type': 'application/json' },
        new TextEncoder().encode(JSON.stringify(signed)),
      );
    };
    const byUrl = await pool.run('https://badges.example/1', options, hosted);
    expect(fetched).toEqual(['https://badges.example/1']);
    expect(byUrl.report).toMatchObject({ verdict: 'valid', container: 'url' });

    const unreachable = await pool.run('https://badges.example/2', options, noNetwork);
    expect(unreachable.report.steps[0]).toMatchObject({ result: 'fail', code: 'FETCH_FAILED' });
  });

  it('stops a job past its deadline with a clear error, and the next job runs on a fresh worker', async () => {
    pool = createVerifierPool({ workers: 1, deadlineMs: 150 });
    const issuer = newIssuer();
    const heavy = await heavyJob();
    const started = performance.now();
    const error = await pool.run(heavy.input, heavy.options, noNetwork).catch((e) => e);
    expect(error).toBeInstanceOf(VerifierError);
    expect(error).toMatchObject({ reason: 'timeout' });
    expect(error.message).toMatch(/took more than 0.15 s of computation/);
    expect(performance.now() - started).toBeLessThan(5000);

    const signed = await signDi(unsignedCredential(issuer), issuer);
    expect((await pool.run(signed, options, noNetwork)).report.verdict).toBe('valid');
  });

  it('does not count time waiting for the network, and starts over a job whose worker was stopped for another', async () => {
    pool = createVerifierPool({ workers: 1, deadlineMs: 300 });
    const issuer = newIssuer();
    const signed = await signDi(unsignedCredential(issuer), issuer);
    let calls = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const slow: GuardedFetch = async (url) => {
      calls++;
      await held;
      return fetchedResponse(200, url, {}, new TextEncoder().encode(JSON.stringify(signed)));
    };
    const waiting = pool.run('https://slow.example/badge', options, slow);
    while (calls === 0) await new Promise((r) => setTimeout(r, 10));

    // While the first job waits for its URL, a second one overruns and takes the worker with it.
    const heavy = await heavyJob();
    await expect(pool.run(heavy.input, heavy.options, noNetwork)).rejects.toMatchObject({
      reason: 'timeout',
    });

    await new Promise((r) => setTimeout(r, 400));
    release();
    const result = await waiting;
    expect(result.report.verdict).toBe('valid');
    expect(calls).toBe(2);
    expect(result.computeMs).toBeLessThan(300);
  });

  it('loses only the worker when a job exhausts its memory, and the next job runs', async () => {
    pool = createVerifierPool({
      workers: 1,
      deadlineMs: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    });
    const issuer = newIssuer();
    const { proof } = await signDi(unsignedCredential(issuer), issuer);
    const huge = { ...unsignedCredential(issuer, { evidence: manyEvidence(100_000) as never }), proof };
    const unbounded = {
      ...options,
      limits: inputLimits({ maxArrayLength: 1e6, maxValues: 1e7, maxBytes: 1e9 }),
    };
    const error = await pool.run(huge, unbounded, noNetwork).catch((e) => e);
    expect(error).toBeInstanceOf(VerifierError);
    expect(error).toMatchObject({ reason: 'crashed' });
    expect(error.message).toMatch(/needed more memory than allowed/);

    const signed = await signDi(unsignedCredential(issuer), issuer);
    expect((await pool.run(signed, options, noNetwork)).report.verdict).toBe('valid');
  });
});
