// Inputs an attacker sends to a verifier, shared by the limit and fuzz tests here and the platform's.
import fc from 'fast-check';
import { bakeImage } from '../../src/bake/index.ts';
import { OpenBadgesError } from '../../src/errors.ts';
import type { GuardedFetch } from '../../src/verify/index.ts';
import { newIssuer, response, signDi, signJwt, tinyPng, unsignedCredential } from './fixtures.ts';

/** JSON text of an object nested `depth` levels deep; built as text, since JSON.stringify would overflow. */
export function deepJsonText(depth: number, key = 'a'): string {
  return `${`{"${key}":`.repeat(depth)}{}${'}'.repeat(depth)}`;
}

/** A credential's JSON text with a `depth`-deep object added to its @context. */
export function withDeepContext(credential: object, depth: number): string {
  const text = JSON.stringify(credential);
  return text.replace('"@context":[', `"@context":[${deepJsonText(depth, '@vocab')},`);
}

/** `count` evidence items, about 70 bytes of JSON each. */
export function manyEvidence(count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `https://society.example/evidence/${i}`,
    type: ['Evidence'],
    name: `Evidence ${i}`,
  }));
}

/** What the generator starts from: a real signed credential, a real VC-JWT and the issuer's key. */
export type HostileSamples = { signed: Record<string, any>; jwt: string };

/** One generated input, with the family it comes from (for the counts) and how it travels over HTTP. */
export type Hostile = {
  kind: string;
  input: string | Uint8Array | object;
  /** The HTTP body and its type: objects too deep for JSON.stringify travel as their text. */
  wire: { type: string; body: string | Uint8Array };
};

export const HOSTILE_ORIGIN = 'https://hostile.example';

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const safeJson = (v: unknown) => JSON.stringify(v) ?? 'null';

function asText(kind: string, text: string, parse: boolean): Hostile {
  return {
    kind,
    input: parse ? (JSON.parse(text) as object) : text,
    wire: { type: 'text/plain', body: text },
  };
}
function asObject(kind: string, value: object): Hostile {
  return { kind, input: value, wire: { type: 'application/json', body: safeJson(value) } };
}

/** Sets `value` at a JSON path of a copy of `base` (creating objects on the way). */
function setAt(base: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(base) ? [...base] : { ...(base as object) };
  copy[head!] = setAt(copy[head!], rest, value);
  return copy;
}

const PLACES: (string | number)[][] = [
  ['@context', 2],
  ['@context'],
  ['credentialSubject'],
  ['credentialSubject', 'achievement', 'name'],
  ['issuer'],
  ['proof'],
  ['evidence'],
  ['type'],
  ['id'],
  ['credentialStatus'],
];

/**
 * Hostile credential inputs: random JSON, deep nesting, huge arrays and objects, huge strings,
 * wrong types, tampered proofs, forged JWTs, bad base64, odd @context values, hostile baked
 * images and URLs answering hostile documents (see hostileFetch). Sizes are drawn, and the big
 * values built directly, so generating stays cheap.
 */
