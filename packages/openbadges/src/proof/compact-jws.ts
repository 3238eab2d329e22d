import { createPublicKey, KeyObject, sign, verify, type webcrypto } from 'node:crypto';
import { OpenBadgesError } from '../errors.ts';
import { isObj, type Obj } from '../json-values.ts';

/*
 * Compact JWS (RFC 7515 §7.1) for the two algorithms VC-JWT uses here, EdDSA (RFC 8037) and
 * RS256 (RFC 7518 §3.3), straight over node:crypto.
 *
 * Why not jose: on Node, jose signs and verifies through WebCrypto, whose every call is a job on
 * the libuv thread pool and a promise back, so an EdDSA JWT cost about 4x a raw Ed25519
 * signature (profiled: half the main thread idle, waiting for the pool). node:crypto's one-shot
 * sign/verify run the same OpenSSL code synchronously. The checks jose makes are kept: the
 * algorithm must be allowed, the key must be of the algorithm's type (RSA of 2048 bits or more),
 * `crit` must list only understood parameters (none: an unencoded payload, RFC 7797, is refused),
 * and every segment must be well-formed base64url. Tokens are the bytes jose produces for the
 * same header and payload (tested both ways against jose).
 */

export type JwsAlg = 'EdDSA' | 'RS256';

const encodeSegment = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** The encoded protected header: computed once per signer, it is the same for every token. */
export function encodeJwsHeader(header: Obj): string {
  return encodeSegment(JSON.stringify(header));
}

/** `<header>.<payload>.<signature>` over the payload text, with a key already checked to fit `alg`. */
export function signCompactJws(encodedHeader: string, payload: string, alg: JwsAlg, key: KeyObject): string {
  const input = `${encodedHeader}.${encodeSegment(payload)}`;
  const signature = sign(alg === 'EdDSA' ? null : 'sha256', Buffer.from(input, 'latin1'), key);
  return `${input}.${signature.toString('base64url')}`;
}

export type ParsedJws = {
  header: Obj;
  /** `<header>.<payload>` as it was signed. */
  signingInput: string;
  payload: Buffer;
  signature: Buffer;
};

const invalid = (message: string, cause?: unknown) =>
  new OpenBadgesError('JWT_INVALID', message, cause === undefined ? undefined : { cause });

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A base64url segment, strictly: no padding or stray characters, and no length base64 cannot have. */
function decodeSegment(segment: string, what: string): Buffer {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) {
    throw invalid(`The JWT ${what} is not base64url.`);
  }
  return Buffer.from(segment, 'base64url');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits and decodes a compact JWS; the header must be a JSON object in strict UTF-8. */
export function parseCompactJws(jws: string): ParsedJws {
  const parts = jws.split('.');
  if (parts.length !== 3) throw invalid('The input is not a compact JWS.');
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(decodeSegment(h, 'header')));
  } catch (cause) {
    throw invalid('The JWT header is not valid JSON.', cause);
  }
  if (!isObj(header)) throw invalid('The JWT header is not a JSON object.');
  checkCrit(header);
  return {
    header,
    signingInput: `${h}.${p}`,
    payload: decodeSegment(p, 'payload'),
    signature: decodeSegment(s, 'signature'),
  };
}

/**
 * RFC 7515 §4.1.11: a `crit` header lists extensions the verifier must understand or refuse the
 * token. The one understood, as by jose, is `b64` (RFC 7797) when it is true; an unencoded
 * payload (`b64: false`) is not a JWT.
 */
function checkCrit(header: Obj): void {
  if (header.crit === undefined) return;
  const crit = header.crit;
  if (
    !Array.isArray(crit) ||
    crit.length === 0 ||
    crit.some((c) => typeof c !== 'string' || c === '') ||
    new Set(crit).size !== crit.length
  ) {
    throw invalid('The JWT crit header must be a list of distinct names.');
  }
  const unknown = crit.filter((c) => c !== 'b64');
  if (unknown.length > 0) {
    throw invalid(
      `The JWT requires header extensions this verifier does not support: ${unknown.join(', ')}.`,
    );
  }
  if (header.b64 !== true)
    throw invalid('The JWT payload is not base64url-encoded (b64), so it is not a JWT.');
}

/** A public key as a KeyObject: KeyObjects as they are, WebCrypto keys converted, JWKs imported (public part only). */
export function publicKeyFrom(key: unknown): KeyObject {
  if (key instanceof KeyObject) return key;
  // WebCrypto's CryptoKey is a global in Node 20 that @types/node 20 does not declare.
  const WebCryptoKey = (globalThis as { CryptoKey?: new () => webcrypto.CryptoKey }).CryptoKey;
  if (WebCryptoKey && key instanceof WebCryptoKey) return KeyObject.from(key);
  if (isObj(key) && typeof key.kty === 'string') {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...pub } = key;
    try {
      return createPublicKey({ key: pub as never, format: 'jwk' });
    } catch (cause) {
      throw new OpenBadgesError('KEY_INVALID', 'The JWT key is not a usable public JWK.', { cause });
    }
  }
  throw new OpenBadgesError('KEY_INVALID', 'The JWT key is not a public key.');
}

const MIN_RSA_BITS = 2048;

/** Whether `key` is a key of the kind `alg` signs with (RFC 8037 §3.1, RFC 7518 §3.3: RSA of 2048 bits or more). */
export function keyFitsAlg(key: KeyObject, alg: JwsAlg, type: 'public' | 'private'): boolean {
  if (key.type !== type) return false;
  if (alg === 'EdDSA') return key.asymmetricKeyType === 'ed25519';
  return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
}

/** Whether the signature matches; a key that does not fit `alg` is JWT_INVALID. */
export function verifyCompactJws(parsed: ParsedJws, alg: JwsAlg, key: KeyObject): boolean {
  if (!keyFitsAlg(key, alg, 'public')) {
    throw invalid(`The JWT could not be verified with its key: it is not a ${alg} public key.`);
  }
  return verify(
    alg === 'EdDSA' ? null : 'sha256',
    Buffer.from(parsed.signingInput, 'latin1'),
    key,
    parsed.signature,
  );
}
