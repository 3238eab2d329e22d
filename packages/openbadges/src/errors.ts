/**
 * Every failure the library can report has a stable machine code. Callers (the
 * verifier's report, the platform's HTTP problem responses, tests) match on `code`,
 * never on message text. Messages are one human sentence.
 */
export type ErrorCode =
  // input and formats
  | 'INPUT_TOO_LARGE'
  // nested too deeply, too many values, items or properties (see verify/limits.ts)
  | 'INPUT_TOO_COMPLEX'
  | 'INPUT_UNRECOGNIZED'
  | 'JSON_INVALID'
  | 'PNG_INVALID'
  | 'PNG_BAD_CRC'
  | 'PNG_MULTIPLE_CREDENTIALS'
  | 'PNG_NO_CREDENTIAL'
  | 'SVG_INVALID'
  | 'SVG_FORBIDDEN'
  | 'SVG_MULTIPLE_CREDENTIALS'
  | 'SVG_NO_CREDENTIAL'
  | 'JWT_INVALID'
  // model
  | 'SHAPE_INVALID'
  // proofs and keys
  | 'PROOF_MISSING'
  | 'PROOF_INVALID'
  | 'PROOF_UNSUPPORTED'
  | 'KEY_INVALID'
  | 'KEY_NOT_FOUND'
  | 'KEY_CONTROLLER_MISMATCH'
  // a key that nothing shows to be the issuer's (one carried in a token's own header)
  | 'KEY_UNPROVEN'
  | 'DID_UNSUPPORTED'
  | 'CONTEXT_NOT_ALLOWED'
  | 'JSONLD_INVALID'
  // network
  | 'FETCH_BLOCKED'
  | 'FETCH_FAILED'
  | 'FETCH_TIMEOUT'
  | 'FETCH_TOO_LARGE'
  // status
  | 'STATUS_INVALID'
  | 'STATUS_UNREACHABLE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'ISSUER_MISMATCH'
  | 'RECIPIENT_MISMATCH';

export class OpenBadgesError extends Error {
  override readonly name = 'OpenBadgesError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isOpenBadgesError(e: unknown, code?: ErrorCode): e is OpenBadgesError {
  return e instanceof OpenBadgesError && (code === undefined || e.code === code);
}