export function hostileInputs(s: HostileSamples, bake: (text: string) => Uint8Array) {
  const place = fc.constantFrom(...PLACES);
  const json = fc.jsonValue({ maxDepth: 4, depthSize: 'small' });
  const deepText = fc.integer({ min: 33, max: 20_000 }).map((d) => deepJsonText(d));

  const randomJson = json.map((v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? asObject('random JSON', v)
      : asText('random JSON', safeJson(v), false),
  );
  const deep = fc
    .tuple(fc.integer({ min: 33, max: 20_000 }), place, fc.boolean())
    .map(([depth, at, parse]) => {
      const marker = '"__deep__"';
      const text = safeJson(setAt(s.signed, at, '__deep__')).replace(marker, deepJsonText(depth));
      return asText('deep nesting', text, parse);
    });
  const wide = fc
    .tuple(fc.integer({ min: 1001, max: 30_000 }), place, fc.constantFrom('array', 'object', 'flat'))
    .map(([n, at, shape]) => {
      const big =
        shape === 'array'
          ? Array.from({ length: n }, (_, i) => ({ id: `urn:x:${i}`, type: 'Evidence' }))
          : shape === 'flat'
            ? new Array(n).fill(0)
            : Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
      return asObject('huge arrays and objects', setAt(s.signed, at, big) as object);
    });
  const hugeString = fc
    .tuple(fc.integer({ min: 100_000, max: 1_500_000 }), place)
    .map(([n, at]) => asObject('huge strings', setAt(s.signed, at, 'x'.repeat(n)) as object));
  const wrongTypes = fc
    .tuple(place, fc.oneof(json, fc.constantFrom(null, 0, -1, 1e308, true, '', [], {}, [[[]]], 'did:web:')))
    .map(([at, v]) => asObject('wrong types', setAt(s.signed, at, v) as object));
  const tampered = fc
    .tuple(
      fc.constantFrom(
        ['credentialSubject', 'achievement', 'name'],
        ['validFrom'],
        ['proof', 'proofValue'],
        ['proof', 'verificationMethod'],
        ['proof', 'cryptosuite'],
        ['issuer', 'id'],
        ['id'],
      ),
      fc.string({ maxLength: 20 }),
    )
    .map(([at, junk]) => {
      const old = at.reduce<any>((o, k) => o?.[k], s.signed);
      return asObject(
        'tampered proofs',
        setAt(s.signed, [...at], `${typeof old === 'string' ? old : ''}${junk || 'x'}`) as object,
      );
    });
  const [jh, jp, js] = s.jwt.split('.') as [string, string, string];
  const forgedJwt = fc
    .tuple(
      fc.oneof(
        fc.constant(jh),
        json.map((v) => b64(safeJson(v))),
        fc.constantFrom(
          b64('{"alg":"none"}'),
          b64(`{"alg":"EdDSA","kid":"${HOSTILE_ORIGIN}/deep"}`),
          b64(`{"alg":"RS256","kid":"${HOSTILE_ORIGIN}/wide"}`),
          b64('{"alg":"EdDSA","jwk":{"kty":"OKP","crv":"Ed25519","x":"AAAA"}}'),
          b64(`{"alg":"EdDSA","kid":"did:web:hostile.example"}`),
        ),
        deepText.map(b64),
      ),
      fc.oneof(
        fc.constant(jp),
        json.map((v) => b64(safeJson(v))),
        deepText.map(b64),
        fc.constant(b64(safeJson({ vc: { ...s.signed, credentialSubject: 'x' } }))),
      ),
      fc.oneof(
        fc.constant(js),
        fc.base64String({ maxLength: 120 }).map((x) => x.replace(/[+/=]/g, '')),
      ),
    )
    .map(([h, p, sig]) => asText('forged JWTs', `${h}.${p}.${sig}`, false));
  const badBase64 = fc
    .tuple(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), fc.constantFrom('.', '..', '...', ''))
    .map(([a, b, dots]) => asText('bad base64', `${b64(a)}${dots}${a}${dots}${b}`, false));
  const oddContext = fc
    .oneof(
      json,
      fc.constantFrom(
        null,
        '',
        `${HOSTILE_ORIGIN}/deep`,
        'https://www.w3.org/ns/credentials/v2#',
        ['https://www.w3.org/ns/credentials/v2', { '@vocab': 'https://evil.example/#' }],
        ['https://www.w3.org/ns/credentials/v2', { '@context': { '@context': {} } }],
        [
          'https://www.w3.org/ns/credentials/v2',
          { '@protected': true, name: { '@id': 'x:y', '@context': {} } },
        ],
        ['https://www.w3.org/ns/credentials/v2', { '@import': `${HOSTILE_ORIGIN}/deep` }],
        Array.from({ length: 900 }, (_, i) => `https://ctx.example/${i}`),
        ['https://www.w3.org/ns/credentials/v2', 'x'.repeat(400_000)],
      ),
    )
    .map((ctx) => asObject('odd @context values', { ...s.signed, '@context': ctx }));
  const images = fc.oneof(deep, wide, hugeString, tampered, forgedJwt).map((h) => {
    const text = typeof h.wire.body === 'string' ? h.wire.body : '';
    try {
      const png = bake(text);
      return { kind: 'baked images', input: png, wire: { type: 'image/png', body: png } } as Hostile;
    } catch {
      return { ...h, kind: 'baked images' };
    }
  });
  const urls = fc
    .constantFrom('/deep', '/wide', '/loop', '/gone', '/jwt', '/png', '/ob2', '/missing')
    .map((path) => asText('hostile URLs', `${HOSTILE_ORIGIN}${path}`, false));
  const ob2 = fc
    .tuple(fc.constantFrom('/deep', '/wide', '/ob2', '/gone', '/missing'), json)
    .map(([path, extra]) =>
      asObject('OB 2.0 assertions', {
        '@context': 'https://w3id.org/openbadges/v2',
        type: 'Assertion',
        id: `${HOSTILE_ORIGIN}${path}`,
        recipient: { type: 'email', hashed: false, identity: extra },
        badge: `${HOSTILE_ORIGIN}/deep`,
        verification: { type: 'hosted' },
        issuedOn: '2024-01-01',
      }),
    );
  const bytes = fc.uint8Array({ maxLength: 2000 }).map((b) => ({
    kind: 'random bytes',
    input: b,
    wire: { type: 'image/png', body: b },
  }));
  return fc.oneof(
    randomJson,
    deep,
    wide,
    hugeString,
    wrongTypes,
    tampered,
    forgedJwt,
    badBase64,
    oddContext,
    images,
    urls,
    ob2,
    bytes,
  );
}

