import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bakeImage } from '../../src/bake/index.ts';
import { type VerificationReport, verify } from '../../src/verify/index.ts';
import { readSpec } from '../ob3/official-schema.ts';
import {
  mapFetch,
  NOW,
  newIssuer,
  signDi,
  signJwt,
  TINY_SVG,
  tinyPng,
  unsignedCredential,
} from './fixtures.ts';

const vector = readSpec('ob3/test-vector-eddsa-rdfc-2022.json');
const stepOf = (r: VerificationReport, id: string) => r.steps.find((s) => s.id === id);
// Every report lists these checks, whatever the input.
const CORE = ['format', 'parse', 'schema', 'proof', 'key', 'issuer', 'dates', 'status', 'recipient'];

describe('the 1EdTech eddsa-rdfc-2022 test vector', () => {
  // The issuer profile lists its key, as the implementation guide's example does.
  const issuerDoc = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: vector.key.controller,
    verificationMethod: [
      {
        id: vector.key.id,
        type: 'Multikey',
        controller: vector.key.controller,
        publicKeyMultibase: vector.key.publicKeyMultibase,
      },
    ],
    assertionMethod: [vector.key.id],
  };
  const fetch = mapFetch({ [vector.key.controller]: issuerDoc });

  it('verifies with the key document served through the injected fetch', async () => {
    const r = await verify(vector.signedCredential, { fetch, now: () => NOW });
    expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
    expect(stepOf(r, 'proof')?.result).toBe('pass');
    expect(stepOf(r, 'key')?.result).toBe('pass');
    expect(r.issuer?.name).toBe('Example Corp');
  });

  it('fails when its name is changed', async () => {
    const r = await verify(
      { ...vector.signedCredential, name: 'Teamwork Badge!' },
      { fetch, now: () => NOW },
    );
    expect(stepOf(r, 'proof')?.code).toBe('PROOF_INVALID');
  });

  it('is indeterminate when the issuer’s key document cannot be fetched', async () => {
    const r = await verify(vector.signedCredential, { fetch: mapFetch({}), now: () => NOW });
    expect(r.verdict).toBe('indeterminate');
    expect(stepOf(r, 'key')?.code).toBe('FETCH_FAILED');
  });
});

describe('verify never throws', () => {
  let samples: unknown[] = [];
  beforeAll(async () => {
    const issuer = newIssuer();
    const di = await signDi(unsignedCredential(issuer), issuer);
    const jwt = await signJwt(unsignedCredential(issuer), issuer);
    samples = [di, jwt, bakeImage(tinyPng(), { kind: 'ob3-json', text: JSON.stringify(di) })];
  });
  const opts = { fetch: mapFetch({}), now: () => NOW };
  const isReport = (r: VerificationReport) =>
    ['valid', 'invalid', 'indeterminate'].includes(r.verdict) &&
    typeof r.summary === 'string' &&
    Array.isArray(r.steps) &&
    CORE.every((id) => r.steps.some((s) => s.id === id && s.message.length > 0));

  it('on random bytes and strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ maxLength: 300 }),
          fc.constantFrom('{', '{"@context":1}', 'a.b.c', 'http://', '<svg', '[]', 'null'),
          // Inputs that get past format detection into the PNG and SVG readers.
          fc.uint8Array({ maxLength: 200 }).map((b) => new Uint8Array([...tinyPng().subarray(0, 33), ...b])),
          fc.string({ maxLength: 200 }).map((t) => `<svg xmlns="http://www.w3.org/2000/svg">${t}</svg>`),
        ),
        async (input) => {
          const r = await verify(input, opts);
          expect(isReport(r)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('on damaged baked images: truncations, flipped bytes, huge chunks and XML bombs are never valid', async () => {
    const png = samples[2] as Uint8Array;
    const svg = bakeImage(new TextEncoder().encode(TINY_SVG), {
      kind: 'ob3-jwt',
      text: samples[1] as string,
    });
    const damaged = fc.oneof(
      fc.nat({ max: png.length - 1 }).map((n) => png.subarray(0, n)),
      fc.nat({ max: svg.length - 1 }).map((n) => svg.subarray(0, n)),
      // Every byte of the tiny PNG up to IEND is covered by a CRC or is structure, so a flip always shows.
      fc.tuple(fc.nat({ max: png.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
        const copy = png.slice();
        copy[at]! ^= x;
        return copy;
      }),
      fc.integer({ min: 1 << 20, max: 0xffffffff }).map((length) => {
        const copy = png.slice();
        new DataView(copy.buffer).setUint32(33, length);
        return copy;
      }),
      fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 2, max: 16 })).map(([levels, width]) => {
        let dtd = '<!ENTITY e0 "lol">';
        for (let i = 1; i <= levels; i++) dtd += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(width)}">`;
        return `<?xml version="1.0"?><!DOCTYPE svg [${dtd}]><svg xmlns="http://www.w3.org/2000/svg"><text>&e${levels};</text></svg>`;
      }),
    );
    await fc.assert(
      fc.asyncProperty(damaged, async (input) => {
        const r = await verify(input, opts);
        expect(isReport(r)).toBe(true);
        expect(r.verdict).toBe('invalid');
      }),
      { numRuns: 150 },
    );
    const bomb = await verify(
      '<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
      opts,
    );
    expect(stepOf(bomb, 'format')).toMatchObject({ result: 'fail', code: 'SVG_FORBIDDEN' });
  });

  it('on random JSON values and mutations of a real credential', async () => {
    const mutateDeep = (value: unknown, path: number[], replacement: unknown): unknown => {
      if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
      const entries = Object.entries(value as object);
      if (entries.length === 0) return replacement;
      const [k, v] = entries[path[0]! % entries.length]!;
      const copy: any = Array.isArray(value) ? [...value] : { ...value };
      copy[k] = mutateDeep(v, path.slice(1), replacement);
      return copy;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        async (path, replacement, asJwtPayload) => {
          const base = samples[0];
          const mutated = mutateDeep(base, path, replacement);
          const input = asJwtPayload
            ? `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify(mutated) ?? 'null').toString('base64url')}.AAAA`
            : mutated;
          const r = await verify(input as object, opts);
          expect(isReport(r)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
    for (const s of samples) expect(isReport(await verify(s as object, opts))).toBe(true);
    expect(isReport(await verify(fc.sample(fc.jsonValue(), 1)[0] as object, opts))).toBe(true);
  });
});
