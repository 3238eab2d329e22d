import { createPublicKey, ECDH, type KeyObject, verify } from 'node:crypto';
import { OpenBadgesError } from '../errors.ts';
import { base58Decode } from './base58.ts';
import { verifyEd25519 } from './keys.ts';

/** The key types the Data Integrity suites this library verifies are defined over. */
export type Curve = 'Ed25519' | 'P-256' | 'P-384';

export type PublicKeyBytes = {
  curve: Curve;
  /** Ed25519: the 32-byte key; P-256 / P-384: the compressed point (33 / 49 bytes). */
  publicKey: Uint8Array;
};

// Multicodec varint headers and key lengths (Multikey, VC-DI-EdDSA §2.1.1, VC-DI-ECDSA §2.1.1).
const CODECS: ReadonlyArray<{ curve: Curve; header: [number, number]; length: number }> = [
  { curve: 'Ed25519', header: [0xed, 0x01], length: 32 },
  { curve: 'P-256', header: [0x80, 0x24], length: 33 },
  { curve: 'P-384', header: [0x81, 0x24], length: 49 },
];

const NODE_CURVE: Record<Exclude<Curve, 'Ed25519'>, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

/** ECDSA hashes with SHA-256 on P-256 and SHA-384 on P-384 (VC-DI-ECDSA §3.3.4 and §3.4.4). */
export const HASH_FOR_CURVE: Record<Curve, 'sha256' | 'sha384'> = {
  Ed25519: 'sha256',
  'P-256': 'sha256',
  'P-384': 'sha384',
};

/** Signature lengths: Ed25519 64 bytes, ECDSA r ‖ s (IEEE P1363) 64 / 96 bytes. */
export const SIGNATURE_LENGTH: Record<Curve, number> = { Ed25519: 64, 'P-256': 64, 'P-384': 96 };

/** Reads a `publicKeyMultibase` (base58btc, multicodec-prefixed) of any supported curve. */
export function decodeMultikey(multibase: unknown): PublicKeyBytes {
  const bytes =
    typeof multibase === 'string' && multibase[0] === 'z' ? base58Decode(multibase.slice(1)) : undefined;
  const codec = bytes
    ? CODECS.find(
        (c) => bytes[0] === c.header[0] && bytes[1] === c.header[1] && bytes.length === 2 + c.length,
      )
    : undefined;
  if (!bytes || !codec) {
    throw new OpenBadgesError(
      'KEY_INVALID',
      'The value is not a multibase Ed25519, P-256 or P-384 public key.',
    );
  }
  const publicKey = bytes.slice(2);
  if (codec.curve !== 'Ed25519') ecKeyObject(codec.curve, publicKey);
  return { curve: codec.curve, publicKey };
}

/** An Ed25519 (OKP) or P-256 / P-384 (EC) public JWK as key bytes. */
export function decodePublicJwk(jwk: unknown): PublicKeyBytes {
  const j = (typeof jwk === 'object' && jwk !== null ? jwk : {}) as Record<string, unknown>;
  if (j.kty === 'OKP' && j.crv === 'Ed25519' && typeof j.x === 'string') {
    const publicKey = new Uint8Array(Buffer.from(j.x, 'base64url'));
    if (publicKey.length === 32) return { curve: 'Ed25519', publicKey };
  }
  if (
    j.kty === 'EC' &&
    (j.crv === 'P-256' || j.crv === 'P-384') &&
    typeof j.x === 'string' &&
    typeof j.y === 'string'
  ) {
    const x = Buffer.from(j.x, 'base64url');
    const y = Buffer.from(j.y, 'base64url');
    const size = j.crv === 'P-256' ? 32 : 48;
    if (x.length === size && y.length === size) {
      // Compressed form: 0x02 for an even y, 0x03 for an odd one.
      const publicKey = new Uint8Array(Buffer.concat([Buffer.from([2 + (y[size - 1]! & 1)]), x]));
      ecKeyObject(j.crv, publicKey);
      return { curve: j.crv, publicKey };
    }
  }
  throw new OpenBadgesError('KEY_INVALID', 'The JWK is not an Ed25519, P-256 or P-384 public key.');
}

const EC_CACHE_MAX = 256;
const ecKeys = new Map<string, KeyObject>();

function ecKeyObject(curve: Exclude<Curve, 'Ed25519'>, compressed: Uint8Array): KeyObject {
  const id = `${curve}:${Buffer.from(compressed).toString('base64')}`;
  let key = ecKeys.get(id);
  if (!key) {
    let point: Buffer;
    try {
      point = ECDH.convertKey(compressed, NODE_CURVE[curve], undefined, undefined, 'uncompressed') as Buffer;
    } catch (cause) {
      throw new OpenBadgesError('KEY_INVALID', `The ${curve} public key is not a point on the curve.`, {
        cause,
      });
    }
    const half = (point.length - 1) / 2;
    key = createPublicKey({
      key: {
        kty: 'EC',
        crv: curve,
        x: point.subarray(1, 1 + half).toString('base64url'),
        y: point.subarray(1 + half).toString('base64url'),
      },
      format: 'jwk',
    });
    if (ecKeys.size >= EC_CACHE_MAX) ecKeys.delete(ecKeys.keys().next().value!);
    ecKeys.set(id, key);
  }
  return key;
}

/** False (never a throw) for a signature that does not match; a malformed key is KEY_INVALID. */
export function verifySignature(key: PublicKeyBytes, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH[key.curve]) return false;
  if (key.curve === 'Ed25519') return verifyEd25519(key.publicKey, data, signature);
  return verify(
    HASH_FOR_CURVE[key.curve],
    data,
    { key: ecKeyObject(key.curve, key.publicKey), dsaEncoding: 'ieee-p1363' },
    signature,
  );
}
