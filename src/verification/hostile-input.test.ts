// The public verifier under hostile input: huge and deeply nested credentials, verifications that
// run past their deadline, floods from one address. Real server, real worker threads.
import type { AddressInfo } from 'node:net';
import { bakeImage } from '@laurel/openbadges/bake';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { newIssuer, signDi, unsignedCredential } from '../../packages/openbadges/test/verify/fixtures.ts';
import {
  bakeHostile,
  HOSTILE_ORIGIN,
  hostileFetch,
  hostileInputs,
  hostileSamples,
  manyEvidence,
  withDeepContext,
} from '../../packages/openbadges/test/verify/hostile.ts';
import { tinyPng } from '../../test/images.ts';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import { buildServer } from '../http/server.ts';
import { csrfPair } from '../orgs/testing.ts';
import type { VerificationContext } from './settings.ts';
import { multipart } from '../http/testing.ts';
import { createAppContext } from '../features.ts';

const issuer = newIssuer();

/** A multipart form of text fields only. */
const multipartText = (fields: Record<string, string>) =>
  multipart(Object.entries(fields).map(([name, value]) => ({ name, value })));

describe('the public verifier under hostile input', () => {
  const t = useTestDatabase('pglite');
  let app: FastifyInstance | undefined;
  let ctx: VerificationContext | undefined;
  afterEach(async () => {
    await app?.close();
    // The runtime holds the verifier's worker threads.
    await ctx?.runtime.close();
    app = undefined;
    ctx = undefined;
  });

  const start = async (verifier: VerificationContext['verifier'] = {}, trustProxy = false) => {
    ctx = { ...createAppContext(t.db, testConfig({ trustProxy })), verifier };
    app = await buildServer(ctx);
    return app;
  };

  it('refuses six concurrent 60,000-item credentials (over 4.25 MB) and verifies six heavy ones off-thread while /healthz stays fast', async () => {
    const server = await start({}, true);
    await server.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const huge = JSON.stringify(unsignedCredential(issuer, { evidence: manyEvidence(60_000) as never }));
    expect(huge.length).toBeGreaterThan(4_250_000);
    // Within the limits but costly: 1,000 evidence items to canonicalize for the signature.
    const heavy = JSON.stringify(
      await signDi(unsignedCredential(issuer, { evidence: manyEvidence(1000) as never }), issuer),
    );

    const latencies: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t0 = performance.now();
        const res = await fetch(`${base}/healthz`);
        await res.text();
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const post = async (body: string, i: number) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
        body,
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, any>,
        ms: performance.now() - t0,
      };
    };
    const t0 = performance.now();
    const results = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => post(huge, i + 1)),
      ...Array.from({ length: 6 }, (_, i) => post(heavy, i + 11)),
    ]);
    const total = performance.now() - t0;
    polling = false;
    await poll;

    const refused = results.slice(0, 6);
    const verified = results.slice(6);
    // Refused before parsing: only an image makes a JSON body this large.
    for (const r of refused) {
      expect(r.status).toBe(413);
      expect(r.body).toMatchObject({ code: 'INPUT_TOO_LARGE', status: 413 });
      expect(r.body.detail).toMatch(
        /^The credential is \d\.\d MB of JSON; this verifier reads at most 1 MB\.$/,
      );
    }
    for (const r of verified) expect(r.body.verdict).toBe('valid');
    const worst = Math.max(...latencies);
    console.log(
      `6 × ${(huge.length / 1e6).toFixed(2)} MB (60,000 evidence items) refused in ${Math.max(...refused.map((r) => r.ms)).toFixed(0)} ms at worst, 6 × 1,000-item ` +
        `credentials verified in ${Math.max(...verified.map((r) => r.ms)).toFixed(0)} ms at worst (all in ` +
        `${total.toFixed(0)} ms); /healthz answered ${latencies.length} times meanwhile, worst ${worst.toFixed(0)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(3);
    expect(worst).toBeLessThan(1000);
    expect(Math.max(...refused.map((r) => r.ms))).toBeLessThan(2000);
  });

  it('answers a 10,000-deep @context with a 400 naming the depth, in every form, never a 500', async () => {
    const server = await start();
    const credential = await signDi(unsignedCredential(issuer), issuer);
    const deep = withDeepContext(credential, 10_000);
    const jwt = `eyJhbGciOiJFZERTQSJ9.${Buffer.from(deep).toString('base64url')}.AAAA`;
    const png = Buffer.from(bakeImage(tinyPng(), { kind: 'ob3-json', text: deep }));
    const api = [
      { headers: { 'content-type': 'application/json' }, payload: deep },
      { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ credential: deep }) },
      { headers: { 'content-type': 'application/json' }, payload: `{"credential":${deep}}` },
      { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ jwt }) },
      { headers: { 'content-type': 'image/png' }, payload: png },
      {
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ imageBase64: png.toString('base64') }),
      },
    ];
    for (const [i, request] of api.entries()) {
      const res = await server.inject({
        method: 'POST',
        url: '/api/v1/verify',
        remoteAddress: `192.0.2.${i + 1}`,
        ...request,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, code: 'INPUT_TOO_COMPLEX', title: 'Bad request' });
      expect(res.json().detail).toMatch(/too deeply nested: more than 32 levels of objects and arrays/);
    }

    const csrf = csrfPair(testConfig());
    const form = multipartText({ _csrf: csrf.token, text: deep });
    const page = await server.inject({
      method: 'POST',
      url: '/verify',
      cookies: { laurel_csrf: csrf.cookie },
      headers: { 'content-type': form.contentType, accept: 'text/html' },
      payload: form.payload,
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('This could not be verified');
    expect(page.body).toContain('too deeply nested');
  });

  it('stops a verification past its deadline with a clear answer, and the next one works', async () => {
    const server = await start({
      pool: { deadlineMs: 150 },
      limits: { maxArrayLength: 100_000, maxValues: 1_000_000, maxBytes: 100_000_000 },
    });
    // 20,000 evidence items canonicalized for a signature that cannot match: seconds of work.
    const { proof } = await signDi(unsignedCredential(issuer), issuer);
    const slow = { ...unsignedCredential(issuer, { evidence: manyEvidence(20_000) as never }), proof };
    const t0 = performance.now();
    const stopped = await server.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { credential: slow },
      remoteAddress: '192.0.2.50',
    });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(stopped.statusCode).toBe(422);
    expect(stopped.json()).toMatchObject({ code: 'VERIFY_TIMEOUT', status: 422 });
    expect(stopped.json().detail).toMatch(/^Verifying this badge took more than 0.15 s of computation/);

    const csrf = csrfPair(testConfig());
    const form = multipartText({ _csrf: csrf.token, text: JSON.stringify(slow) });
    const page = await server.inject({
      method: 'POST',
      url: '/verify',
      cookies: { laurel_csrf: csrf.cookie },
      headers: { 'content-type': form.contentType, accept: 'text/html' },
      payload: form.payload,
      remoteAddress: '192.0.2.51',
    });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('took more than 0.15 s of computation');

    const good = await signDi(unsignedCredential(issuer), issuer);
    const next = await server.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { credential: good },
      remoteAddress: '192.0.2.52',
    });
    expect(next.statusCode).toBe(200);
    expect(next.json().verdict).toBe('valid');
  });

  it('spends an address’s budget on big inputs much sooner than on small ones', async () => {
    const server = await start();
    // 900 KB, within every limit: two long narratives.
    const big = unsignedCredential(issuer, {
      evidence: [{ narrative: 'x'.repeat(450_000) }, { narrative: 'y'.repeat(450_000) }] as never,
    });
    const small = unsignedCredential(issuer);
    const flood = async (credential: object, address: string) => {
      let admitted = 0;
      for (let i = 0; i < 100; i++) {
        const res = await server.inject({
          method: 'POST',
          url: '/api/v1/verify',
          payload: { credential },
          remoteAddress: address,
        });
        if (res.statusCode === 429) return { admitted, refusal: res };
        expect(res.statusCode).toBe(200);
        admitted++;
      }
      throw new Error('never refused');
    };
    const bigFlood = await flood(big, '192.0.2.100');
    const smallFlood = await flood(small, '192.0.2.101');
    console.log(
      `before the first 429: ${bigFlood.admitted} verifications of 900 KB, ${smallFlood.admitted} of ${JSON.stringify(small).length} bytes`,
    );
    expect(bigFlood.admitted).toBeGreaterThan(0);
    expect(bigFlood.admitted * 4).toBeLessThan(smallFlood.admitted);
    const refusal = bigFlood.refusal;
    expect(Number(refusal.headers['retry-after'])).toBeGreaterThan(0);
    expect(refusal.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Too many requests' });
    expect(refusal.json().detail).toMatch(/verification budget .* Try again in \d+ seconds?\./);
  });

  it('answers a sample of 300 generated hostile inputs through the API: 0 server errors, 0 over 2 s', async () => {
    // The budget is not what is tested here; the hostile host answers in-process.
    const server = await start({ cost: { capacity: 1e9 }, outsideFetch: hostileFetch });
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const inputs = fc.sample(hostileInputs(await hostileSamples(), bakeHostile), { numRuns: 300, seed });
    // The pool starts its worker on the first job; that start is not part of any answer after it.
    await server.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { url: `${HOSTILE_ORIGIN}/gone` },
    });
    const statuses = new Map<number, number>();
    let worst = 0;
    let over = 0;
    let serverErrors = 0;
    const t0 = performance.now();
    // Six at a time, as concurrent clients would.
    for (let i = 0; i < inputs.length; i += 6) {
      await Promise.all(
        inputs.slice(i, i + 6).map(async (h, j) => {
          const started = performance.now();
          const res = await server.inject({
            method: 'POST',
            url: '/api/v1/verify',
            headers: { 'content-type': h.wire.type },
            payload: typeof h.wire.body === 'string' ? h.wire.body : Buffer.from(h.wire.body),
            remoteAddress: `10.9.${(i + j) >> 8}.${(i + j) & 255}`,
          });
          const ms = performance.now() - started;
          worst = Math.max(worst, ms);
          if (ms > 2000) over++;
          if (res.statusCode >= 500) serverErrors++;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect(res.statusCode, `${h.kind}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          expect([200, 400, 413, 415, 422], h.kind).toContain(res.statusCode);
        }),
      );
    }
    console.log(
      `API: ${inputs.length} hostile inputs (seed ${seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
        `${serverErrors} server errors, ${over} over 2 s, slowest ${worst.toFixed(0)} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(serverErrors).toBe(0);
    expect(over).toBe(0);
  });
});
