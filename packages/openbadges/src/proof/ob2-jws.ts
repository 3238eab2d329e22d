import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { OpenBadgesError } from '../errors.ts';

/*
 * Open Badges 2.0 "Signed Badge" verification: the assertion JSON is the payload of an RS256
 * compact JWS; the verifier reads `verification.creator` from the payload to find the issuer's
 * public key (a CryptographicKey document with publicKeyPem).
 */

const MAX_JWS_LENGTH = 1_000_000;
const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function generateRsaKeyPair(modulusLength = 2048): {
  publicKey: KeyObject;
  privateKey: KeyObject;
  publicKeyPem: string;
} {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength });
  return {
    publicKey,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function signOb2Assertion(assertion: object, privateKey: KeyObject): string {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new OpenBadgesError('KEY_INVALID', 'Open Badges 2.0 signing needs an RSA private key.');
  }
  const input = `${b64url(JSON.stringify({ alg: 'RS256' }))}.${b64url(JSON.stringify(assertion))}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

function split(jws: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  parts: string[];
} {
  if (typeof jws !== 'string' || jws.length > MAX_JWS_LENGTH)
    throw new OpenBadgesError('JWT_INVALID', 'The JWS is missing or too large.');
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[\w-]*$/.test(p)) || !parts[0] || !parts[1]) {
    throw new OpenBadgesError('JWT_INVALID', 'The input is not a compact JWS.');
  }
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (
      !header ||
      typeof header !== 'object' ||
      !payload ||
      typeof payload !== 'object' ||
      Array.isArray(payload)
    ) {
      throw new Error('not objects');
    }
    return { header, payload, parts };
  } catch (cause) {
    throw new OpenBadgesError('JWT_INVALID', 'The JWS header or payload is not a JSON object.', { cause });
  }
}

/** Reads a signed assertion without verifying it (to find `verification.creator`). */
export function decodeOb2Jws(jws: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const { header, payload } = split(jws);
  return { header, payload };
}

/** Verifies an RS256 signed assertion with the issuer's PEM key and returns the assertion. */
export function verifyOb2Jws(jws: string, publicKeyPem: string): Record<string, unknown> {
  const { header, payload, parts } = split(jws);
  if (header.alg !== 'RS256')
    throw new OpenBadgesError('JWT_INVALID', 'Open Badges 2.0 signatures must use RS256.');
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch (cause) {
    throw new OpenBadgesError('KEY_INVALID', 'The public key is not a PEM key.', { cause });
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new OpenBadgesError('KEY_INVALID', 'The public key is not an RSA key.');
  const ok = verify(
    'sha256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    key,
    Buffer.from(parts[2], 'base64url'),
  );
  if (!ok) throw new OpenBadgesError('PROOF_INVALID', 'The assertion signature does not match.');
  return payload;
}
