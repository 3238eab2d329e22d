import { createHash } from 'node:crypto';

/** Hex SHA-256 of a string or bytes. */
export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/**
 * What is stored for a secret token (session, claim link, invitation, API key): its SHA-256.
 * The tokens are 256-bit random values, so a fast hash is enough and lookups stay indexed.
 */
export const hashToken = (token: string): string => sha256Hex(token);
