import { describe, expect, it } from 'vitest';
import { bakeImage } from '../../src/bake/index.ts';
import {
  checkJsonLimits,
  checkJwsLimits,
  checkTextLimits,
  DEFAULT_INPUT_LIMITS,
  HARD_MAX_DEPTH,
  inputLimits,
  type GuardedFetch,
  type VerificationReport,
  verify,
} from '../../src/verify/index.ts';
import {
  mapFetch,
  NOW,
  newIssuer,
  response,
  signDi,
  signJwt,
  tinyPng,
  unsignedCredential,
} from './fixtures.ts';
import { deepJsonText, manyEvidence, withDeepContext } from './hostile.ts';

const format = (r: VerificationReport) => r.steps.find((s) => s.id === 'format')!;
const opts = { fetch: mapFetch({}), now: () => NOW };

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

describe('checkJsonLimits', () => {
  it('names each limit, with where it was exceeded', () => {
    const small = { ...DEFAULT_INPUT_LIMITS, maxArrayLength: 3, maxObjectKeys: 3, maxStringLength: 10 };
    expect(checkJsonLimits({ a: { b: [1, 2, 3, 4] } }, small)).toMatchObject({
      limit: 'maxArrayLength',
      actual: 4,
      max: 3,
      path: '/a/b',
      code: 'INPUT_TOO_COMPLEX',
      message: 'The credential has a list of 4 items (at /a/b); this verifier reads at most 3.',
    });
    expect(checkJsonLimits({ a: 1, b: 2, c: 3, d: 4 }, small)).toMatchObject({ limit: 'maxObjectKeys' });
    expect(checkJsonLimits({ x: ['short', 'far too long'] }, small)).toMatchObject({
      limit: 'maxStringLength',
      path: '/x/1',
      code: 'INPUT_TOO_LARGE',
    });
    expect(checkJsonLimits({ 'a very long key': 1 }, small)).toMatchObject({
      limit: 'maxStringLength',
      path: '/a very long key',
    });
    expect(checkJsonLimits([[[[1]]]], { ...small, maxDepth: 3 })).toMatchObject({
      limit: 'maxDepth',
      message: 'The credential is too deeply nested: more than 3 levels of objects and arrays (at /0/0/0).',
    });
    expect(checkJsonLimits([1, 2, 3], { ...small, maxValues: 3 })).toMatchObject({ limit: 'maxValues' });
    expect(checkJsonLimits({ s: 'x'.repeat(200) }, { ...DEFAULT_INPUT_LIMITS, maxBytes: 100 })).toMatchObject(
      {
        limit: 'maxBytes',
        code: 'INPUT_TOO_LARGE',
      },
    );
    expect(checkJsonLimits({ a: [1, 2, 3], b: 'ok' }, small)).toBeUndefined();
  });

  it('scans a 100,000-deep value without recursion, and ends on a cyclic object', () => {
    const deep = JSON.parse(deepJsonText(100_000));
    const found = checkJsonLimits(deep);
    expect(found?.limit).toBe('maxDepth');
    expect(found?.path).toMatch(/^(\/a){8}\/…$/);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = [cyclic];
    expect(checkJsonLimits(cyclic, { ...DEFAULT_INPUT_LIMITS, maxDepth: 1e9 })?.limit).toBe('maxValues');
  });

  it('measures text in UTF-8 bytes and tokens by their payload', () => {
    const limits = { ...DEFAULT_INPUT_LIMITS, maxBytes: 10 };
    expect(checkTextLimits('1234567890', limits)).toBeUndefined();
    expect(checkTextLimits('ééééé…', limits)).toMatchObject({ limit: 'maxBytes', actual: 13 });
    const deepToken = `eyJhbGciOiJFZERTQSJ9.${Buffer.from(deepJsonText(50)).toString('base64url')}.AAAA`;
    expect(checkJwsLimits(deepToken)).toMatchObject({ limit: 'maxDepth' });
    expect(checkJwsLimits(`a.${'A'.repeat(2_000_000)}.b`)).toMatchObject({ limit: 'maxBytes' });
  });

  it('never lets maxDepth past the depth JSON-LD and serialization survive', () => {
    expect(inputLimits({ maxDepth: 1_000_000 }).maxDepth).toBe(HARD_MAX_DEPTH);
    expect(inputLimits({ maxArrayLength: 5 })).toMatchObject({ ...DEFAULT_INPUT_LIMITS, maxArrayLength: 5 });
  });
});

