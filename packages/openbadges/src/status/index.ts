export {
  createBitstring,
  DEFAULT_MAX_BITSTRING_BYTES,
  decodeBitstring,
  encodeBitstring,
  getBit,
  MIN_BITSTRING_LENGTH,
  setBit,
} from './bitstring.ts';
export {
  type BitstringStatusListCredential,
  type BitstringStatusListEntry,
  type BitstringStatusResult,
  buildStatusEntry,
  buildStatusListCredential,
  type CheckBitstringStatusOptions,
  checkBitstringStatus,
  type StatusPurpose,
} from './bitstring-credential.ts';
export type { FetchJson } from './load-status-document.ts';
export { check1EdTechRevocation, checkOb2RevocationList, type RevocationResult } from './revocation-list.ts';
export {
  createStatusCache,
  type StatusCache,
  type StatusCacheEntry,
  type StatusCacheOptions,
} from './status-cache.ts';
