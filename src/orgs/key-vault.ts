import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { LaurelError } from '../errors.ts';

// Version byte first so that a future change of algorithm can be read beside old rows.
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PURPOSE = 'laurel/org-signing-key/v1';

/** A key for sealing issuer secrets only, derived from the server secret (RFC 5869 HKDF-SHA256). */
function vaultKey(serverSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), PURPOSE, 32));
}

/**
 * AES-256-GCM with a random nonce; the org id is the associated data, so a sealed secret
 * copied into another organization's row does not open. Layout: version ‖ nonce ‖ tag ‖ ciphertext.
 */
export function sealSecret(serverSecret: Buffer, orgId: string, secret: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', vaultKey(serverSecret), nonce);
  cipher.setAAD(Buffer.from(orgId, 'utf8'));
  const body = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
}

export function openSecret(serverSecret: Buffer, orgId: string, sealed: Uint8Array): Uint8Array {
  const buf = Buffer.from(sealed);
  if (buf.length < 1 + NONCE_BYTES + TAG_BYTES || buf[0] !== VERSION) {
    throw new LaurelError('UNAVAILABLE', 'The stored signing key is not in a format this server can read.');
  }
  const nonce = buf.subarray(1, 1 + NONCE_BYTES);
  const tag = buf.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
  const body = buf.subarray(1 + NONCE_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', vaultKey(serverSecret), nonce);
    decipher.setAAD(Buffer.from(orgId, 'utf8'));
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    throw new LaurelError(
      'UNAVAILABLE',
      'The signing key could not be decrypted: the server secret (LAUREL_SECRET) differs from the one it was sealed with, or the row was altered.',
    );
  }
}