describe('verify() holds untrusted input to its limits before any JSON-LD work', () => {
  it('refuses the 4.25 MB credential with 60,000 evidence items in milliseconds, naming the limit', async () => {
    const issuer = newIssuer();
    const big = unsignedCredential(issuer, { evidence: manyEvidence(60_000) as never });
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(4_000_000);

    const asText = await timed(() => verify(text, opts));
    expect(asText.value.verdict).toBe('invalid');
    expect(format(asText.value)).toMatchObject({ result: 'fail', code: 'INPUT_TOO_LARGE' });
    expect(format(asText.value).message).toMatch(/MB of JSON; this verifier reads at most 1 MB/);

    const asObject = await timed(() => verify(big, opts));
    expect(format(asObject.value)).toMatchObject({ result: 'fail', code: 'INPUT_TOO_COMPLEX' });
    expect(format(asObject.value).message).toBe(
      'The credential has a list of 60,000 items (at /evidence); this verifier reads at most 1,000.',
    );
    expect(asText.ms + asObject.ms).toBeLessThan(500);
  });

  it('reports a 10,000-deep @context as too deeply nested, in every container, with a serializable report', async () => {
    const issuer = newIssuer();
    const signed = await signDi(unsignedCredential(issuer), issuer);
    const text = withDeepContext(signed, 10_000);
    const jwt = `eyJhbGciOiJFZERTQSJ9.${Buffer.from(text).toString('base64url')}.AAAA`;
    const png = bakeImage(tinyPng(), { kind: 'ob3-json', text });
    const inputs: (string | object | Uint8Array)[] = [
      text,
      JSON.parse(text),
      jwt,
      png,
      'https://host.example/b',
    ];
    const fetch: GuardedFetch = async (url) =>
      response(200, url, 'application/json', new TextEncoder().encode(text));
    for (const input of inputs) {
      const r = await verify(input, { fetch, now: () => NOW });
      expect(r.verdict, JSON.stringify(r.steps[0])).toBe('invalid');
      expect(format(r)).toMatchObject({ result: 'fail', code: 'INPUT_TOO_COMPLEX' });
      expect(r.summary).toMatch(/too deeply nested: more than 32 levels/);
      expect(() => JSON.stringify(r)).not.toThrow();
    }
  });

  it('holds fetched documents to the depth limit, so a deep status list is a failed check, not a crash', async () => {
    const issuer = newIssuer();
    const cred = await signDi(
      unsignedCredential(issuer, {
        credentialStatus: {
          id: 'https://status.example/list#1',
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: '1',
          statusListCredential: 'https://status.example/list',
        },
      } as never),
      issuer,
    );
    const r = await verify(cred, {
      fetch: mapFetch({ 'https://status.example/list': JSON.parse(deepJsonText(10_000)) }),
      now: () => NOW,
    });
    // The status module counts any failure to load its list as unreachable.
    expect(r.steps.find((s) => s.id === 'status')).toMatchObject({
      result: 'warn',
      code: 'STATUS_UNREACHABLE',
    });
    expect(r.verdict).toBe('indeterminate');
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  it('still verifies real badges, and lets a caller raise the limits', async () => {
    const issuer = newIssuer();
    const signed = await signDi(unsignedCredential(issuer), issuer);
    expect((await verify(signed, opts)).verdict).toBe('valid');
    expect((await verify(await signJwt(unsignedCredential(issuer), issuer), opts)).verdict).toBe('valid');

    const many = await signDi(unsignedCredential(issuer, { evidence: manyEvidence(1500) as never }), issuer);
    expect(format(await verify(many, opts)).code).toBe('INPUT_TOO_COMPLEX');
    expect((await verify(many, { ...opts, limits: { maxArrayLength: 2000 } })).verdict).toBe('valid');
  });
});
