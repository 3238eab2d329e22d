import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { OpenBadgesError } from '../errors.ts';
import { base58Decode, base58Encode } from './base58.ts';

export type Ed25519KeyPair = {
  publicKey: Uint8Array /* 32 bytes */;
  secretKey: Uint8Array /* 32-byte seed */;
};

export type Ed25519Jwk = { kty: 'OKP'; crv: 'Ed25519'; x: string; d?: string; kid?: string };

export type MultikeyDocument = {
  '@context'?: string | string[];
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
};

// Multicodec varint headers (Multikey spec, section 2.2.2): ed25519-pub 0xed, ed25519-priv 0x1300.
const PUB_HEADER = [0xed, 0x01];
const SECRET_HEADER = [0x80, 0x26];
// DER prefixes that wrap a raw key into SPKI / PKCS#8 for node:crypto (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return {
    publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')),
    secretKey: new Uint8Array(Buffer.from(jwk.d!, 'base64url')),
  };
}

function prefixed(header: number[], key: Uint8Array): string {
  const bytes = new Uint8Array(header.length + key.length);
  bytes.set(header, 0);
  bytes.set(key, header.length);
  return 'z' + base58Encode(bytes);
}

function unprefixed(header: number[], multibase: string, what: string): Uint8Array {
  const bytes =
    typeof multibase === 'string' && multibase[0] === 'z' ? base58Decode(multibase.slice(1)) : undefined;
  if (!bytes || bytes.length !== header.length + 32 || bytes[0] !== header[0] || bytes[1] !== header[1]) {
    throw new OpenBadgesError('KEY_INVALID', `The value is not a multibase Ed25519 ${what} key.`);
  }
  return bytes.slice(header.length);
}

/** `z` + base58btc(0xed01 ‖ key): the Multikey form of an Ed25519 public key. */
export function publicKeyToMultibase(publicKey: Uint8Array): string {
  assertLength(publicKey, 'public');
  return prefixed(PUB_HEADER, publicKey);
}

export function multibaseToPublicKey(multibase: string): Uint8Array {
  return unprefixed(PUB_HEADER, multibase, 'public');
}

export function secretKeyToMultibase(secretKey: Uint8Array): string {
  assertLength(secretKey, 'secret');
  return prefixed(SECRET_HEADER, secretKey);
}

export function multibaseToSecretKey(multibase: string): Uint8Array {
  return unprefixed(SECRET_HEADER, multibase, 'secret');
}

function assertLength(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new OpenBadgesError('KEY_INVALID', `An Ed25519 ${what} key must be 32 bytes.`);
  }
}

/**
 * Accepts a 32-byte seed, or the 64-byte seed ‖ public key form used by NaCl and by the 1EdTech
 * test vector; in the second form the public half must match the seed.
 */
export function keyPairFromHex(secretHex: string): Ed25519KeyPair {
  if (!/^([0-9a-fA-F]{64}|[0-9a-fA-F]{128})$/.test(secretHex)) {
    throw new OpenBadgesError('KEY_INVALID', 'An Ed25519 secret key must be 32 or 64 bytes of hex.');
  }
  const bytes = new Uint8Array(Buffer.from(secretHex, 'hex'));
  const secretKey = bytes.slice(0, 32);
  const publicKey = publicKeyFromSecret(secretKey);
  if (bytes.length === 64 && !Buffer.from(bytes.subarray(32)).equals(Buffer.from(publicKey))) {
    throw new OpenBadgesError('KEY_INVALID', 'The public half of the secret key does not match its seed.');
  }
  return { publicKey, secretKey };
}

export function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  const jwk = createPublicKey(privateKeyObject(secretKey)).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
}

export function ed25519ToJwk(publicKey: Uint8Array, secretKey?: Uint8Array): Ed25519Jwk {
  assertLength(publicKey, 'public');
  const jwk: Ed25519Jwk = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') };
  if (secretKey) {
    assertLength(secretKey, 'secret');
    jwk.d = Buffer.from(secretKey).toString('base64url');
  }
  return jwk;
}

export function jwkToPublicKey(jwk: unknown): Uint8Array {
  const j = jwk as Partial<Ed25519Jwk> | null;
  if (!j || typeof j !== 'object' || j.kty !== 'OKP' || j.crv !== 'Ed25519' || typeof j.x !== 'string') {
    throw new OpenBadgesError('KEY_INVALID', 'The JWK is not an Ed25519 public key.');
  }
  const key = new Uint8Array(Buffer.from(j.x, 'base64url'));
  assertLength(key, 'public');
  return key;
}

// Creating a KeyObject parses DER and costs about as much as a signature, so keep them per key.
// Bounded so that verifying credentials from many issuers cannot grow memory without limit.
const CACHE_MAX = 512;
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, key: Uint8Array, make: () => KeyObject): KeyObject {
  const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
  let object = cache.get(id);
  if (!object) {
    object = make();
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(id, object);
  }
  return object;
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  assertLength(publicKey, 'public');
  return cached(publicKeys, publicKey, () =>
    createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }),
  );
}

export function privateKeyObject(secretKey: Uint8Array): KeyObject {
  assertLength(secretKey, 'secret');
  return cached(privateKeys, secretKey, () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' }),
  );
}

export function signEd25519(secretKey: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, data, privateKeyObject(secretKey)));
}

/** False (never a throw) for a bad signature; a malformed public key is KEY_INVALID. */
export function verifyEd25519(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  return verify(null, data, publicKeyObject(publicKey), signature);
}

export function toMultikeyDocument(opts: {
  id: string;
  controller: string;
  publicKey: Uint8Array;
  withContext?: boolean;
}): MultikeyDocument {
  return {
    ...(opts.withContext ? { '@context': 'https://w3id.org/security/multikey/v1' } : {}),
    id: opts.id,
    type: 'Multikey',
    controller: opts.controller,
    publicKeyMultibase: publicKeyToMultibase(opts.publicKey),
  };
}
