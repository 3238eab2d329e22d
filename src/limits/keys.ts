import { createHash } from 'node:crypto';

/** A counter's key: what is counted, and a hash of for whom (no client address is stored in clear). */
export const limitKey = (scope: string, value: string) =>
  `${scope}:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
