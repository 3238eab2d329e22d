export * from './build.ts';
export type * from './types.ts';
export { OB2_CONTEXT_URL } from './types.ts';
export { assertionShapeErrors, type Ob2Outcome, type Ob2VerifyOptions } from './verify-common.ts';
export { inIssuerScope, verifyHostedAssertion } from './verify-hosted.ts';
export { verifySignedAssertion } from './verify-signed.ts';
export { hashIdentity, matchesIdentity, normalizeEmail } from '../ob3/identity.ts';
