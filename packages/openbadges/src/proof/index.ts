export { base58Decode, base58Encode } from './base58.ts';
export {
  type DidDocument,
  didKeyFromPublicKey,
  didKeyToPublicKey,
  didKeyVerificationMethod,
  resolveDidKey,
} from './did-key.ts';
export { buildDidWebDocument, didWebFromUrl, didWebToUrl, resolveDidWeb } from './did-web.ts';
export {
  CRYPTOSUITE,
  canonizeDocument,
  canonizeProofConfig,
  type DataIntegrityProof,
  type ProofOptions,
  proofConfigNQuads,
  proofHashes,
  type SignDataIntegrityOptions,
  signDataIntegrity,
} from './eddsa-rdfc-2022.ts';
export { canonizeWithJsonLd } from './canonize.ts';
export {
  type Ed25519Jwk,
  type Ed25519KeyPair,
  ed25519ToJwk,
  generateEd25519KeyPair,
  jwkToPublicKey,
  keyPairFromHex,
  type MultikeyDocument,
  multibaseToPublicKey,
  multibaseToSecretKey,
  privateKeyObject,
  publicKeyFromSecret,
  publicKeyObject,
  publicKeyToMultibase,
  secretKeyToMultibase,
  signEd25519,
  toMultikeyDocument,
  verifyEd25519,
} from './keys.ts';
export {
  type Curve,
  decodeMultikey,
  decodePublicJwk,
  type PublicKeyBytes,
  verifySignature,
} from './multikey.ts';
export { decodeOb2Jws, generateRsaKeyPair, signOb2Assertion, verifyOb2Jws } from './ob2-jws.ts';
export {
  type ResolvedKey,
  type ResolveKeyOptions,
  resolveVerificationMethod,
  resolveVerificationMethodJwk,
} from './resolve-key.ts';
export { SUPPORTED_SUITES, suiteName } from './suites.ts';
export {
  type ProofCheck,
  type VerifyDataIntegrityOptions,
  type VerifyDataIntegrityResult,
  verifyDataIntegrity,
} from './verify-data-integrity.ts';
export {
  ed25519PublicJwk,
  type KeyLike,
  prepareVcJwtSigner,
  type SignVcJwtOptions,
  signVcJwt,
  type VcJwtAlg,
  type VcJwtHeader,
  type VcJwtSigner,
  type VerifyVcJwtOptions,
  type VerifyVcJwtResult,
  vcJwtClaims,
  verifyVcJwt,
} from './vc-jwt.ts';