const WIDE_DOCUMENT = `[${new Array(150_000).fill('1').join(',')}]`;

/** Documents a hostile host answers with: deep, wide, redirect-less loops, gone, tokens, images. */
export function hostileDocument(
  path: string,
  bake: (text: string) => Uint8Array,
): { status: number; type: string; body: Uint8Array } | undefined {
  const text = (t: string, type = 'application/json') => ({
    status: 200,
    type,
    body: new TextEncoder().encode(t),
  });
  switch (path) {
    case '/deep':
      return text(deepJsonText(20_000));
    case '/wide':
      return text(WIDE_DOCUMENT);
    case '/loop':
      return text(
        `<html><link rel="alternate" type="application/ld+json" href="${HOSTILE_ORIGIN}/loop"></html>`,
        'text/html',
      );
    case '/gone':
      return { status: 410, type: 'application/json', body: new Uint8Array() };
    case '/jwt':
      return text(`${b64('{"alg":"EdDSA"}')}.${b64(deepJsonText(5000))}.AAAA`, 'application/jwt');
    case '/png':
      return { status: 200, type: 'image/png', body: bake(deepJsonText(5000)) };
    case '/ob2':
      return text(
        safeJson({
          '@context': 'https://w3id.org/openbadges/v2',
          type: 'Assertion',
          recipient: {},
          badge: `${HOSTILE_ORIGIN}/deep`,
        }),
      );
    default:
      return undefined;
  }
}

export const bakeHostile = (text: string) => bakeImage(tinyPng(), { kind: 'ob3-json', text });

/** The hostile host's documents; every other URL is unreachable. */
export const hostileFetch: GuardedFetch = async (url) => {
  const doc = url.startsWith(`${HOSTILE_ORIGIN}/`)
    ? hostileDocument(new URL(url).pathname, bakeHostile)
    : undefined;
  if (!doc) throw new OpenBadgesError('FETCH_FAILED', `${url.slice(0, 100)} could not be reached.`);
  return response(doc.status, url, doc.type, doc.body);
};

export async function hostileSamples(): Promise<HostileSamples> {
  const issuer = newIssuer();
  return {
    signed: await signDi(unsignedCredential(issuer), issuer),
    jwt: await signJwt(unsignedCredential(issuer), issuer),
  };
}
