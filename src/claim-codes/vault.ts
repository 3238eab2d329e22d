// The plaintext of claim codes, kept sealed so issuers can export a batch again at any time.
//
// Organizations print codes, lose the file and ask for it again; a product that shows codes
// once leaves them to regenerate (and to recall the printed ones). So each code is kept
// encrypted beside its hash: AES-256-GCM under a key derived from the server secret (the one
// sealing the issuers' signing keys, with its own HKDF purpose), the set's id as associated
// data, so a sealed code moved to another set does not open. A database leak without
// LAUREL_SECRET reveals no code.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { LaurelError } from '../errors.ts';

const VERSION = 2;
const NONCE = 12;
const TAG = 16;

export interface CodeVault {
  seal(code: string): Buffer;
  open(sealed: Uint8Array): string;
}

/** The vault of one set: its key derived once, so sealing 10,000 codes costs one derivation. */
export function codeVault(serverSecret: Buffer, setId: string): CodeVault {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), 'laurel/claim-codes/v1', 32));
  const aad = Buffer.from(`claim-code-set:${setId}`, 'utf8');
  return {
    seal(code) {
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
      const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      const buf = Buffer.from(sealed);
      try {
        if (buf[0] !== VERSION) throw new Error('version');
        const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(1, 1 + NONCE)).setAAD(aad);
        decipher.setAuthTag(buf.subarray(1 + NONCE, 1 + NONCE + TAG));
        return Buffer.concat([decipher.update(buf.subarray(1 + NONCE + TAG)), decipher.final()]).toString();
      } catch {
        throw new LaurelError(
          'UNAVAILABLE',
          'The claim codes could not be decrypted: the server secret (LAUREL_SECRET) differs from the one they were sealed with.',
        );
      }
    },
  };
}
