export {
  createGuardedFetch,
  type FetchedResponse,
  fetchedResponse,
  fetchJsonWith,
  type GuardedFetch,
  type GuardedFetchOptions,
  isBlockedAddress,
} from './fetch.ts';
export {
  checkJsonLimits,
  checkJwsLimits,
  checkTextLimits,
  DEFAULT_INPUT_LIMITS,
  HARD_MAX_DEPTH,
  type InputLimits,
  inputLimits,
  type LimitExceeded,
  type LimitName,
} from './limits.ts';
export {
  type CredentialFormat,
  type StepId,
  unreadableStep,
  type VerificationReport,
  type VerificationStep,
} from './report.ts';
export { findJsonLdLink, type KeyResolver, type VerifyOptions, verify } from './verify.ts';
export { type VerifyManyOptions, verifyMany } from './verify-many.ts';
