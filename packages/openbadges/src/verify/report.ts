import type { ErrorCode } from '../errors.ts';

export type StepId =
  | 'format'
  | 'parse'
  | 'schema'
  | 'proof'
  | 'key'
  | 'refresh'
  | 'issuer'
  | 'dates'
  | 'status'
  | 'recipient'
  | 'endorsements';

export type VerificationStep = {
  id: StepId;
  title: string;
  result: 'pass' | 'fail' | 'warn' | 'skipped';
  /** One human sentence. */
  message: string;
  code?: ErrorCode;
  /** Technical detail (the underlying error, validation paths) for those who want it. */
  detail?: string;
};

export type CredentialFormat = 'ob3-json' | 'ob3-jwt' | 'ob2-hosted' | 'ob2-signed' | 'unknown';

export type VerificationReport = {
  /** valid: every check passed; invalid: a check failed; indeterminate: a check could not be made. */
  verdict: 'valid' | 'invalid' | 'indeterminate';
  status?: 'valid' | 'expired' | 'revoked' | 'not-yet-valid' | 'suspended';
  /** One sentence saying what the verdict rests on. */
  summary: string;
  format: CredentialFormat;
  container?: 'png' | 'svg' | 'json' | 'text' | 'url';
  credential?: object;
  issuer?: { id: string; name?: string; url?: string };
  recipient?: { id?: string; identityType?: string; hashed?: boolean; matched?: boolean };
  achievement?: { id?: string; name?: string; description?: string; image?: string };
  validFrom?: string;
  validUntil?: string;
  steps: VerificationStep[];
};

export const STEP_TITLES: Record<StepId, string> = {
  format: 'Format',
  parse: 'Readable',
  schema: 'Structure',
  proof: 'Signature',
  key: 'Signing key',
  refresh: 'Refreshed copy',
  issuer: 'Issuer',
  dates: 'Validity period',
  status: 'Revocation status',
  recipient: 'Recipient',
  endorsements: 'Endorsements',
};

export function step(
  id: StepId,
  result: VerificationStep['result'],
  message: string,
  extra: { code?: ErrorCode; detail?: string } = {},
): VerificationStep {
  const s: VerificationStep = { id, title: STEP_TITLES[id], result, message };
  if (extra.code) s.code = extra.code;
  if (extra.detail) s.detail = extra.detail;
  return s;
}

/** Network failures mean "could not check", not "forged". */
export const UNREACHABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  'FETCH_FAILED',
  'FETCH_TIMEOUT',
  'FETCH_TOO_LARGE',
  'FETCH_BLOCKED',
  'STATUS_UNREACHABLE',
]);

/**
 * Failures that mean "this verifier could not check it", not "something is wrong": a network
 * failure, a signature in a suite this verifier does not implement, or a JSON-LD context it does
 * not have (and will not fetch). They give the verdict
 * indeterminate, never invalid.
 */
export const CANNOT_CHECK_CODES: ReadonlySet<ErrorCode> = new Set([
  ...UNREACHABLE_CODES,
  'PROOF_UNSUPPORTED',
  'CONTEXT_NOT_ALLOWED',
]);

/** Format failures that mean "this is not a badge that can be read", as opposed to one that fails a check. */
const UNREADABLE_INPUT_CODES: ReadonlySet<ErrorCode> = new Set([
  'INPUT_UNRECOGNIZED',
  'INPUT_TOO_LARGE',
  'INPUT_TOO_COMPLEX',
  'JSON_INVALID',
  'JWT_INVALID',
  'PNG_INVALID',
  'PNG_BAD_CRC',
  'PNG_NO_CREDENTIAL',
  'PNG_MULTIPLE_CREDENTIALS',
  'SVG_INVALID',
  'SVG_NO_CREDENTIAL',
  'SVG_FORBIDDEN',
  'SVG_MULTIPLE_CREDENTIALS',
]);

/**
 * The failed format step when the input could not be read as a badge at all (a photo without a
 * baked credential, random text), so callers can answer "unreadable" rather than "not valid".
 */
export function unreadableStep(report: VerificationReport): VerificationStep | undefined {
  if (report.verdict === 'valid' || report.format !== 'unknown') return undefined;
  const failed = report.steps.find((s) => s.result === 'fail');
  return failed?.code && UNREADABLE_INPUT_CODES.has(failed.code) ? failed : undefined;
}

// The checks every report lists, in order; endorsements appear only for OB 3.0 credentials.
const CORE_STEPS: readonly StepId[] = [
  'format',
  'parse',
  'schema',
  'proof',
  'key',
  'issuer',
  'dates',
  'status',
  'recipient',
];

/** Adds the checks a report stopped before, as skipped, so every report lists every check. */
export function withSkippedSteps(steps: VerificationStep[]): VerificationStep[] {
  const done = new Set(steps.map((s) => s.id));
  const missing = CORE_STEPS.filter((id) => !done.has(id));
  return missing.length === 0
    ? steps
    : [
        ...steps,
        ...missing.map((id) => step(id, 'skipped', 'Not checked, because an earlier check failed.')),
      ];
}
